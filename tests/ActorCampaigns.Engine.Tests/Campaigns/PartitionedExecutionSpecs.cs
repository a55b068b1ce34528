using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Data.Sqlite;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;

namespace ActorCampaigns.Engine.Tests.Campaigns;

/// <summary>
/// An execution split into three partitions on a one-node cluster (the same partition region and coordinator as on
/// several members): every expected count and message is asked of the database in plain SQL, never computed by the
/// engine's code. Ids have gaps, as a CRM export's do.
/// </summary>
public sealed class PartitionedExecutionSpecs(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(nameof(PartitionedExecutionSpecs), output)
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-partitions-").FullName;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const int Partitions = 3;

    /// <summary>
    /// Two audiences combined per partition, a filter-only split per partition, a deduplication over the whole population
    /// (at the coordinator, its output split by partition again), a test per partition whose condition only the whole
    /// count meets (<paramref name="deduplicated"/>), an email per partition, and a split with limits (by id, random,
    /// by an attribute) decided once over the whole population and applied per partition, feeding an SMS per partition.
    /// </summary>
    private static string Canvas(long deduplicated) => """
        {
          "name": "Partitioned", "schedule": { "type": "asap" },
          "activities": [
            { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
            { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
            { "id": "both", "type": "combine", "mode": "intersection" },
            { "id": "ages", "type": "split", "complement": true, "subsets": [ { "name": "young", "filter": "birthDate > date('1975-01-01')" } ] },
            { "id": "dedup", "type": "deduplicate", "keys": ["email"], "method": "lowest", "by": "id" },
            { "id": "enough", "type": "test", "conditions": [ { "name": "many", "when": "count >= DEDUPLICATED" } ] },
            { "id": "mail", "type": "email", "content": { "from": "news@example.com", "subject": "Hi", "html": "<p>Hi</p>" } },
            { "id": "sample", "type": "split", "complement": true, "subsets": [ { "name": "ten", "limit": { "count": 10 } },
                { "name": "third", "limit": { "percent": 30 }, "order": "random" }, { "name": "oldest", "limit": { "count": 5 }, "order": "birthDate asc" } ] },
            { "id": "text", "type": "sms", "content": { "text": "Hi" } }
          ],
          "transitions": [
            { "from": "fr", "to": "both" }, { "from": "optin", "to": "both" }, { "from": "both", "to": "ages" },
            { "from": "ages", "port": "young", "to": "dedup" }, { "from": "dedup", "to": "enough" }, { "from": "enough", "port": "many", "to": "mail" },
            { "from": "ages", "port": "complement", "to": "sample" }, { "from": "sample", "port": "ten", "to": "text" }
          ]
        }
        """.Replace("DEDUPLICATED", deduplicated.ToString());

    private static readonly long Day1975 = new DateOnly(1975, 1, 1).DayNumber - new DateOnly(1970, 1, 1).DayNumber;

    private static IEnumerable<long> Ids => Enumerable.Range(1, 400).Select(i => (long)i * i % 9973 + (i > 200 ? 1_000_000 : 0)).Distinct();

    private EngineServices CreateServices()
    {
        var services = EngineServices.OpenAsync(new SqliteDatabase(Path.Combine(_folder, "data.db")), Path.Combine(_folder, "outbox"), TimeProvider.System,
            batchSize: 16).GetAwaiter().GetResult();
        var lines = Ids.Select(i =>
            $"{i},{(i % 10 == 0 ? "" : $"u{i % 240}@example.com")},{new[] { "FR", "DE", "IT" }[i % 3]},{i % 4 != 0}," +
            $"{new DateOnly(1960, 1, 1).AddDays((int)(i * 47 % 15000)):yyyy-MM-dd},+33612{i:D7},true");
        services.Profiles.ImportCsvAsync(new StringReader("id,email,country,emailOptIn,birthDate,phone,smsOptIn\n" + string.Join("\n", lines))).GetAwaiter().GetResult();
        return services;
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .AddOneNodeCluster()
        .AddCampaignJournalOnSqlite(Path.Combine(_folder, "journal.db"))
        .AddCampaignEngine(new CampaignEngineOptions { TickInterval = TimeSpan.FromMilliseconds(50), Partitions = Partitions }, CreateServices());

    private List<long> SqlIds(string query)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "data.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    private List<long> Outbox(string channel, string? activity = null) =>
        File.ReadLines(Path.Combine(_folder, "outbox", $"{channel}.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(m => activity is null || m.GetProperty("activityId").GetString() == activity).Select(m => m.GetProperty("profileId").GetInt64()).ToList();

    private Task<CampaignState> AwaitStateAsync(IActorRef region, CampaignId id, Func<CampaignState, bool> condition) =>
        this.AwaitStateAsync(region, id, condition, Timeout, Cancel);

    [Fact]
    public async Task A_partitioned_execution_sends_what_the_whole_population_calls_for_once_each_and_shows_its_partitions()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var young = $"country = 'FR' AND emailOptIn = 1 AND birthDate > {Day1975}";
        var sameEmail = young.Replace("birthDate", "q.birthDate").Replace("country", "q.country").Replace("emailOptIn", "q.emailOptIn");
        var deduplicated = SqlIds($"SELECT id FROM profiles p WHERE {young} AND (email IS NULL OR id = (SELECT MIN(id) FROM profiles q WHERE q.email = p.email AND {sameEmail}))");
        var document = CampaignValidator.Validate(Canvas(deduplicated.Count), Domain.Profiles.ProfileSchema.Core).Document!;
        var id = new CampaignId("c-parts");
        await region.Ask<CampaignReplies.Accepted>(new Create(id, document), Timeout, Cancel);
        await region.Ask<CampaignReplies.Accepted>(new Publish(id), Timeout, Cancel);

        var done = await AwaitStateAsync(region, id, s => s.Executions is [{ State: ExecutionState.Completed or ExecutionState.Failed }]);
        var execution = done.Executions[0];
        Assert.Equal(ExecutionState.Completed, execution.State);

        // The boundaries split the ids into three ranks of (nearly) equal counts.
        Assert.Equal(Partitions - 1, execution.Partitions!.Count);
        var ids = Ids.Order().ToList();
        Assert.Equal([ids[(ids.Count + 2) / 3], ids[2 * ((ids.Count + 2) / 3)]], execution.Partitions);

        var mailed = SqlIds($"""
            SELECT id FROM profiles p WHERE {young} AND email IS NOT NULL
              AND id = (SELECT MIN(id) FROM profiles q WHERE q.email = p.email AND {sameEmail})
            ORDER BY id
            """);
        Assert.Equal(mailed, Outbox("email").Order());
        var texted = SqlIds($"SELECT id FROM profiles WHERE country = 'FR' AND emailOptIn = 1 AND NOT (birthDate > {Day1975}) ORDER BY id LIMIT 10");
        Assert.Equal(texted, Outbox("sms").Order());

        // Per-profile activities ran as three partitions whose counts add up; whole-population ones have none.
        var mail = execution.Activities["mail"];
        Assert.Equal(Enumerable.Range(0, Partitions), mail.Partitions!.Keys);
        Assert.All(mail.Partitions.Values, p => Assert.Equal(ActivityState.Completed, p.State));
        Assert.Equal(mail.Counts.In, mail.Partitions.Values.Sum(p => p.Counts.In));
        Assert.Equal(mailed.Count, mail.Counts.Out["out"]);
        Assert.All(mail.Partitions.Values, p => Assert.StartsWith("akka.tcp://", p.Node));
        Assert.Null(execution.Activities["dedup"].Partitions);
        // Each partition of the test decided on the whole count, which no partition's own count reaches.
        var enough = execution.Activities["enough"];
        Assert.Equal((deduplicated.Count, 0L), (enough.Counts.Out["many"], enough.Counts.Out["default"]));
        Assert.All(enough.Partitions!.Values, p => Assert.True(p.Counts.In < deduplicated.Count));
        // The split with limits ran per partition, each taking what the decision over the whole population gave it: a
        // limit applied by each partition alone would have taken up to three times as many.
        var sample = execution.Activities["sample"];
        Assert.Equal(Enumerable.Range(0, Partitions), sample.Partitions!.Keys);
        var rest = SqlIds($"SELECT COUNT(*) FROM profiles WHERE country = 'FR' AND emailOptIn = 1 AND NOT (birthDate > {Day1975})")[0];
        var third = (rest - 10) * 30 / 100;
        Assert.Equal((10L, third, 5L, rest - 15 - third),
            (sample.Counts.Out["ten"], sample.Counts.Out["third"], sample.Counts.Out["oldest"], sample.Counts.Out["complement"]));
        var decision = Engine.Activities.SplitDecision.Parse(sample.Decision!, (SplitActivity)document.Activities.First(a => a.Id == "sample"), Partitions);
        var partitions = new ExecutionPartitions(execution.Partitions!);
        Assert.Equal(Enumerable.Range(0, Partitions).Select(p => (long)texted.Count(i => partitions.Of(i) == p)), decision.Takes[0]!);
        Assert.Equal(SqlIds("SELECT COUNT(*) FROM profiles WHERE country = 'FR'")[0], execution.Activities["fr"].Counts.Out["out"]);
    }

    /// <summary>
    /// An experiment run per partition: no arm better than the other, so after its (one-second) window the fallback wins
    /// and its path runs again with the held-back profiles, each profile mailed once: the email on every partition, the
    /// wait before it once over the whole second wave, where the campaign runs.
    /// </summary>
    [Fact]
    public async Task A_partitioned_experiment_sends_the_held_back_profiles_down_the_winners_path_once_on_every_partition()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var document = CampaignValidator.Validate("""
            { "name": "Partitioned experiment", "activities": [
                { "id": "optin", "type": "buildAudience", "filter": "emailOptIn and email is not null" },
                { "id": "exp", "type": "experiment", "arms": [ { "name": "a", "percent": 20 }, { "name": "b", "percent": 20 } ],
                  "metric": "opened", "window": "PT1S", "minimumPerArm": 1, "fallback": "b" },
                { "id": "mail-a", "type": "email", "content": { "from": "s@example.com", "subject": "A", "html": "<p>A</p>" } },
                { "id": "later", "type": "wait", "duration": "PT1S" },
                { "id": "mail-b", "type": "email", "content": { "from": "s@example.com", "subject": "B", "html": "<p>B</p>" } } ],
              "transitions": [ { "from": "optin", "to": "exp" }, { "from": "exp", "port": "a", "to": "mail-a" }, { "from": "exp", "port": "b", "to": "later" },
                { "from": "later", "to": "mail-b" } ] }
            """, Domain.Profiles.ProfileSchema.Core).Document!;
        var id = new CampaignId("c-experiment");
        await region.Ask<CampaignReplies.Accepted>(new Create(id, document), Timeout, Cancel);
        await region.Ask<CampaignReplies.Accepted>(new Publish(id), Timeout, Cancel);

        var done = await AwaitStateAsync(region, id, s => s.Executions is [{ State: ExecutionState.Completed or ExecutionState.Failed }]);
        var execution = done.Executions[0];
        Assert.Equal(ExecutionState.Completed, execution.State);
        var decision = Engine.Activities.ExperimentDecision.Parse(execution.Activities["exp"].Decision!);
        Assert.Equal(("b", "fallback"), (decision.Winner, decision.Reason));

        var arm = TestSupport.ExperimentArmsSql.Arm(Engine.Activities.ExperimentArms.KeyOf(id.Value, execution.Id.Value, "exp"), ("a", 20), ("b", 20));
        var targeted = $"FROM profiles WHERE emailOptIn = 1 AND email IS NOT NULL AND {arm}";
        var armA = SqlIds($"SELECT id {targeted} = 'a' ORDER BY id");
        var mailB = SqlIds($"SELECT id {targeted} <> 'a' ORDER BY id");
        Assert.Equal(armA, Outbox("email", "mail-a").Order());
        Assert.Equal(mailB, Outbox("email", "mail-b").Order());
        Assert.Equal(armA.Count + mailB.Count, Outbox("email").Count);
        foreach (var activity in new[] { "exp", "mail-b" })
        {
            var view = execution.Activities[activity];
            Assert.Equal(Enumerable.Range(0, Partitions), view.Partitions!.Keys);
            Assert.All(view.Partitions.Values, p => Assert.Equal(ActivityState.Completed, p.State));
        }
        Assert.Equal(mailB.Count, execution.Activities["mail-b"].Counts.Out["out"]);
        Assert.Equal((mailB.Count, mailB.Count), (execution.Activities["later"].Counts.In, execution.Activities["later"].Counts.Out["out"]));
        Assert.Null(execution.Activities["later"].Partitions);
        var experiment = execution.Activities["exp"].Counts;
        Assert.Equal(((long)armA.Count + mailB.Count, armA.Count, mailB.Count, 0L),
            (experiment.In, experiment.Out["a"], experiment.Out["b"], experiment.Out["holdback"]));
        Assert.Equal(SqlIds($"SELECT COUNT(*) {targeted} = 'holdback'")[0], decision.HeldBack);
    }

    [Fact]
    public async Task A_paused_partitioned_execution_holds_every_partition_and_resume_sends_only_what_was_left()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        // The opted-in French (85), mailed at 15 a second over the three partitions: some six seconds of sending.
        var document = CampaignValidator.Validate("""
            { "name": "Paused", "activities": [
                { "id": "fr", "type": "buildAudience", "filter": "country = 'FR' and emailOptIn and email is not null" },
                { "id": "mail", "type": "email", "throttle": 15, "content": { "from": "news@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "fr", "to": "mail" } ] }
            """, Domain.Profiles.ProfileSchema.Core).Document!;
        var id = new CampaignId("c-paused");
        await region.Ask<CampaignReplies.Accepted>(new Create(id, document), Timeout, Cancel);
        await region.Ask<CampaignReplies.Accepted>(new Publish(id), Timeout, Cancel);
        var expected = SqlIds("SELECT id FROM profiles WHERE country = 'FR' AND emailOptIn = 1 AND email IS NOT NULL ORDER BY id");

        await AwaitConditionAsync(() => Task.FromResult(File.Exists(Path.Combine(_folder, "outbox", "email.jsonl")) && Outbox("email").Count >= 10),
            Timeout, TimeSpan.FromMilliseconds(20), cancellationToken: Cancel);
        await region.Ask<CampaignReplies.Accepted>(new Pause(id), Timeout, Cancel);
        // Every partition holds at its next batch boundary, and the activity waits for resume.
        var paused = await AwaitStateAsync(region, id, s => s.Executions[0].Activities["mail"].State == ActivityState.Pending);
        Assert.Equal(ExecutionState.Paused, paused.Executions[0].State);
        var sentWhilePaused = Outbox("email").Count;
        Assert.InRange(sentWhilePaused, 10, expected.Count - 1);
        await Task.Delay(1_000, Cancel);
        Assert.Equal(sentWhilePaused, Outbox("email").Count);

        await region.Ask<CampaignReplies.Accepted>(new Resume(id), Timeout, Cancel);
        var done = await AwaitStateAsync(region, id, s => s.Executions[0].State == ExecutionState.Completed);
        Assert.Equal(expected, Outbox("email").Order());
        Assert.Equal(expected.Count, done.Executions[0].Activities["mail"].Counts.Out["out"]);
    }
}

using System.Text.Json;
using ActorCampaigns.Channels;
using ActorCampaigns.Data;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka.Actor;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Engine.Tests.Executions;

/// <summary>
/// A canvas run activity by activity against a real SQLite profile store; every expected count is asked of the
/// database in plain SQL, never computed by the engine's code.
/// </summary>
public sealed class ActivityRunnerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-run-").FullName;
    private readonly ActorSystem _system = ActorSystem.Create("runner", ActivityDispatcher.Hocon);

    private const string Canvas = """
        {
          "name": "Spring", "schedule": { "type": "asap" },
          "activities": [
            { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
            { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
            { "id": "both", "type": "combine", "mode": "intersection", "complement": true },
            { "id": "dedup", "type": "deduplicate", "keys": ["email"], "method": "lowest", "by": "id" },
            { "id": "split", "type": "split", "complement": true,
              "subsets": [ { "name": "young", "filter": "birthDate > date('1975-01-01')" }, { "name": "sample", "limit": { "count": 10 }, "order": "random" } ] },
            { "id": "mail", "type": "email", "content": { "from": "news@example.com", "subject": "Hi {{ firstName | default: 'you' }}", "html": "<p>{{ campaign.name }}</p>" } },
            { "id": "end", "type": "end" }
          ],
          "transitions": [
            { "from": "fr", "to": "both" }, { "from": "optin", "to": "both" }, { "from": "both", "to": "dedup" },
            { "from": "dedup", "to": "split" }, { "from": "split", "port": "young", "to": "mail" },
            { "from": "split", "port": "sample", "to": "end" }, { "from": "mail", "to": "end" }
          ]
        }
        """;

    private async Task<EngineServices> ServicesAsync()
    {
        var services = await EngineServices.OpenAsync(new SqliteDatabase(Path.Combine(_folder, "data.db")), Path.Combine(_folder, "outbox"),
            TimeProvider.System, batchSize: 16, TestContext.Current.CancellationToken);
        var lines = Enumerable.Range(1, 300).Select(i =>
            $"{i},{(i % 10 == 0 ? "" : $"u{i % 240}@example.com")},{new[] { "FR", "DE", "IT" }[i % 3]},{i % 4 != 0}," +
            $"{new DateOnly(1960, 1, 1).AddDays(i * 47 % 15000):yyyy-MM-dd},{(i % 7 == 0 ? "" : $"Name{i}")}");
        await services.Profiles.ImportCsvAsync(new StringReader("id,email,country,emailOptIn,birthDate,firstName\n" + string.Join("\n", lines)),
            cancellationToken: TestContext.Current.CancellationToken);
        return services;
    }

    private long Sql(string query)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "data.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = query;
        return Convert.ToInt64(command.ExecuteScalar());
    }

/// <summary>A provider that notes when each message reached it (a test's recorder: what leaves, and when).</summary>
    private sealed class Stopwatched : IMessageSender
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<TimeSpan> _times = [];
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public IEnumerable<TimeSpan> Times => _times;

        public Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
        {
            foreach (var _ in messages)
                _times.Add(_clock.Elapsed);
            return Task.FromResult<IReadOnlyList<SendResult>>(messages.Select(m => new SendResult(m, null)).ToList());
        }
    }

    // The deduplicated set, in plain SQL: French opted-in profiles, one per email (the lowest id), every null email kept.
    private const string Deduplicated = """
        SELECT id FROM profiles p WHERE country = 'FR' AND emailOptIn = 1 AND (email IS NULL OR id =
          (SELECT MIN(id) FROM profiles q WHERE q.email = p.email AND q.country = 'FR' AND q.emailOptIn = 1))
        """;

    private static readonly long Day1975 = new DateOnly(1975, 1, 1).DayNumber - new DateOnly(1970, 1, 1).DayNumber;

    private Task<Dictionary<string, ActivityCounts>> RunAsync(EngineServices services, ExecutionMode mode, string execution) =>
        RunAsync(services, mode, execution, Canvas);

    private async Task<Dictionary<string, ActivityCounts>> RunAsync(EngineServices services, ExecutionMode mode, string execution, string canvas)
    {
        var validation = CampaignValidator.Validate(canvas, await services.Profiles.GetSchemaAsync(TestContext.Current.CancellationToken),
            await services.Entities.SchemasAsync(TestContext.Current.CancellationToken));
        Assert.Empty(validation.Errors);
        var document = validation.Document!;
        var plan = new ExecutionPlan(document);
        var runner = new ActivityRunner(services);
        var counts = new Dictionary<string, ActivityCounts>();
        while (plan.Ready(counts.Keys.ToHashSet(), new HashSet<string>(), mode).FirstOrDefault() is { } activity)
        {
            var run = new ActivityRun(new CampaignId("c-1"), document.Name, new ExecutionId(execution), mode, activity, plan,
                EvaluationContext.At(DateTime.UtcNow), new Dictionary<string, ExprType>(), DateTime.UtcNow, new InboundProgress(counts.Keys));
            var outcome = Assert.IsType<ActivityOutcome.Done>(await runner.RunAsync(run, ActivityDispatcher.Materializer(_system, _system),
                TestContext.Current.CancellationToken));
            counts[activity.Id] = outcome.Counts;
        }
        return counts;
    }

    [Fact]
    public async Task A_live_run_gives_the_counts_plain_sql_gives_and_sends_each_message_once()
    {
        var services = await ServicesAsync();
        var counts = await RunAsync(services, ExecutionMode.Live, "e-1");

        var fr = Sql("SELECT COUNT(*) FROM profiles WHERE country = 'FR'");
        var optin = Sql("SELECT COUNT(*) FROM profiles WHERE emailOptIn = 1");
        var both = Sql("SELECT COUNT(*) FROM profiles WHERE country = 'FR' AND emailOptIn = 1");
        var kept = Sql($"SELECT COUNT(*) FROM ({Deduplicated})");
        var young = Sql($"SELECT COUNT(*) FROM profiles WHERE id IN ({Deduplicated}) AND birthDate > {Day1975}");
        var youngWithEmail = Sql($"SELECT COUNT(*) FROM profiles WHERE id IN ({Deduplicated}) AND birthDate > {Day1975} AND email IS NOT NULL");

        Assert.True(young > 10 && young > youngWithEmail && both > kept && kept - young > 10,
            $"the data must exercise every branch: young {young}, with email {youngWithEmail}, both {both}, kept {kept}");
        Assert.Equal(fr, counts["fr"].Out["out"]);
        Assert.Equal(optin, counts["optin"].Out["out"]);
        Assert.Equal((fr + optin, both, fr + optin - 2 * both), (counts["both"].In, counts["both"].Out["out"], counts["both"].Out["complement"]));
        Assert.Equal((both, kept, both - kept), (counts["dedup"].In, counts["dedup"].Out["out"], counts["dedup"].Out["duplicates"]));
        Assert.Equal((young, 10L, kept - young - 10), (counts["split"].Out["young"], counts["split"].Out["sample"], counts["split"].Out["complement"]));
        Assert.Equal((young, youngWithEmail, young - youngWithEmail), (counts["mail"].In, counts["mail"].Out["out"], counts["mail"].Out["excluded"]));
        Assert.Equal(young - youngWithEmail, counts["mail"].Excluded["noAddress"]);

        var outbox = File.ReadAllLines(Path.Combine(_folder, "outbox", "email.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(youngWithEmail, outbox.Count);
        Assert.Equal(outbox.Count, outbox.Select(m => m.GetProperty("profileId").GetInt64()).Distinct().Count());
        var first = outbox[0];
        var id = first.GetProperty("profileId").GetInt64();
        Assert.Equal(id % 7 == 0 ? "Hi you" : $"Hi Name{id}", first.GetProperty("subject").GetString());
        Assert.Equal("<p>Spring</p>", first.GetProperty("html").GetString());

        await RunAsync(services, ExecutionMode.Live, "e-1");
        Assert.Equal(youngWithEmail, File.ReadAllLines(Path.Combine(_folder, "outbox", "email.jsonl")).Length);
    }

    [Fact]
    public async Task A_test_run_holds_the_channel_and_sends_nothing()
    {
        var services = await ServicesAsync();
        var counts = await RunAsync(services, ExecutionMode.Test, "e-1");
        var young = Sql($"SELECT COUNT(*) FROM profiles WHERE id IN ({Deduplicated}) AND birthDate > {Day1975}");
        Assert.Equal((young, 0L), (counts["mail"].In, counts["mail"].Out["out"]));
        Assert.False(Directory.Exists(Path.Combine(_folder, "outbox")));
    }

    private const string SaveFrench = """
        { "name": "Save", "activities": [
            { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" }, { "id": "keep", "type": "saveAudience", "audience": "french" } ],
          "transitions": [ { "from": "fr", "to": "keep" } ] }
        """;

    private const string ReadFrench = """
        { "name": "Read", "activities": [
            { "id": "french", "type": "readAudience", "audience": "french" },
            { "id": "young", "type": "split", "subsets": [ { "name": "young", "filter": "birthDate > date('1975-01-01')" } ], "complement": true } ],
          "transitions": [ { "from": "french", "to": "young" } ] }
        """;

    [Fact]
    public async Task A_saved_audience_is_read_back_by_another_campaign_and_a_test_run_changes_no_audience()
    {
        var services = await ServicesAsync();
        var cancel = TestContext.Current.CancellationToken;
        var testRun = await RunAsync(services, ExecutionMode.Test, "e-1", SaveFrench);
        Assert.Equal(0L, testRun["keep"].Out["out"]);
        Assert.Empty(await services.Audiences.ListAsync(cancel));

        var saved = await RunAsync(services, ExecutionMode.Live, "e-2", SaveFrench);
        var french = Sql("SELECT COUNT(*) FROM profiles WHERE country = 'FR'");
        Assert.Equal((french, french), (saved["keep"].In, saved["keep"].Out["out"]));
        Assert.Equal(french, Assert.Single(await services.Audiences.ListAsync(cancel)).Size);

        var read = await RunAsync(services, ExecutionMode.Live, "e-1", ReadFrench);
        Assert.Equal(french, read["french"].Out["out"]);
        Assert.Equal(Sql($"SELECT COUNT(*) FROM profiles WHERE country = 'FR' AND birthDate > {Day1975}"), read["young"].Out["young"]);
    }

    private const string Enriched = """
        { "name": "Enriched", "activities": [
            { "id": "all", "type": "buildAudience", "filter": "emailOptIn" },
            { "id": "score", "type": "enrich", "columns": { "len": "length(email)", "double": "length(email) * 2" } },
            { "id": "more", "type": "enrich", "columns": { "quad": "double * 2" } },
            { "id": "split", "type": "split", "complement": true, "subsets": [
                { "name": "long", "filter": "quad > 60" }, { "name": "top", "limit": { "count": 5 }, "order": "len desc" } ] },
            { "id": "mail", "type": "email", "content": { "from": "news@example.com", "subject": "{{ quad }} for {{ firstName }}", "html": "<p>{{ len }}</p>" } } ],
          "transitions": [ { "from": "all", "to": "score" }, { "from": "score", "to": "more" }, { "from": "more", "to": "split" },
                           { "from": "split", "port": "long", "to": "mail" } ] }
        """;

    [Fact]
    public async Task Enrich_columns_are_seen_by_later_filters_orders_and_templates()
    {
        var services = await ServicesAsync();
        var counts = await RunAsync(services, ExecutionMode.Live, "e-9", Enriched);

        var optedIn = Sql("SELECT COUNT(*) FROM profiles WHERE emailOptIn = 1");
        var longer = Sql("SELECT COUNT(*) FROM profiles WHERE emailOptIn = 1 AND length(email) * 4 > 60");
        Assert.True(longer > 10 && optedIn - longer > 10, $"the data must exercise both sides: {longer} of {optedIn}");
        Assert.Equal((optedIn, optedIn), (counts["score"].Out["out"], counts["more"].Out["out"]));
        Assert.Equal((longer, 5L, optedIn - longer - 5), (counts["split"].Out["long"], counts["split"].Out["top"], counts["split"].Out["complement"]));

        var top = new List<long>();
        await foreach (var batch in services.Worktables.ReadAsync(new Data.Populations.PortPopulation("c-1", "e-9", "split", "top"), cancellationToken: TestContext.Current.CancellationToken))
            top.AddRange(batch);
        var expected = Enumerable.Range(0, 5).Select(n => Sql($"""
            SELECT id FROM profiles WHERE emailOptIn = 1 AND NOT (COALESCE(length(email) * 4 > 60, 0))
            ORDER BY length(email) DESC NULLS LAST, id LIMIT 1 OFFSET {n}
            """)).Order();
        Assert.Equal(expected, top);

        var messages = File.ReadAllLines(Path.Combine(_folder, "outbox", "email.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(longer, messages.Count);
        foreach (var message in messages.Take(20))
        {
            var id = message.GetProperty("profileId").GetInt64();
            var name = id % 7 == 0 ? "" : $"Name{id}";
            Assert.Equal($"{Sql($"SELECT length(email) * 4 FROM profiles WHERE id = {id}")} for {name}", message.GetProperty("subject").GetString());
            Assert.Equal($"<p>{Sql($"SELECT length(email) FROM profiles WHERE id = {id}")}</p>", message.GetProperty("html").GetString());
        }
    }

    private const string Nobody = """
        { "name": "Nobody", "activities": [
            { "id": "none", "type": "buildAudience", "filter": "country = 'ZZ'" },
            { "id": "dedup", "type": "deduplicate", "keys": ["email"], "method": "random" },
            { "id": "split", "type": "split", "subsets": [ { "name": "young", "filter": "birthDate > date('1975-01-01')" } ], "complement": true } ],
          "transitions": [ { "from": "none", "to": "dedup" }, { "from": "dedup", "to": "split" } ] }
        """;

    [Fact]
    public async Task An_empty_population_goes_through_whole_population_activities_with_every_port_at_zero()
    {
        var counts = await RunAsync(await ServicesAsync(), ExecutionMode.Live, "e-3", Nobody);
        Assert.Equal((0L, 0L, 0L), (counts["dedup"].In, counts["dedup"].Out["out"], counts["dedup"].Out["duplicates"]));
        Assert.Equal((0L, 0L), (counts["split"].Out["young"], counts["split"].Out["complement"]));
    }

    [Fact]
    public async Task A_throttled_channel_sends_no_faster_than_its_rate()
    {
        var provider = new Stopwatched();
        var services = await ServicesAsync() with { Senders = new Dictionary<string, IMessageSender> { ["email"] = provider } };
        var eligible = Sql("SELECT COUNT(*) FROM profiles WHERE emailOptIn = 1 AND email IS NOT NULL");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var counts = await RunAsync(services, ExecutionMode.Live, "e-4", """
            { "name": "Throttled", "activities": [
                { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "throttle": 50, "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        Assert.Equal(eligible, counts["mail"].Out["out"]);
        Assert.InRange(eligible, 150, 300);
        // Spread through each second, in slices of a tenth of a second's messages (5): no second sees more than 55 reach
        // the provider, and the whole takes no less than 50 a second gives, less 10 % (a loaded machine may take longer).
        var sent = provider.Times.Order().ToList();
        Assert.Equal(eligible, sent.Count);
        var busiest = sent.Select((at, i) => sent.Skip(i).TakeWhile(next => next < at + TimeSpan.FromSeconds(1)).Count()).Max();
        Assert.True(busiest <= 55, $"{busiest} messages left within one second");
        var seconds = (sent[^1] - sent[0]).TotalSeconds;
        Assert.InRange(seconds, (eligible - 5) / 50.0 * 0.9, (eligible - 5) / 50.0 * 3);
        Assert.True(clock.Elapsed.TotalSeconds >= seconds);
    }

    [Fact]
    public async Task The_frequency_cap_excludes_marketing_messages_past_it_and_not_transactional_ones()
    {
        var services = await ServicesAsync() with { Cap = new ActorCampaigns.Engine.Activities.Channel.FrequencyCap(2, TimeSpan.FromDays(7)) };
        var eligible = Sql("SELECT COUNT(*) FROM profiles WHERE emailOptIn = 1 AND email IS NOT NULL");
        string Canvas(string category) => $$"""
            { "name": "Capped", "activities": [
                { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "category": "{{category}}", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """;
        foreach (var execution in new[] { "e-5", "e-6" })
            Assert.Equal(eligible, (await RunAsync(services, ExecutionMode.Live, execution, Canvas("marketing")))["mail"].Out["out"]);

        var third = (await RunAsync(services, ExecutionMode.Live, "e-7", Canvas("marketing")))["mail"];
        Assert.Equal((0L, eligible), (third.Out["out"], third.Excluded["capped"]));
        var transactional = (await RunAsync(services, ExecutionMode.Live, "e-8", Canvas("transactional")))["mail"];
        Assert.False(transactional.Excluded.ContainsKey("capped"));
        Assert.Equal(Sql("SELECT COUNT(*) FROM profiles WHERE email IS NOT NULL"), transactional.Out["out"]);
        long Sends(string category) => Sql($"SELECT COUNT(*) FROM sends s JOIN sendings g ON g.id = s.sending WHERE g.channel = 'email' AND g.category = '{category}'");
        Assert.Equal((2 * eligible, transactional.Out["out"]), (Sends("marketing"), Sends("transactional")));
    }

    [Fact]
    public async Task The_frequency_cap_counts_each_message_per_booking_so_a_profile_with_many_bookings_gets_no_more_than_the_cap()
    {
        var services = await ServicesAsync() with { Cap = new ActorCampaigns.Engine.Activities.Channel.FrequencyCap(3, TimeSpan.FromDays(7)) };
        // Profile i has i % 7 bookings (0 to 6), their ids interleaved across profiles: a profile's bookings fall in several batches of 16.
        var bookings = Enumerable.Range(1, 300).SelectMany(i => Enumerable.Range(0, i % 7).Select(k => $"{k * 1_000 + i},{i},{k + 0.5}"));
        await services.Entities.ImportCsvAsync("bookings", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            "id,profileId:link(profiles),amount:number\n" + string.Join("\n", bookings))), cancellationToken: TestContext.Current.CancellationToken);
        const string PerBooking = """
            { "name": "Per booking", "activities": [
                { "id": "rows", "type": "buildAudience", "entity": "bookings" },
                { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "{{ entity.amount }}", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "rows", "to": "mail" } ] }
            """;
        const string Reachable = "emailOptIn = 1 AND email IS NOT NULL";
        // What plain SQL says the cap lets through: at most 3 of each reachable profile's bookings.
        var allowed = Sql($"SELECT SUM(MIN(n, 3)) FROM (SELECT COUNT(*) AS n FROM entity_bookings b JOIN profiles p ON p.id = b.\"profileId\" WHERE {Reachable} GROUP BY p.id)");
        var reachable = Sql($"SELECT COUNT(*) FROM entity_bookings b JOIN profiles p ON p.id = b.\"profileId\" WHERE {Reachable}");
        Assert.True(reachable - allowed > 50, $"{reachable} {allowed}");
        var first = (await RunAsync(services, ExecutionMode.Live, "e-9", PerBooking))["mail"];
        Assert.Equal((allowed, reachable - allowed), (first.Out["out"], first.Excluded["capped"]));
        Assert.Equal(allowed, Sql("SELECT SUM(COALESCE(messages, 1)) FROM sends"));
        Assert.Equal(0, Sql("SELECT COUNT(*) FROM sends WHERE messages > 3"));
        // A second execution finds what each profile was sent: one with a booking or two gets as many again, up to 3.
        var again = Sql($"SELECT SUM(MIN(n, 3 - MIN(n, 3))) FROM (SELECT COUNT(*) AS n FROM entity_bookings b JOIN profiles p ON p.id = b.\"profileId\" WHERE {Reachable} GROUP BY p.id)");
        Assert.True(again > 10, $"{again}");
        var second = (await RunAsync(services, ExecutionMode.Live, "e-10", PerBooking))["mail"];
        Assert.Equal((again, reachable - again), (second.Out["out"], second.Excluded["capped"]));
        Assert.Equal(0, Sql("SELECT COUNT(*) FROM (SELECT s.profile FROM sends s GROUP BY s.profile HAVING SUM(COALESCE(messages, 1)) > 3)"));
    }

    public void Dispose()
    {
        _system.Terminate().Wait(TimeSpan.FromSeconds(10));
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

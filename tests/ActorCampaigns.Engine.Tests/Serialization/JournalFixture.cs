using ActorCampaigns.TestSupport;
using System.Text.Json;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Serialization;
using Akka.Actor;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;
using static ActorCampaigns.Engine.Campaigns.CampaignEvents;

namespace ActorCampaigns.Engine.Tests.Serialization;

/// <summary>
/// The journal of two campaigns as the node persists it: every event type, every activity kind and every schedule
/// type, decided by <see cref="CampaignState.Decide"/> from commands at fixed times, and a snapshot of each campaign.
/// <see cref="Write"/> stores it, serialized by the code of the day, as a fixture the replay tests read back forever.
/// </summary>
public static class JournalFixture
{
    public const string CampaignA = "c-7";
    public const string CampaignB = "c-8";
    public const string CampaignC = "c-9";
    public const string CampaignD = "c-10";
    public const string CampaignE = "c-11";
    public const string CampaignF = "c-12";

    /// <summary>What campaign D's experiment decided: b, the fallback, with both arms' figures.</summary>
    public const string ExperimentDecision = """{"winner":"b","reason":"fallback","explanation":"no arm is the best with probability 0.9 or more (the most probable, 'b', has 0.61)","decidedAt":"2026-12-06T12:00:00Z","metric":"converted","heldBack":775,"arms":[{"name":"a","profiles":100,"reached":96,"successes":4,"rate":0.041666666666666664,"low":0.016,"high":0.101,"probabilityToBeBest":0.39},{"name":"b","profiles":125,"reached":120,"successes":6,"rate":0.05,"low":0.022,"high":0.105,"probabilityToBeBest":0.61}]}""";

    /// <summary>Campaign F's execution's span (since version 5).</summary>
    public const string Trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// <summary>What campaign C's split decided: how many of each of the three partitions its two limited subsets take.</summary>
    public const string SplitCuts = """[{"subset":"a","takes":[4,3,3]},{"subset":"b","takes":[401,398,407]}]""";

    /// <summary>Every activity kind, variables of every type; the schedule is put in by <see cref="Document"/>.</summary>
    private const string EveryKind = """
        {
          "name": "Every kind", "schedule": SCHEDULE,
          "variables": { "discount": "20", "limit": 5, "ratio": 0.5, "vip": true },
          "activities": [
            { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
            { "id": "vip", "type": "readAudience", "audience": "vip" },
            { "id": "all", "type": "combine", "mode": "exclusion", "primary": "fr", "complement": true },
            { "id": "dedup", "type": "deduplicate", "keys": ["email"], "keep": 2, "method": "highest", "by": "createdAt" },
            { "id": "score", "type": "enrich", "columns": { "opens": "count(opened('*', 'P30D'))", "fr": "country = 'FR'" } },
            { "id": "split", "type": "split", "allowOverlap": true, "complement": true,
              "subsets": [ { "name": "a", "limit": { "count": 10 }, "order": "createdAt desc" }, { "name": "b", "filter": "opens > 1", "limit": { "percent": 12.5 } } ] },
            { "id": "wait", "type": "wait", "duration": "P1DT2H" },
            { "id": "until", "type": "wait", "until": "2026-12-24T18:00:00Z" },
            { "id": "fork", "type": "fork" },
            { "id": "join", "type": "andJoin", "primary": "fork" },
            { "id": "big", "type": "test", "conditions": [ { "name": "many", "when": "count > vars.limit" }, { "name": "vip", "when": "vars.vip" } ] },
            { "id": "save", "type": "saveAudience", "audience": "winter" },
            { "id": "mail", "type": "email", "category": "transactional", "throttle": 50,
              "content": { "from": "a@example.com", "subject": "Hi {{ firstName }} <é>", "html": "<p>Hi &amp; \"welcome\" 👋</p>", "text": "Hi" } },
            { "id": "text", "type": "sms", "content": { "text": "{{ vars.discount }}% off" } },
            { "id": "push", "type": "push", "throttle": 2.5, "content": { "title": "Offer", "body": "Now", "data": { "deepLink": "app://offer", "n": "{{ vars.limit }}" } } },
            { "id": "end", "type": "end", "signal": { "campaign": "c-8", "variables": { "discount": "{{ vars.discount }}", "limit": 3, "ratio": 0.75, "vip": false } } }
          ],
          "transitions": [
            { "from": "fr", "to": "all" }, { "from": "vip", "to": "all" }, { "from": "all", "to": "dedup" },
            { "from": "dedup", "to": "score" }, { "from": "score", "to": "split" }, { "from": "split", "port": "a", "to": "wait" },
            { "from": "split", "port": "b", "to": "until" }, { "from": "wait", "to": "fork" }, { "from": "fork", "to": "join" },
            { "from": "until", "to": "join" }, { "from": "join", "to": "big" }, { "from": "big", "port": "many", "to": "save" },
            { "from": "big", "port": "vip", "to": "text" },
            { "from": "big", "port": "default", "to": "mail" }, { "from": "save", "to": "text" }, { "from": "mail", "to": "push" },
            { "from": "text", "to": "end" }, { "from": "push", "to": "end" }
          ]
        }
        """;

    /// <summary>The other forms of some kinds: a description, no primary, random deduplication, no signal, no data, no text.</summary>
    private const string OtherForms = """
        {
          "name": "Other forms", "description": "Once, with the optional fields left out", "schedule": SCHEDULE,
          "activities": [
            { "id": "a", "type": "buildAudience" },
            { "id": "b", "type": "readAudience", "audience": "winter" },
            { "id": "both", "type": "combine", "mode": "union" },
            { "id": "one", "type": "deduplicate", "keys": ["email", "phone"], "method": "random" },
            { "id": "halves", "type": "split", "subsets": [ { "name": "first", "limit": { "percent": 50 } } ] },
            { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } },
            { "id": "push", "type": "push", "category": "marketing", "content": { "title": "T", "body": "B" } },
            { "id": "end", "type": "end" }
          ],
          "transitions": [
            { "from": "a", "to": "both" }, { "from": "b", "to": "both" }, { "from": "both", "to": "one" }, { "from": "one", "to": "halves" },
            { "from": "halves", "port": "first", "to": "mail" }, { "from": "mail", "to": "push" }, { "from": "push", "to": "end" }
          ]
        }
        """;

    /// <summary>An experiment (since version 4): two arms, one of them through a wait, each to its end.</summary>
    private const string Experiment = """
        {
          "name": "Experiment", "schedule": SCHEDULE,
          "activities": [
            { "id": "all", "type": "buildAudience", "filter": "emailOptIn" },
            { "id": "exp", "type": "experiment", "arms": [ { "name": "a", "percent": 10 }, { "name": "b", "percent": 12.5 } ],
              "metric": "converted", "event": "purchase", "window": "P2D", "minimumPerArm": 50, "decision": { "probabilityToBeBest": 0.9 }, "fallback": "b" },
            { "id": "mail-a", "type": "email", "content": { "from": "a@example.com", "subject": "A", "html": "<p>A</p>" } },
            { "id": "later", "type": "wait", "duration": "PT1H" },
            { "id": "mail-b", "type": "email", "content": { "from": "a@example.com", "subject": "B", "html": "<p>B</p>" } },
            { "id": "end-a", "type": "end" },
            { "id": "end-b", "type": "end" }
          ],
          "transitions": [
            { "from": "all", "to": "exp" }, { "from": "exp", "port": "a", "to": "mail-a" }, { "from": "exp", "port": "b", "to": "later" },
            { "from": "later", "to": "mail-b" }, { "from": "mail-a", "to": "end-a" }, { "from": "mail-b", "to": "end-b" }
          ]
        }
        """;

    public const string Asap = """{ "type": "asap" }""";
    public const string Once = """{ "type": "once", "at": "2027-01-15T08:00:00Z" }""";
    public const string Signal = """{ "type": "signal" }""";
    public const string Recurring = """{ "type": "recurring", "cron": "0 9 * * MON", "timeZone": "Europe/Paris", "from": "2026-11-30T00:00:00Z", "until": "2026-12-10T00:00:00Z" }""";

    /// <summary>The documents of the journal, in the order its Created and Replaced events carry them.</summary>
    public static IReadOnlyList<(string Campaign, string Json)> Documents { get; } =
    [
        (CampaignA, Document(EveryKind, Asap)),
        (CampaignA, Document(OtherForms, Once)),
        (CampaignA, Document(EveryKind, Signal)),
        (CampaignA, Document(EveryKind, Recurring)),
        (CampaignB, Document(EveryKind, Signal)),
        (CampaignD, Document(Experiment, Asap)),
        (CampaignE, Document(OtherForms, """{ "type": "recurring", "cron": "0 9 * * *", "timeZone": "UTC", "catchUp": "none" }""")),
        (CampaignF, Document(OtherForms, Asap).Replace("\"activities\": [", """
            "onError": { "policy": "abort", "maxConsecutiveErrors": 3, "notify": { "email": "ops@example.com", "webhook": "https://hooks.example.com/ops", "from": "bot@example.com" } },
              "activities": [
            """.Trim())),
    ];

    public static string Document(string template, string schedule) => template.Replace("SCHEDULE", schedule);

    public static CampaignDocument Validated(string json) =>
        CampaignValidator.Validate(json, ProfileSchema.Core) is { Document: { } document } ? document
            : throw new InvalidOperationException("a journal fixture document must be valid");

    /// <summary>One persisted item: an event (sequence number) or the snapshot taken at a sequence number.</summary>
    public sealed record Persisted(string PersistenceId, long SequenceNr, bool Snapshot, object Payload);

    /// <summary>The journal: each command decided at its time, each accepted event applied, a snapshot at the end of each campaign.</summary>
    public static IReadOnlyList<Persisted> Journal()
    {
        var journal = new List<Persisted>();
        var docs = Documents.Select(d => Validated(d.Json)).ToList();
        var t0 = new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567);

        var a = new CampaignId(CampaignA);
        var state = CampaignState.Empty(a);
        // An execution's trace is the campaign actor's to add, as it starts the execution's span.
        void Run(DateTime at, ICampaignCommand command, int partitions = 1, string? trace = null)
        {
            var decision = state.Decide(command, at, partitions);
            if (decision is not Decision.Accepted accepted)
                throw new InvalidOperationException($"{command} was rejected: {((Decision.Rejected)decision).Reason}");
            foreach (var @event in accepted.Events.Select(e => e is ExecutionStarted started && trace is not null ? started with { Trace = trace } : e))
            {
                state = state.Apply(@event);
                journal.Add(new Persisted($"campaign-{state.Id}", journal.Count(p => p.PersistenceId == $"campaign-{state.Id}" && !p.Snapshot) + 1, false, @event));
            }
        }
        ActivityCounts Counts(long @in, params (string Port, long Count)[] out_) =>
            new(@in, out_.ToDictionary(p => p.Port, p => p.Count), new Dictionary<string, long>(), 0);

        Run(t0, new Create(a, docs[0], new CampaignId("c-6")));
        Run(t0.AddMinutes(1), new Replace(a, docs[1]));
        Run(t0.AddMinutes(2), new Replace(a, docs[2]));
        Run(t0.AddMinutes(3), new Replace(a, docs[3]));
        // A test run: every activity completes, the channels and saveAudience are held.
        Run(t0.AddMinutes(4), new StartTest(a));
        var test = state.Executions[0].Id;
        foreach (var activity in docs[3].Activities)
            Run(t0.AddMinutes(5), new CompleteActivity(a, test, activity.Id, Counts(activity.IsSource ? 0 : 40, ("out", 40))));
        Run(t0.AddMinutes(6), new Publish(a));
        var due = state.NextDue ?? throw new InvalidOperationException("the recurring schedule has an occurrence");
        Run(due.AddSeconds(1), new StartScheduled(a, due));
        var live = state.Executions[0].Id;
        var at = due.AddSeconds(2).AddTicks(7);
        Run(at, new CompleteActivity(a, live, "fr", Counts(0, ("out", 9800))));
        Run(at, new CompleteActivity(a, live, "vip", Counts(0, ("out", 120))));
        Run(at, new CompleteActivity(a, live, "all", Counts(9920, ("out", 9700), ("complement", 100))));
        Run(at, new CompleteActivity(a, live, "dedup", Counts(9700, ("out", 9650), ("duplicates", 50))));
        Run(at, new CompleteActivity(a, live, "score", Counts(9650, ("out", 9650))));
        Run(at, new CompleteActivity(a, live, "split", Counts(9650, ("a", 10), ("b", 1206), ("complement", 8434))));
        Run(at.AddDays(1).AddHours(2), new CompleteActivity(a, live, "wait", Counts(10, ("out", 10))));
        Run(at.AddDays(1).AddHours(2), new CompleteActivity(a, live, "fork", Counts(10, ("out", 10))));
        Run(at.AddDays(1).AddHours(3), new FailActivity(a, live, "until", "the worktable of 'split' is gone"));
        Run(at.AddDays(1).AddHours(4), new Resume(a));
        Run(at.AddDays(1).AddHours(5), new Pause(a));
        Run(at.AddDays(1).AddHours(6), new Resume(a));
        var late = new DateTime(2026, 12, 24, 18, 0, 1, DateTimeKind.Utc);
        Run(late, new CompleteActivity(a, live, "until", Counts(1206, ("out", 1206))));
        Run(late, new CompleteActivity(a, live, "join", Counts(1216, ("out", 1216))));
        Run(late, new CompleteActivity(a, live, "big", Counts(1216, ("many", 1216), ("vip", 3), ("default", 0))));
        Run(late, new CompleteActivity(a, live, "save", Counts(1216, ("out", 1216))));
        Run(late, new CompleteActivity(a, live, "mail", Counts(0, ("out", 0))));
        Run(late, new CompleteActivity(a, live, "text", new ActivityCounts(1219,
            new Dictionary<string, long> { ["out"] = 1100, ["excluded"] = 119 }, new Dictionary<string, long> { ["noAddress"] = 100, ["optedOut"] = 19 }, 2,
            ["'vars.discount' is not a string", "the text is longer than 1600 characters"])));
        Run(late, new CompleteActivity(a, live, "push", Counts(0, ("out", 0), ("excluded", 0))));
        Run(late.AddSeconds(1), new CompleteActivity(a, live, "end", Counts(1100, [])));
        journal.Add(new Persisted($"campaign-{a}", journal.Count(p => p.PersistenceId == $"campaign-{a}" && !p.Snapshot), true, state));

        var b = new CampaignId(CampaignB);
        state = CampaignState.Empty(b);
        var t1 = new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);
        Run(t1, new Create(b, docs[4], a));
        Run(t1.AddMinutes(1), new Publish(b));
        var signalled = new Dictionary<string, VariableValue> { ["discount"] = new("35"), ["limit"] = new(3L), ["ratio"] = new(0.75), ["vip"] = new(false) };
        Run(t1.AddMinutes(2), new Trigger(b, signalled, $"{CampaignA}/{live}/end"));
        Run(t1.AddMinutes(3), new Trigger(b, new Dictionary<string, VariableValue> { ["limit"] = new(9L) }));
        Run(t1.AddMinutes(4), new CompleteActivity(b, state.Executions[1].Id, "fr", Counts(0, ("out", 77))));
        // Since version 5: edited while its executions run, the new document waits for them.
        Run(t1.AddMinutes(4), new Replace(b, docs[4] with { Name = "Every kind, edited" }));
        journal.Add(new Persisted($"campaign-{b}", journal.Count(p => p.PersistenceId == $"campaign-{b}" && !p.Snapshot), true, state));
        Run(t1.AddMinutes(5), new Stop(b));

        // Since version 2: a partitioned execution, its first activity completed partition by partition.
        var c = new CampaignId(CampaignC);
        state = CampaignState.Empty(c);
        var t2 = new DateTime(2026, 12, 3, 11, 0, 0, DateTimeKind.Utc);
        Run(t2, new Create(c, docs[0]));
        Run(t2.AddMinutes(1), new Publish(c), partitions: 3);
        var partitioned = state.Executions[0].Id;
        Run(t2.AddMinutes(1), new PartitionExecution(c, partitioned, [40_017L, 1_000_003L]));
        for (var p = 0; p < 3; p++)
            Run(t2.AddMinutes(2 + p), new CompletePartition(c, partitioned, "fr", p, Counts(0, ("out", 3_000 + p)), $"akka.tcp://actorcampaigns@10.0.0.{7 + p}:4053"));
        // Since version 3: a split with limits decided over the whole population, for its partitions to apply.
        Run(t2.AddMinutes(5), new DecideActivity(c, partitioned, "split", SplitCuts));
        journal.Add(new Persisted($"campaign-{c}", journal.Count(p => p.PersistenceId == $"campaign-{c}" && !p.Snapshot), true, state));
        Run(t2.AddMinutes(6), new Stop(c));

        // Since version 4: an experiment sends its arms, decides, and its winner's path runs again for the held back,
        // each activity's second wave adding to its first.
        var d = new CampaignId(CampaignD);
        state = CampaignState.Empty(d);
        var t3 = new DateTime(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);
        Run(t3, new Create(d, docs[5]));
        Run(t3.AddMinutes(1), new Publish(d));
        var experimented = state.Executions[0].Id;
        Run(t3.AddMinutes(2), new CompleteActivity(d, experimented, "all", Counts(0, ("out", 1000))));
        Run(t3.AddMinutes(2), new CompleteActivity(d, experimented, "exp", Counts(1000, ("a", 100), ("b", 125), ("holdback", 775))));
        Run(t3.AddMinutes(3), new CompleteActivity(d, experimented, "mail-a", Counts(100, ("out", 96), ("excluded", 4))));
        Run(t3.AddMinutes(63), new CompleteActivity(d, experimented, "later", Counts(125, ("out", 125))));
        Run(t3.AddMinutes(64), new CompleteActivity(d, experimented, "mail-b", Counts(125, ("out", 120), ("excluded", 5))));
        Run(t3.AddMinutes(3), new CompleteActivity(d, experimented, "end-a", Counts(96, [])));
        Run(t3.AddMinutes(64), new CompleteActivity(d, experimented, "end-b", Counts(120, [])));
        Run(t3.AddDays(2).AddMinutes(64), new DecideExperiment(d, experimented, "exp", ExperimentDecision));
        journal.Add(new Persisted($"campaign-{d}", journal.Count(p => p.PersistenceId == $"campaign-{d}" && !p.Snapshot), true, state));
        Run(t3.AddDays(2).AddMinutes(65), new CompleteActivity(d, experimented, "exp", Counts(0, ("b", 775))));
        Run(t3.AddDays(2).AddMinutes(125), new CompleteActivity(d, experimented, "later", Counts(775, ("out", 775))));
        Run(t3.AddDays(2).AddMinutes(126), new CompleteActivity(d, experimented, "mail-b", Counts(775, ("out", 750), ("excluded", 25))));
        Run(t3.AddDays(2).AddMinutes(126), new CompleteActivity(d, experimented, "end-b", Counts(750, [])));

        // Since version 4: a daily campaign whose nodes were down three days skips what it missed (catchUp none).
        var e = new CampaignId(CampaignE);
        state = CampaignState.Empty(e);
        var t4 = new DateTime(2026, 12, 5, 8, 0, 0, DateTimeKind.Utc);
        Run(t4, new Create(e, docs[6]));
        Run(t4, new Publish(e));
        Run(t4.AddDays(2).AddHours(3), new StartScheduled(e, t4.AddHours(1)));
        journal.Add(new Persisted($"campaign-{e}", journal.Count(p => p.PersistenceId == $"campaign-{e}" && !p.Snapshot), true, state));

        // Since version 5: a campaign whose error policy is abort stops when an activity fails, and records its notification.
        var f = new CampaignId(CampaignF);
        state = CampaignState.Empty(f);
        var t5 = new DateTime(2026, 12, 6, 7, 0, 0, DateTimeKind.Utc);
        Run(t5, new Create(f, docs[7]));
        Run(t5, new Publish(f), trace: Trace);
        var aborted = state.Executions[0].Id;
        Run(t5.AddMinutes(1), new CompleteActivity(f, aborted, "a", Counts(0, ("out", 500)), t5.AddSeconds(2)));
        Run(t5.AddMinutes(12), new FailActivity(f, aborted, "mail", "the email provider was unreachable for 600 s (connection refused)"));
        Run(t5.AddMinutes(12), new RecordErrorNotification(f, aborted, ["alert sent to https://hooks.example.com/ops", "alert to ops@example.com refused: 550 no such user"]));
        journal.Add(new Persisted($"campaign-{f}", journal.Count(p => p.PersistenceId == $"campaign-{f}" && !p.Snapshot), true, state));
        return journal;
    }

    public const string Directory = "Fixtures";

    /// <summary>The fixture's lines, as the journal and snapshot store hold each item: serializer id, manifest, payload.</summary>
    public sealed record Line(string PersistenceId, long SequenceNr, bool Snapshot, int SerializerId, string Manifest, string Payload);

    public static IEnumerable<string> Serialize(ActorSystem system) => Journal().Select(item =>
    {
        var serializer = system.Serialization.FindSerializerFor(item.Payload);
        var line = new Line(item.PersistenceId, item.SequenceNr, item.Snapshot, serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, item.Payload), Convert.ToBase64String(serializer.ToBinary(item.Payload)));
        return JsonSerializer.Serialize(line, JsonSerializerOptions.Web);
    });

    public static IReadOnlyList<Line> Read(string file) => File.ReadLines(Path.Combine(AppContext.BaseDirectory, Directory, file))
        .Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<Line>(l, JsonSerializerOptions.Web)!).ToList();

    /// <summary>The folder of the fixtures in the repository (not the test's output folder).</summary>
    public static string SourceDirectory() => Repository.PathOf(Path.Combine("tests", "ActorCampaigns.Engine.Tests", Directory));
}

public sealed class JournalFixtureWriter
{
    /// <summary>
    /// Writes the fixture with the code of the day. Run only on purpose, when the journal's representation changes:
    /// <c>JOURNAL_FIXTURE=journal-vN.jsonl dotnet test tests/ActorCampaigns.Engine.Tests --filter JournalFixtureWriter</c>.
    /// A fixture once committed is never rewritten: it is what an old journal holds.
    /// </summary>
    [Fact]
    public async Task Writes_the_journal_fixture_when_asked()
    {
        var file = Environment.GetEnvironmentVariable("JOURNAL_FIXTURE");
        Assert.SkipWhen(string.IsNullOrEmpty(file), "writes a fixture only when JOURNAL_FIXTURE names its file");
        var path = Path.Combine(JournalFixture.SourceDirectory(), file!);
        Assert.False(File.Exists(path), $"{path} exists: a committed fixture is never rewritten");
        var system = ActorSystem.Create("fixture", SerializationConfig.Hocon);
        try
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllLinesAsync(path, JournalFixture.Serialize(system), TestContext.Current.CancellationToken);
        }
        finally
        {
            await system.Terminate();
        }
    }
}

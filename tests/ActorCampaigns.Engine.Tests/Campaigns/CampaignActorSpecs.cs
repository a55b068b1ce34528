using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;

namespace ActorCampaigns.Engine.Tests.Campaigns;

/// <summary>
/// Campaign entities in a one-node cluster with their journal on SQLite and their data in another SQLite file,
/// composed through the production hosting extensions.
/// </summary>
public sealed class CampaignActorSpecs(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(nameof(CampaignActorSpecs), output), IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-entity-").FullName;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>One execution at a time: every spec here also runs its campaigns through the node's slots.</summary>
    private readonly ExecutionSlots.Settings _slots = new(1);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private EngineServices CreateServices()
    {
        var services = EngineServices.OpenAsync(new SqliteDatabase(Path.Combine(_folder, "data.db")), Path.Combine(_folder, "outbox"), _clock, batchSize: 7)
            .GetAwaiter().GetResult();
        var csv = "id,email,country,emailOptIn\n" + string.Join("\n", Enumerable.Range(1, 60).Select(i =>
            $"{i},{(i % 5 == 0 ? "" : $"p{i}@example.com")},{(i % 2 == 0 ? "FR" : "DE")},{i % 3 != 0}"));
        services.Profiles.ImportCsvAsync(new StringReader(csv)).GetAwaiter().GetResult();
        return services with { Slots = _slots };
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .AddOneNodeCluster()
        .AddCampaignJournalOnSqlite(Path.Combine(_folder, "journal.db"))
        .AddCampaignEngine(new CampaignEngineOptions
        {
            SnapshotEvery = 3, TickInterval = TimeSpan.FromMilliseconds(50),
            // Idle campaigns passivate within the specs, every one of which then wakes them again.
            PassivateIdleAfter = TimeSpan.FromMilliseconds(300), WakeupPollInterval = TimeSpan.FromMilliseconds(100),
        }, CreateServices());

    private static CampaignDocument Document(string schedule) => Document($$"""{ "type": "{{schedule}}" }""", wait: false);

    /// <summary>French profiles mailed, after a one-hour wait when <paramref name="wait"/> is set.</summary>
    private static CampaignDocument Document(string schedule, bool wait) => CampaignValidator.Validate($$"""
        {
          "name": "Entity", "schedule": {{schedule}},
          "activities": [
            { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
            {{(wait ? """{ "id": "hold", "type": "wait", "duration": "PT1H" },""" : "")}}
            { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } },
            { "id": "done", "type": "end" }
          ],
          "transitions": [ {{(wait ? """{ "from": "fr", "to": "hold" }, { "from": "hold", "to": "mail" }""" : """{ "from": "fr", "to": "mail" }""")}},
                           { "from": "mail", "to": "done" } ]
        }
        """, ProfileSchema.Core).Document!;

    private int Sent(string campaign) => File.Exists(Path.Combine(_folder, "outbox", "email.jsonl"))
        ? File.ReadLines(Path.Combine(_folder, "outbox", "email.jsonl")).Count(l => l.Contains($"\"campaignId\":\"{campaign}\""))
        : 0;

    [Fact]
    public async Task A_node_runs_as_many_executions_at_once_as_it_has_slots_and_the_others_in_turn()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        // 16 emails (24 French addresses, 16 with consent) at 12 a second in batches of 7: over a second of sending each.
        var slow = CampaignValidator.Validate("""
            { "name": "Slow", "activities": [
                { "id": "fr", "type": "buildAudience", "filter": "country = 'FR' and email is not null" },
                { "id": "mail", "type": "email", "throttle": 12, "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "fr", "to": "mail" } ] }
            """, ProfileSchema.Core).Document!;
        var (first, second) = (new CampaignId("c-slot-1"), new CampaignId("c-slot-2"));
        foreach (var id in new[] { first, second })
            await region.Ask<CampaignReplies.Accepted>(new Create(id, slow), Timeout, Cancel);
        await Task.WhenAll(region.Ask<CampaignReplies.Accepted>(new Publish(first), Timeout, Cancel),
            region.Ask<CampaignReplies.Accepted>(new Publish(second), Timeout, Cancel));

        var slots = await ActorRegistry.GetAsync<ExecutionSlots>(Cancel);
        var (mostRunning, everWaited) = (0, false);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Sent("c-slot-1") + Sent("c-slot-2") < 2 * 16 && DateTime.UtcNow < deadline)
        {
            var (running, waiting) = await LoadAsync(slots);
            (mostRunning, everWaited) = (Math.Max(mostRunning, running), everWaited || waiting > 0);
            await Task.Delay(20, Cancel);
        }
        Assert.Equal((16, 16), (Sent("c-slot-1"), Sent("c-slot-2")));
        Assert.Equal((1, true), (mostRunning, everWaited));
        await AwaitStateAsync(region, second, s => s.Executions is [{ State: ExecutionState.Completed }]);
        // The slot goes back as the campaign moves on after recording the completion, a moment after status shows it.
        var released = DateTime.UtcNow.AddSeconds(10);
        while (await LoadAsync(slots) != new ExecutionSlots.Load(0, 0) && DateTime.UtcNow < released)
            await Task.Delay(20, Cancel);
        Assert.Equal(new ExecutionSlots.Load(0, 0), await LoadAsync(slots));
    }

    private static Task<ExecutionSlots.Load> LoadAsync(IActorRef slots) =>
        slots.Ask<ExecutionSlots.Load>(ExecutionSlots.GetLoad.Instance, Timeout, Cancel);

    [Fact]
    public async Task A_once_campaign_starts_when_the_clock_reaches_it_and_a_wait_holds_until_its_hour_has_passed()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var id = new CampaignId("c-clock");
        var at = _clock.GetUtcNow().UtcDateTime.AddMinutes(10);
        await region.Ask<CampaignReplies.Accepted>(new Create(id, Document($$"""{ "type": "once", "at": "{{at:O}}" }""", wait: true)), Timeout, Cancel);
        Assert.Equal(CampaignStatus.Scheduled, (await region.Ask<CampaignReplies.Accepted>(new Publish(id), Timeout, Cancel)).Status);

        await Task.Delay(500, Cancel);
        Assert.Empty((await region.Ask<CampaignState>(new CampaignQueries.GetState(id), Timeout, Cancel)).Executions);
        // Nothing to do for ten minutes: it passivates (no query from now on, which would wake it), and the node wakes
        // it a minute before its hour.
        await AwaitEntitiesAsync(region, 0);

        _clock.Advance(TimeSpan.FromMinutes(10));
        // Woken by the node, not by a query.
        await AwaitEntitiesAsync(region, 1);
        var waiting = await AwaitStateAsync(region, id, s => s.Executions.Count == 1 && s.Executions[0].Activities["fr"].IsDone);
        Assert.Equal(at, waiting.Executions[0].Due);
        await Task.Delay(500, Cancel);
        Assert.Equal(0, Sent("c-clock"));
        Assert.False((await region.Ask<CampaignState>(new CampaignQueries.GetState(id), Timeout, Cancel)).Executions[0].Activities["hold"].IsDone);

        _clock.Advance(TimeSpan.FromMinutes(61));
        var done = await AwaitStateAsync(region, id, s => s.Status == CampaignStatus.Completed);
        Assert.Equal(30L, done.Executions[0].Activities["hold"].Counts.Out["out"]);
        Assert.Equal(16, Sent("c-clock"));
    }

    [Fact]
    public async Task A_recurring_campaign_edited_while_its_execution_waits_sends_that_execution_on_the_old_document_and_the_next_on_the_new()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var id = new CampaignId("c-edited");
        const string everyThreeHours = """{ "type": "recurring", "cron": "0 */3 * * *", "timeZone": "UTC" }""";
        await region.Ask<CampaignReplies.Accepted>(new Create(id, Document(everyThreeHours, wait: true)), Timeout, Cancel);
        await region.Ask<CampaignReplies.Accepted>(new Publish(id), Timeout, Cancel);
        _clock.Advance(TimeSpan.FromHours(3));
        await AwaitStateAsync(region, id, s => s.Executions.Count == 1 && s.Executions[0].Activities["fr"].IsDone);

        // Edited while e-1 waits: accepted, kept for after it.
        var edited = Document(everyThreeHours, wait: true);
        edited = edited with { Activities = edited.Activities.Select(a => a is EmailActivity mail ? mail with { Content = mail.Content with { Subject = "Hello again" } } : a).ToList() };
        Assert.Equal(CampaignStatus.Live, (await region.Ask<CampaignReplies.Accepted>(new Replace(id, edited), Timeout, Cancel)).Status);
        Assert.Equal("Hello again", ((EmailActivity)(await region.Ask<CampaignState>(new CampaignQueries.GetState(id), Timeout, Cancel))
            .PendingDocument!.Activities.Single(a => a.Id == "mail")).Content.Subject);

        _clock.Advance(TimeSpan.FromMinutes(61));
        var first = await AwaitStateAsync(region, id, s => s.Executions[0].State == ExecutionState.Completed);
        Assert.Equal(("Hello again", null), (((EmailActivity)first.Document!.Activities.Single(a => a.Id == "mail")).Content.Subject, first.PendingDocument));
        _clock.Advance(TimeSpan.FromHours(2));
        await AwaitStateAsync(region, id, s => s.Executions.Count == 2 && s.Executions[0].Activities["fr"].IsDone);
        _clock.Advance(TimeSpan.FromMinutes(61));
        await AwaitStateAsync(region, id, s => s.Executions.Count == 2 && s.Executions[0].State == ExecutionState.Completed);

        var subjects = File.ReadLines(Path.Combine(_folder, "outbox", "email.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(m => m.GetProperty("campaignId").GetString() == "c-edited")
            .GroupBy(m => m.GetProperty("executionId").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(m => m.GetProperty("subject").GetString()).Distinct().ToList());
        Assert.Equal(new Dictionary<string, List<string?>> { ["e-1"] = ["Hi"], ["e-2"] = ["Hello again"] }, subjects);
    }

    /// <summary>Waits until this node runs <paramref name="count"/> campaign entities.</summary>
    private async Task AwaitEntitiesAsync(IActorRef region, int count) => await AwaitConditionAsync(async () =>
        (await region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, Timeout, Cancel)).Stats.Values.Sum() == count,
        Timeout, TimeSpan.FromMilliseconds(50), cancellationToken: Cancel);

    [Fact]
    public async Task An_idle_campaign_passivates_and_answers_its_next_query_as_it_was()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var (draft, watched) = (new CampaignId("c-idle"), new CampaignId("c-watched"));
        await region.Ask<CampaignReplies.Accepted>(new Create(draft, Document("asap")), Timeout, Cancel);
        await region.Ask<CampaignReplies.Accepted>(new Create(watched, Document("asap")), Timeout, Cancel);
        var watcher = CreateTestProbe();
        region.Tell(new CampaignQueries.Watch(watched, watcher.Ref));
        await watcher.ExpectMsgAsync<CampaignState>(Timeout, cancellationToken: Cancel);

        // The draft passivates; the watched campaign stays for its watcher.
        await AwaitEntitiesAsync(region, 1);
        await Task.Delay(1_000, Cancel);
        Assert.Equal(1, (await region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, Timeout, Cancel)).Stats.Values.Sum());

        var state = await region.Ask<CampaignState>(new CampaignQueries.GetState(draft), Timeout, Cancel);
        Assert.Equal((CampaignStatus.Draft, "Entity"), (state.Status, state.Document!.Name));
        var published = await region.Ask<CampaignReplies.Accepted>(new Publish(draft), Timeout, Cancel);
        Assert.Equal(CampaignStatus.Live, published.Status);
        await AwaitStateAsync(region, draft, s => s.Status == CampaignStatus.Completed);
    }

    private Task<CampaignState> AwaitStateAsync(IActorRef region, CampaignId id, Func<CampaignState, bool> condition) =>
        this.AwaitStateAsync(region, id, condition, Timeout, Cancel);

    [Fact]
    public async Task A_published_asap_campaign_runs_every_activity_and_completes_with_its_counts()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var id = new CampaignId("c-asap");
        Assert.Equal(CampaignStatus.Draft, (await region.Ask<CampaignReplies.Accepted>(new Create(id, Document("asap")), Timeout, Cancel)).Status);
        var published = await region.Ask<CampaignReplies.Accepted>(new Publish(id), Timeout, Cancel);
        Assert.Equal((CampaignStatus.Live, new ExecutionId("e-1")), (published.Status, published.Execution));

        var done = await AwaitStateAsync(region, id, s => s.Status == CampaignStatus.Completed);
        var mail = done.Executions[0].Activities["mail"];
        // Hand-counted from the imported profiles: 30 French (even ids); 6 of them without email (multiples of 10);
        // of the 24 with an address, those whose id is a multiple of 3 have no opt-in: 6, 12, 18, 24, 36, 42, 48, 54 -> 8.
        Assert.Equal((30L, 16L, 14L), (mail.Counts.In, mail.Counts.Out["out"], mail.Counts.Out["excluded"]));
        Assert.Equal((6L, 8L), (mail.Counts.Excluded["noAddress"], mail.Counts.Excluded["noConsent"]));
        var outbox = await File.ReadAllLinesAsync(Path.Combine(_folder, "outbox", "email.jsonl"), Cancel);
        var profiles = outbox.Select(l => JsonDocument.Parse(l).RootElement).Where(m => m.GetProperty("campaignId").GetString() == "c-asap")
            .Select(m => m.GetProperty("profileId").GetInt64()).ToList();
        Assert.Equal([2L, 4, 8, 14, 16, 22, 26, 28, 32, 34, 38, 44, 46, 52, 56, 58], profiles.Order());
    }

    [Fact]
    public async Task Commands_are_decided_persisted_and_recovered_after_the_entity_stops()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var id = new CampaignId("c-42");
        var conflict = await region.Ask<CampaignReplies.Rejected>(new Pause(id), Timeout, Cancel);
        Assert.Equal(RejectionKind.NotFound, conflict.Kind);
        await region.Ask<CampaignReplies.Accepted>(new Create(id, Document("signal")), Timeout, Cancel);
        var paused = await region.Ask<CampaignReplies.Rejected>(new Pause(id), Timeout, Cancel);
        Assert.Equal((RejectionKind.Conflict, "campaign 'c-42' is draft: only a live campaign can be paused"), (paused.Kind, paused.Reason));
        Assert.Equal(CampaignStatus.Scheduled, (await region.Ask<CampaignReplies.Accepted>(new Publish(id), Timeout, Cancel)).Status);
        var triggered = await region.Ask<CampaignReplies.Accepted>(new Trigger(id, new Dictionary<string, VariableValue>()), Timeout, Cancel);
        Assert.Equal(new ExecutionId("e-1"), triggered.Execution);
        var before = await AwaitStateAsync(region, id, s => s.Executions[0].State == ExecutionState.Completed);
        Assert.Equal(CampaignStatus.Scheduled, before.Status);

        var probe = CreateTestProbe();
        region.Tell(new CampaignQueries.GetState(id), probe.Ref);
        await probe.ExpectMsgAsync<CampaignState>(Timeout, cancellationToken: Cancel);
        var entity = probe.LastSender;
        await WatchAsync(entity);
        entity.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(entity, Timeout, cancellationToken: Cancel);

        var after = await region.Ask<CampaignState>(new CampaignQueries.GetState(id), Timeout, Cancel);
        Assert.Equal((CampaignStatus.Scheduled, ExecutionState.Completed), (after.Status, after.Executions[0].State));
        Assert.Equal(before.Executions[0].Activities["mail"].Counts.Out["out"], after.Executions[0].Activities["mail"].Counts.Out["out"]);
    }

    [Fact]
    public async Task A_watcher_hears_the_state_as_it_changes_and_a_paused_wait_goes_on_only_once_resumed()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var id = new CampaignId("c-pause");
        await region.Ask<CampaignReplies.Accepted>(new Create(id, Document("""{ "type": "asap" }""", wait: true)), Timeout, Cancel);
        var watcher = CreateTestProbe();
        region.Tell(new CampaignQueries.Watch(id, watcher.Ref));
        Assert.Equal(CampaignStatus.Draft, (await watcher.ExpectMsgAsync<CampaignState>(Timeout, cancellationToken: Cancel)).Status);

        await region.Ask<CampaignReplies.Accepted>(new Publish(id), Timeout, Cancel);
        // Told, not asked: the watcher sees the execution reach its wait, which status shows as waiting.
        var waiting = await watcher.FishForMessageAsync<CampaignState>(s => s.Executions.Count == 1 && s.Executions[0].State == ExecutionState.Waiting,
            Timeout, cancellationToken: Cancel);
        Assert.Equal(ActivityState.Waiting, waiting.Executions[0].Activities["hold"].State);
        Assert.Equal(ActivityState.Completed, waiting.Executions[0].Activities["fr"].State);

        Assert.Equal(CampaignStatus.Paused, (await region.Ask<CampaignReplies.Accepted>(new Pause(id), Timeout, Cancel)).Status);
        _clock.Advance(TimeSpan.FromMinutes(61));
        await Task.Delay(500, Cancel);
        var paused = await region.Ask<CampaignState>(new CampaignQueries.GetState(id), Timeout, Cancel);
        Assert.Equal((ExecutionState.Paused, false, 0), (paused.Executions[0].State, paused.Executions[0].Activities["hold"].IsDone, Sent("c-pause")));

        Assert.Equal(CampaignStatus.Live, (await region.Ask<CampaignReplies.Accepted>(new Resume(id), Timeout, Cancel)).Status);
        var done = await watcher.FishForMessageAsync<CampaignState>(s => s.Status == CampaignStatus.Completed, Timeout, cancellationToken: Cancel);
        Assert.Equal(16L, done.Executions[0].Activities["mail"].Counts.Out["out"]);
        Assert.Equal(16, Sent("c-pause"));
        Assert.Contains(done.Log!, l => l.Message == "paused: activities hold at their next batch boundary");
    }

    [Fact]
    public async Task An_end_signal_starts_the_other_campaign_once_with_its_variables()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var target = new CampaignId("c-target");
        await region.Ask<CampaignReplies.Accepted>(new Create(target, CampaignValidator.Validate("""
            { "name": "Target", "schedule": { "type": "signal" }, "variables": { "tier": "none" },
              "activities": [ { "id": "tiered", "type": "buildAudience", "filter": "country = vars.tier" } ], "transitions": [] }
            """, ProfileSchema.Core).Document!), Timeout, Cancel);
        await region.Ask<CampaignReplies.Accepted>(new Publish(target), Timeout, Cancel);
        var source = new CampaignId("c-source");
        await region.Ask<CampaignReplies.Accepted>(new Create(source, CampaignValidator.Validate("""
            { "name": "Source", "activities": [ { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
                { "id": "done", "type": "end", "signal": { "campaign": "c-target", "variables": { "tier": "DE" } } } ],
              "transitions": [ { "from": "fr", "to": "done" } ] }
            """, ProfileSchema.Core).Document!), Timeout, Cancel);
        await region.Ask<CampaignReplies.Accepted>(new StartTest(source), Timeout, Cancel);
        await AwaitStateAsync(region, source, s => s.Executions[0].State == ExecutionState.Completed);
        Assert.Empty((await region.Ask<CampaignState>(new CampaignQueries.GetState(target), Timeout, Cancel)).Executions);

        await region.Ask<CampaignReplies.Accepted>(new Publish(source), Timeout, Cancel);
        await AwaitStateAsync(region, source, s => s.Status == CampaignStatus.Completed);
        var signalled = await AwaitStateAsync(region, target, s => s.Executions.Count == 1 && s.Executions[0].State == ExecutionState.Completed);
        Assert.Equal(("c-source/e-2/done", (object)"DE"), (signalled.Executions[0].TriggeredBy, signalled.Executions[0].Variables["tier"].Value));
        Assert.Equal(30L, signalled.Executions[0].Activities["tiered"].Counts.Out["out"]);

        // A signal repeated after a crash starts nothing more.
        var again = await region.Ask<CampaignReplies.Accepted>(new Trigger(target, new Dictionary<string, VariableValue>(), "c-source/e-2/done"), Timeout, Cancel);
        Assert.Null(again.Execution);
        Assert.Single((await region.Ask<CampaignState>(new CampaignQueries.GetState(target), Timeout, Cancel)).Executions);
    }

    /// <summary>A clock the test moves by hand, so schedules and waits are tested without sleeping for them.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    /// <summary>Once the actor system is down (nothing writes to the folder any more, nor makes it again), the folder goes.</summary>
    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

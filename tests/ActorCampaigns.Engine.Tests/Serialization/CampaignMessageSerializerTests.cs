using System.Collections.Immutable;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Partitions;
using ActorCampaigns.Engine.Serialization;
using Akka.Actor;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;
using static ActorCampaigns.Engine.Campaigns.CampaignEvents;

namespace ActorCampaigns.Engine.Tests.Serialization;

public sealed class CampaignMessageSerializerTests : IDisposable
{
    private static readonly CampaignId Id = new("c-7");
    private static readonly ExecutionId E1 = new("e-1");
    private static readonly DateTime At = new(2026, 12, 1, 9, 30, 15, 123, DateTimeKind.Utc);

    private readonly ActorSystem _system = ActorSystem.Create("serialization", SerializationConfig.Hocon);

    private static readonly CampaignDocument Document = CampaignValidator.Validate("""
        {
          "name": "Every kind", "schedule": { "type": "recurring", "cron": "0 9 * * MON", "timeZone": "Europe/Paris", "until": "2027-01-01T00:00:00Z" },
          "variables": { "discount": "20", "limit": 5, "ratio": 0.5, "vip": true },
          "activities": [
            { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
            { "id": "vip", "type": "readAudience", "audience": "vip" },
            { "id": "all", "type": "combine", "mode": "exclusion", "primary": "fr", "complement": true },
            { "id": "dedup", "type": "deduplicate", "keys": ["email"], "keep": 2, "method": "highest", "by": "createdAt" },
            { "id": "score", "type": "enrich", "columns": { "opens": "count(opened('*', 'P30D'))" } },
            { "id": "split", "type": "split", "allowOverlap": true, "complement": true,
              "subsets": [ { "name": "a", "limit": { "count": 10 }, "order": "createdAt desc" }, { "name": "b", "filter": "opens > 1", "limit": { "percent": 12.5 } } ] },
            { "id": "wait", "type": "wait", "duration": "P1DT2H" },
            { "id": "until", "type": "wait", "until": "2026-12-24T18:00:00Z" },
            { "id": "fork", "type": "fork" },
            { "id": "join", "type": "andJoin", "primary": "fork" },
            { "id": "big", "type": "test", "conditions": [ { "name": "many", "when": "count > vars.limit" } ] },
            { "id": "save", "type": "saveAudience", "audience": "winter" },
            { "id": "mail", "type": "email", "category": "transactional", "throttle": 50,
              "content": { "from": "a@example.com", "subject": "Hi {{ firstName }}", "html": "<p>Hi</p>", "text": "Hi" } },
            { "id": "text", "type": "sms", "content": { "text": "{{ vars.discount }}% off" } },
            { "id": "push", "type": "push", "content": { "title": "Offer", "body": "Now", "data": { "deepLink": "app://offer" } } },
            { "id": "end", "type": "end", "signal": { "campaign": "c-8", "variables": { "source": "c-7" } } }
          ],
          "transitions": [
            { "from": "fr", "to": "all" }, { "from": "vip", "to": "all" }, { "from": "all", "to": "dedup" },
            { "from": "dedup", "to": "score" }, { "from": "score", "to": "split" }, { "from": "split", "port": "a", "to": "wait" },
            { "from": "split", "port": "b", "to": "until" }, { "from": "wait", "to": "fork" }, { "from": "fork", "to": "join" },
            { "from": "until", "to": "join" }, { "from": "join", "to": "big" }, { "from": "big", "port": "many", "to": "save" },
            { "from": "big", "port": "default", "to": "mail" }, { "from": "save", "to": "text" }, { "from": "mail", "to": "push" },
            { "from": "text", "to": "end" }, { "from": "push", "to": "end" }
          ]
        }
        """, ProfileSchema.Core).Document ?? throw new InvalidOperationException("the sample document must be valid");

    private static readonly ActivityCounts Counts = new(9800,
        new Dictionary<string, long> { ["out"] = 8001, ["excluded"] = 819 }, new Dictionary<string, long> { ["noAddress"] = 120 }, 3);

    public static IEnumerable<object[]> Samples()
    {
        var variables = new Dictionary<string, VariableValue> { ["discount"] = new("35"), ["limit"] = new(7L), ["vip"] = new(false), ["ratio"] = new(0.25) };
        var state = CampaignState.Empty(Id)
            .Apply(new Created(Id, Document, new CampaignId("c-6"), At))
            .Apply(new Published(Id, At))
            .Apply(new ExecutionStarted(Id, E1, ExecutionMode.Live, variables, At, At))
            .Apply(new ActivityCompleted(Id, E1, "fr", ActivityState.Completed, Counts, At))
            .Apply(new ActivityFailed(Id, E1, "mail", "smtp down", At));
        object[] all =
        [
            new Create(Id, Document, new CampaignId("c-6")), new Replace(Id, Document), new StartTest(Id), new Publish(Id), new Pause(Id),
            new Resume(Id), new Stop(Id), new Trigger(Id, variables), new Trigger(Id, variables, "c-6/e-2/end"), new StartScheduled(Id, At), new CompleteActivity(Id, E1, "split", Counts),
            new FailActivity(Id, E1, "mail", "smtp down"), new RecordErrorNotification(Id, E1, ["alert sent to ops@example.com"]),
            new PartitionExecution(Id, E1, [1_000L, 2_000L]), new CompletePartition(Id, E1, "mail", 2, Counts, "akka.tcp://actorcampaigns@10.0.0.7:4053"),
            new ExecutionPartitioned(Id, E1, [1_000L, 2_000L], At), new PartitionCompleted(Id, E1, "mail", 2, Counts, null, At),
            new DecideActivity(Id, E1, "split", JournalFixture.SplitCuts), new ActivityDecided(Id, E1, "split", JournalFixture.SplitCuts, At),
            new DecideExperiment(Id, E1, "exp", JournalFixture.ExperimentDecision), new ExperimentDecided(Id, E1, "exp", JournalFixture.ExperimentDecision, At),
            new ForceWinner(Id, "exp", "b", "b's offer is the one legal approved", "key 3f2a9c1b0d4e"),
            new OccurrencesSkipped(Id, 7, At.AddDays(-7), At.AddDays(-1), ActorCampaigns.Domain.Campaigns.CatchUp.Latest, At),
            new PartitionMessages.InboundCompleted("c-7|e-1|mail|2", "fr"), new PartitionMessages.Hold("c-7|e-1|mail|2"), new PartitionMessages.Stop("c-7|e-1|mail|2"),
            new PartitionMessages.Report(Id, E1, "mail", 2, 3, "akka.tcp://actorcampaigns@10.0.0.7:4053", PartitionMessages.ReportKind.Failed, Counts, "fenced off"),
            new Created(Id, Document, null, At), new Replaced(Id, Document, At), new ReplacementQueued(Id, Document, At), new Published(Id, At),
            new ExecutionStarted(Id, E1, ExecutionMode.Test, variables, null, At), new ExecutionStarted(Id, E1, ExecutionMode.Live, variables, null, At, "c-6/e-2/end"),
            new ExecutionStarted(Id, E1, ExecutionMode.Live, variables, null, At, Partitions: 6), new ActivityCompleted(Id, E1, "mail", ActivityState.Held, Counts, At),
            new ActivityCompleted(Id, E1, "tell", ActivityState.Completed, Counts with { Notes = ["alert sent to ops@example.com"] }, At),
            new ActivityFailed(Id, E1, "mail", "smtp down", At), new ExecutionCompleted(Id, E1, At), new Paused(Id, At), new Resumed(Id, At),
            new Stopped(Id, At), new Stopped(Id, At, "activity 'mail' of execution e-1 failed and the campaign's error policy is abort"),
            new ErrorNotified(Id, E1, ["alert sent to ops@example.com", "alert to https://hooks.example.com/x refused: HTTP 410 Gone"], At),
            new CampaignCompleted(Id, At), state,
            new CampaignReplies.Accepted(Id, CampaignStatus.Live, E1), new CampaignReplies.Rejected(Id, RejectionKind.Conflict, "is draft"),
            new CampaignQueries.GetState(Id), new CampaignQueries.FeedbackArrived(Id),
            state.WithFeedback([new FeedbackCount(E1.Value, "mail", FeedbackKind.Opened, 12, 9), new FeedbackCount(E1.Value, "mail", FeedbackKind.Bounced, 1, 1)])
                with { Node = "akka.tcp://actorcampaigns@10.0.0.7:4053" },
        ];
        return all.Select(o => new[] { o });
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_message_event_and_snapshot_round_trips_through_its_own_serializer(object message)
    {
        var serialization = _system.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.IsType<CampaignMessageSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = serialization.Deserialize(bytes, serializer.Identifier, manifest);
        Assert.Equal(message.GetType(), back.GetType());
        Assert.Equal(bytes, serializer.ToBinary(back));
        if (message is not (CampaignState or Create or Replace or Created or Replaced or ReplacementQueued or Trigger or ExecutionStarted or CompleteActivity or ActivityCompleted
            or PartitionExecution or CompletePartition or ExecutionPartitioned or PartitionCompleted or PartitionMessages.Report or ErrorNotified
            or RecordErrorNotification))
            Assert.Equal(message, back);
    }

    [Fact]
    public void The_snapshot_keeps_what_the_state_needs()
    {
        var state = Samples().Select(s => s[0]).OfType<CampaignState>().First();
        var serializer = (CampaignMessageSerializer)_system.Serialization.FindSerializerFor(state);
        var back = (CampaignState)serializer.FromBinary(serializer.ToBinary(state), serializer.Manifest(state));
        Assert.Equal((CampaignStatus.Failed, new CampaignId("c-6"), 16), (back.Status, back.DuplicatedFrom, back.Document!.Activities.Count));
        var execution = Assert.Single(back.Executions);
        Assert.Equal(("smtp down", 8001L, 120L), (execution.Activities["mail"].Failure, execution.Activities["fr"].Counts.Out["out"], execution.Activities["fr"].Counts.Excluded["noAddress"]));
        Assert.Equal(new VariableValue(7L), execution.Variables["limit"]);
        Assert.IsType<RecurringSchedule>(back.Document.Schedule);
        Assert.IsType<SplitActivity>(back.Document.Activities[5]);
        Assert.Equal(12.5, ((SplitActivity)back.Document.Activities[5]).Subsets[1].Limit!.Percent);
    }

    [Fact]
    public void A_state_seen_by_watchers_carries_the_feedback_counts_and_its_node_and_a_snapshot_neither()
    {
        var states = Samples().Select(s => s[0]).OfType<CampaignState>().ToList();
        var (snapshot, view) = (states[0], states[1]);
        var serializer = (CampaignMessageSerializer)_system.Serialization.FindSerializerFor(view);
        var back = (CampaignState)serializer.FromBinary(serializer.ToBinary(view), serializer.Manifest(view));
        Assert.Equal(new Dictionary<string, long> { ["bounced"] = 1, ["opened"] = 9 }, back.Executions[0].Activities["mail"].Feedback);
        Assert.Equal("akka.tcp://actorcampaigns@10.0.0.7:4053", back.Node);
        var stored = System.Text.Encoding.UTF8.GetString(serializer.ToBinary(snapshot));
        Assert.DoesNotContain("feedback", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"node\"", stored, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_command_and_event_type_has_a_manifest_and_a_sample()
    {
        var types = typeof(CampaignState).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && (typeof(ICampaignCommand).IsAssignableFrom(t) || typeof(ICampaignEvent).IsAssignableFrom(t)))
            .Concat([typeof(CampaignState), typeof(CampaignReplies.Accepted), typeof(CampaignReplies.Rejected), typeof(CampaignQueries.GetState),
                typeof(CampaignQueries.Watch), typeof(CampaignQueries.FeedbackArrived), typeof(PartitionMessages.Report)])
            .Concat(typeof(CampaignState).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(IPartitionMessage).IsAssignableFrom(t)))
            .ToHashSet();
        Assert.Equal(types.OrderBy(t => t.FullName), CampaignMessageSerializer.Manifests.Keys.OrderBy(t => t.FullName));
        // Those carrying an actor are tested with a real one below.
        Assert.Equal(types.OrderBy(t => t.FullName), Samples().Select(s => s[0].GetType()).Append(typeof(CampaignQueries.Watch))
            .Append(typeof(PartitionMessages.Assign)).Distinct().OrderBy(t => t.FullName));
    }

    [Fact]
    public void An_assignment_carries_its_run_and_its_coordinator_which_resolves_back_to_the_same_actor()
    {
        var coordinator = _system.ActorOf(Props.Empty, "coordinator");
        var variables = new Dictionary<string, VariableValue> { ["discount"] = new("35"), ["limit"] = new(7L) };
        var assign = new PartitionMessages.Assign(Id, Document, E1, ExecutionMode.Live, "mail", variables, At, At.AddHours(1), ["fr", "split"],
            [1_000L, 2_000L], 1, 4, coordinator, JournalFixture.SplitCuts);
        var serializer = _system.Serialization.FindSerializerFor(assign);
        var back = Assert.IsType<PartitionMessages.Assign>(_system.Serialization.Deserialize(serializer.ToBinary(assign), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, assign)));
        Assert.Equal((assign.EntityId, 1, 4L, coordinator), (back.EntityId, back.Partition, back.Epoch, back.Coordinator));
        Assert.Equal(["fr", "split"], back.Done);
        Assert.Equal([1_000L, 2_000L], back.Boundaries);
        Assert.Equal(new VariableValue(7L), back.Variables["limit"]);
        Assert.Equal(At.AddHours(1), back.InboundCompletedAt);
        Assert.Equal(JournalFixture.SplitCuts, back.Decision);
        Structural.AssertSame(Document, back.Document);
    }

    [Fact]
    public void A_watch_carries_its_watcher_which_resolves_back_to_the_same_actor()
    {
        var watcher = _system.ActorOf(Props.Empty, "watcher");
        var watch = new CampaignQueries.Watch(Id, watcher);
        var serializer = (CampaignMessageSerializer)_system.Serialization.FindSerializerFor(watch);
        var back = (CampaignQueries.Watch)serializer.FromBinary(serializer.ToBinary(watch), CampaignMessageSerializer.Manifests[typeof(CampaignQueries.Watch)]);
        Assert.Equal(watch, back);
        Assert.Equal(watcher.Path, back.Watcher.Path);
    }

    private sealed record NotBound(string Text);

    [Fact]
    public void A_type_without_a_binding_is_refused_not_serialized_by_the_default()
    {
        var serializer = _system.Serialization.FindSerializerFor(new NotBound("x"));
        var refused = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.ToBinary(new NotBound("x")));
        Assert.Contains("has no serializer binding", refused.Message);
    }

    [Fact]
    public void An_unknown_manifest_is_refused()
    {
        var serializer = (CampaignMessageSerializer)_system.Serialization.FindSerializerForType(typeof(Publish));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "e.renamed"));
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}

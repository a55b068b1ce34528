using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;
using static ActorCampaigns.Engine.Campaigns.CampaignEvents;

namespace ActorCampaigns.Engine.Tests.Campaigns;

public class CampaignStateTests
{
    private static readonly CampaignId Id = new("c-1");
    private static readonly DateTime Now = new(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);

    private static CampaignDocument Document(string schedule = """{ "type": "asap" }""")
    {
        var result = CampaignValidator.Validate($$"""
            {
              "name": "Lifecycle", "schedule": {{schedule}}, "variables": { "discount": "20" },
              "activities": [
                { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
                { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } },
                { "id": "keep", "type": "saveAudience", "audience": "fr-mailed" }
              ],
              "transitions": [ { "from": "fr", "to": "mail" }, { "from": "mail", "to": "keep" } ]
            }
            """, ProfileSchema.Core);
        Assert.Empty(result.Errors);
        return result.Document!;
    }

    /// <summary>Decides each command in turn on the state, applies what was accepted, returns the state and the last decision.</summary>
    private static (CampaignState State, Decision Last) Run(CampaignState state, params ICampaignCommand[] commands) => RunAt(Now, state, commands);

    private static (CampaignState State, Decision Last) RunAt(DateTime now, CampaignState state, params ICampaignCommand[] commands) =>
        CampaignStates.Run(state, now, commands);

    private static CampaignState Created(string schedule = """{ "type": "asap" }""") =>
        Run(CampaignState.Empty(Id), new Create(Id, Document(schedule))).State;

    private static ICampaignCommand[] CompleteAll(ExecutionId execution) =>
        new[] { "fr", "mail", "keep" }.Select(a => (ICampaignCommand)new CompleteActivity(Id, execution, a, ActivityCounts.None)).ToArray();

    private static void AssertRejected(Decision decision, RejectionKind kind, string reason)
    {
        var rejected = Assert.IsType<Decision.Rejected>(decision);
        Assert.Equal(kind, rejected.Kind);
        Assert.Contains(reason, rejected.Reason);
    }

    [Fact]
    public void A_campaign_is_created_once_as_a_draft()
    {
        var state = Created();
        Assert.Equal(CampaignStatus.Draft, state.Status);
        AssertRejected(state.Decide(new Create(Id, Document()), Now), RejectionKind.Conflict, "already exists");
        AssertRejected(CampaignState.Empty(Id).Decide(new Publish(Id), Now), RejectionKind.NotFound, "no campaign 'c-1'");
    }

    [Fact]
    public void Publishing_an_asap_campaign_starts_a_live_execution_that_completes_the_campaign()
    {
        var (live, decision) = Run(Created(), new Publish(Id));
        Assert.Equal([typeof(Published), typeof(ExecutionStarted)], ((Decision.Accepted)decision).Events.Select(e => e.GetType()));
        Assert.Equal(CampaignStatus.Live, live.Status);
        var execution = Assert.Single(live.Executions);
        Assert.Equal((new ExecutionId("e-1"), ExecutionMode.Live), (execution.Id, execution.Mode));
        Assert.All(execution.Activities.Values, a => Assert.Equal(ActivityState.Pending, a.State));
        AssertRejected(live.Decide(new Replace(Id, Document()), Now), RejectionKind.Conflict, "is live: only a draft, or a published recurring or signal campaign that has not ended, can be replaced");

        var (done, last) = Run(live, CompleteAll(execution.Id));
        Assert.Equal([typeof(ActivityCompleted), typeof(ExecutionCompleted), typeof(CampaignCompleted)],
            ((Decision.Accepted)last).Events.Select(e => e.GetType()));
        Assert.Equal(CampaignStatus.Completed, done.Status);
        Assert.Equal(ActivityState.Completed, done.Executions[0].Activities["mail"].State);
    }

    [Fact]
    public void A_test_run_holds_channels_and_audiences_and_leaves_the_lifecycle_alone()
    {
        var (testing, _) = Run(Created(), new StartTest(Id));
        Assert.Equal(CampaignStatus.Draft, testing.Status);
        AssertRejected(testing.Decide(new StartTest(Id), Now), RejectionKind.Conflict, "test run e-1 of campaign 'c-1' is still running");
        var reach = new ActivityCounts(120, new Dictionary<string, long>(), new Dictionary<string, long>(), 0);
        var (tested, _) = Run(testing,
            new CompleteActivity(Id, new("e-1"), "fr", ActivityCounts.None),
            new CompleteActivity(Id, new("e-1"), "mail", reach),
            new CompleteActivity(Id, new("e-1"), "keep", ActivityCounts.None));
        var execution = tested.Executions[0];
        Assert.Equal((ExecutionState.Completed, ActivityState.Held, 120L), (execution.State, execution.Activities["mail"].State, execution.Activities["mail"].Counts.In));
        Assert.Equal(ActivityState.Held, execution.Activities["keep"].State);
        Assert.Equal(ActivityState.Completed, execution.Activities["fr"].State);
        Assert.Equal(CampaignStatus.Draft, tested.Status);
        var (again, _) = Run(tested, new StartTest(Id));
        Assert.Equal(new ExecutionId("e-2"), again.Executions[0].Id);
    }

    [Fact]
    public void Pause_resume_and_stop_follow_the_lifecycle()
    {
        AssertRejected(Created().Decide(new Pause(Id), Now), RejectionKind.Conflict, "is draft: only a live campaign can be paused");
        AssertRejected(Created().Decide(new Stop(Id), Now), RejectionKind.Conflict, "is draft");
        var (paused, _) = Run(Created(), new Publish(Id), new Pause(Id));
        Assert.Equal((CampaignStatus.Paused, ExecutionState.Paused), (paused.Status, paused.Executions[0].State));
        AssertRejected(paused.Decide(new Pause(Id), Now), RejectionKind.Conflict, "is paused");
        var (resumed, _) = Run(paused, new Resume(Id));
        Assert.Equal((CampaignStatus.Live, ExecutionState.Running), (resumed.Status, resumed.Executions[0].State));
        var (stopped, _) = Run(resumed, new Stop(Id));
        Assert.Equal((CampaignStatus.Stopped, ExecutionState.Stopped), (stopped.Status, stopped.Executions[0].State));
        AssertRejected(stopped.Decide(new Resume(Id), Now), RejectionKind.Conflict, "is stopped");
        AssertRejected(stopped.Decide(new StartTest(Id), Now), RejectionKind.Conflict, "can no longer be tested");
    }

    [Fact]
    public void A_failed_activity_fails_the_campaign_and_resume_runs_it_again()
    {
        var (failed, _) = Run(Created(), new Publish(Id),
            new CompleteActivity(Id, new("e-1"), "fr", ActivityCounts.None),
            new FailActivity(Id, new("e-1"), "mail", "outbox not writable"));
        Assert.Equal(CampaignStatus.Failed, failed.Status);
        Assert.Equal(("outbox not writable", ActivityState.Failed), (failed.Executions[0].Activities["mail"].Failure, failed.Executions[0].Activities["mail"].State));
        var (resumed, _) = Run(failed, new Resume(Id));
        Assert.Equal(CampaignStatus.Live, resumed.Status);
        Assert.Equal(ActivityState.Pending, resumed.Executions[0].Activities["mail"].State);
        Assert.Equal(ActivityState.Completed, resumed.Executions[0].Activities["fr"].State);
    }

    [Fact]
    public void Under_the_abort_policy_a_failed_activity_of_a_live_execution_stops_the_campaign_and_of_a_test_execution_fails_it_only()
    {
        var document = Document() with { OnError = new ErrorPolicy(ErrorAction.Abort, 10, null) };
        var created = Run(CampaignState.Empty(Id), new Create(Id, document)).State;
        var (tested, _) = Run(created, new StartTest(Id), new FailActivity(Id, new("e-1"), "fr", "database down"));
        Assert.Equal((CampaignStatus.Draft, ExecutionState.Failed), (tested.Status, tested.Executions[0].State));

        var (stopped, decision) = Run(created, new Publish(Id), new FailActivity(Id, new("e-1"), "fr", "database down"));
        Assert.Equal([typeof(ActivityFailed), typeof(Stopped)], Assert.IsType<Decision.Accepted>(decision).Events.Select(e => e.GetType()));
        Assert.Equal((CampaignStatus.Stopped, ExecutionState.Stopped, ActivityState.Failed),
            (stopped.Status, stopped.Executions[0].State, stopped.Executions[0].Activities["fr"].State));
        Assert.Equal("stopped: activity 'fr' of execution e-1 failed and the campaign's error policy is abort", stopped.Log![^1].Message);
        AssertRejected(stopped.Decide(new Resume(Id), Now), RejectionKind.Conflict, "only a paused or failed campaign");
    }

    [Fact]
    public void An_error_notification_is_recorded_for_an_execution_of_the_campaign_only()
    {
        var (failed, _) = Run(Created(), new Publish(Id), new FailActivity(Id, new("e-1"), "fr", "database down"));
        var (noted, _) = Run(failed, new RecordErrorNotification(Id, new("e-1"), ["alert sent to ops@example.com"]));
        Assert.Equal((LogLevel.Info, "error notification: alert sent to ops@example.com"), (noted.Log![^1].Level, noted.Log[^1].Message));
        AssertRejected(failed.Decide(new RecordErrorNotification(Id, new("e-9"), ["alert sent to ops@example.com"]), Now), RejectionKind.Conflict, "no execution e-9");
    }

    [Fact]
    public void Signal_campaigns_run_on_each_trigger_with_its_variables_and_stay_scheduled()
    {
        var state = Created("""{ "type": "signal" }""");
        AssertRejected(state.Decide(new Trigger(Id, new Dictionary<string, VariableValue>()), Now), RejectionKind.Conflict, "only a published campaign");
        var (scheduled, _) = Run(state, new Publish(Id));
        Assert.Equal(CampaignStatus.Scheduled, scheduled.Status);
        AssertRejected(scheduled.Decide(new Trigger(Id, new Dictionary<string, VariableValue> { ["colour"] = new("red") }), Now),
            RejectionKind.Invalid, "not declared by campaign 'c-1': colour");
        var (triggered, _) = Run(scheduled, new Trigger(Id, new Dictionary<string, VariableValue> { ["discount"] = new(35L) }));
        Assert.Equal(new VariableValue(35L), triggered.Executions[0].Variables["discount"]);
        var (done, _) = Run(triggered, CompleteAll(new("e-1")));
        Assert.Equal(CampaignStatus.Scheduled, done.Status);
        AssertRejected(Created().Decide(new Trigger(Id, new Dictionary<string, VariableValue>()), Now), RejectionKind.Conflict, "not scheduled on a signal");
    }

    [Fact]
    public void Recurring_campaigns_run_each_due_occurrence_once_and_complete_after_until()
    {
        var state = Created("""{ "type": "recurring", "cron": "0 9 * * *", "timeZone": "Europe/Paris", "until": "2026-12-02T12:00:00Z" }""");
        var publishedAt = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
        var (scheduled, _) = RunAt(publishedAt, state, new Publish(Id));
        var first = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
        Assert.Equal(first, scheduled.NextDue);
        AssertRejected(scheduled.Decide(new StartScheduled(Id, first), first.AddSeconds(-1)), RejectionKind.Conflict, "is not a due occurrence");
        AssertRejected(scheduled.Decide(new StartScheduled(Id, first.AddHours(1)), first.AddHours(2)), RejectionKind.Conflict, "is not a due occurrence");
        var (running, _) = RunAt(first.AddSeconds(1), scheduled, new StartScheduled(Id, first));
        AssertRejected(running.Decide(new StartScheduled(Id, first), first.AddSeconds(2)), RejectionKind.Conflict, "is not a due occurrence");
        var (between, _) = RunAt(first.AddMinutes(5), running, CompleteAll(new("e-1")));
        Assert.Equal((CampaignStatus.Scheduled, first.AddDays(1)), (between.Status, between.NextDue));
        var (last, _) = RunAt(first.AddDays(1).AddSeconds(1), between, [new StartScheduled(Id, first.AddDays(1)), .. CompleteAll(new("e-2"))]);
        Assert.Equal(CampaignStatus.Completed, last.Status);
        Assert.Null(last.NextDue);
        Assert.Equal([first.AddDays(1), first], last.Executions.Select(e => e.Due));
    }

    [Fact]
    public void A_recurring_campaign_edited_while_it_runs_finishes_its_execution_on_the_old_document_and_takes_the_new_one_after()
    {
        var recurring = """{ "type": "recurring", "cron": "0 9 * * *", "timeZone": "UTC" }""";
        var publishedAt = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
        var (scheduled, _) = RunAt(publishedAt, Created(recurring), new Publish(Id));
        var first = new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
        var (running, _) = RunAt(first.AddSeconds(1), scheduled, new StartScheduled(Id, first));
        var edited = Document(recurring) with { Name = "Lifecycle, edited" };

        var (queued, decision) = RunAt(first.AddMinutes(1), running, new Replace(Id, edited));
        Assert.IsType<ReplacementQueued>(Assert.Single(Assert.IsType<Decision.Accepted>(decision).Events));
        Assert.Equal(("Lifecycle", "Lifecycle, edited"), (queued.Document!.Name, queued.PendingDocument!.Name));

        var (after, _) = RunAt(first.AddMinutes(5), queued, CompleteAll(new("e-1")));
        Assert.Equal((CampaignStatus.Scheduled, "Lifecycle, edited", null), (after.Status, after.Document!.Name, after.PendingDocument));
        Assert.Equal(["execution completed", "document replaced"], after.Log!.TakeLast(2).Select(l => l.Message));

        // With nothing running, the campaign takes a new document at once; its schedule may change, not its type.
        // The next occurrence is the new schedule's after the last that ran: today at 10.
        var (again, _) = RunAt(first.AddMinutes(30), after, new Replace(Id, Document("""{ "type": "recurring", "cron": "0 10 * * *", "timeZone": "UTC" }""")));
        Assert.Equal((first.AddHours(1), null), (again.NextDue, again.PendingDocument));
        AssertRejected(again.Decide(new Replace(Id, Document()), Now), RejectionKind.Conflict, "its schedule's type may not (recurring)");
        // A one-shot campaign, once published, is read-only.
        var (live, _) = Run(Created(), new Publish(Id));
        AssertRejected(live.Decide(new Replace(Id, Document()), Now), RejectionKind.Conflict, "only a draft, or a published recurring or signal campaign");
    }

    [Fact]
    public void An_edit_counts_the_next_occurrence_from_itself_is_not_held_by_a_failed_test_run_and_is_dropped_by_a_stop()
    {
        var daily = """{ "type": "recurring", "cron": "0 9 * * *", "timeZone": "UTC" }""";
        var first = new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
        // A test run that failed: nothing resumes it, so it holds no edit back.
        var (tested, _) = RunAt(new DateTime(2026, 11, 30, 11, 0, 0, DateTimeKind.Utc), Created(daily), new StartTest(Id), new FailActivity(Id, new("e-1"), "fr", "database down"));
        var (ran, _) = RunAt(first.AddSeconds(1), RunAt(new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc), tested, new Publish(Id)).State,
            [new StartScheduled(Id, first), .. CompleteAll(new("e-2"))]);
        Assert.Equal(ExecutionState.Failed, ran.Executions[1].State);
        // At 11, the hour becomes 10: today's 10 o'clock has passed, tomorrow's is next.
        var (edited, decision) = RunAt(first.AddHours(2), ran, new Replace(Id, Document("""{ "type": "recurring", "cron": "0 10 * * *", "timeZone": "UTC" }""")));
        Assert.IsType<Replaced>(Assert.Single(Assert.IsType<Decision.Accepted>(decision).Events));
        Assert.Equal(first.AddDays(1).AddHours(1), edited.NextDue);
        AssertRejected(edited.Decide(new Replace(Id, Document("""{ "type": "recurring", "cron": "0 10 * * *", "until": "2026-12-01T10:30:00Z" }""")), first.AddHours(2)),
            RejectionKind.Invalid, "no occurrence left");

        // Queued behind a running execution, then the campaign stops: the edit is dropped with it.
        var (running, _) = RunAt(first.AddDays(1).AddHours(1).AddSeconds(1), edited, new StartScheduled(Id, first.AddDays(1).AddHours(1)));
        var (queued, _) = RunAt(first.AddDays(1).AddHours(1).AddMinutes(1), running, new Replace(Id, Document(daily) with { Name = "Never taken" }));
        Assert.NotNull(queued.PendingDocument);
        var (stopped, _) = RunAt(first.AddDays(1).AddHours(2), queued, new Stop(Id));
        Assert.Equal((CampaignStatus.Stopped, "Lifecycle", null), (stopped.Status, stopped.Document!.Name, stopped.PendingDocument));
    }

    [Fact]
    public void A_published_signal_campaign_keeps_the_variables_it_declared()
    {
        var (scheduled, _) = Run(Created("""{ "type": "signal" }"""), new Publish(Id));
        var without = Document("""{ "type": "signal" }""") with { Variables = new Dictionary<string, VariableValue>() };
        AssertRejected(scheduled.Decide(new Replace(Id, without), Now), RejectionKind.Conflict, "keeps its variable 'discount'");
        var retyped = without with { Variables = new Dictionary<string, VariableValue> { ["discount"] = new(20L) } };
        AssertRejected(scheduled.Decide(new Replace(Id, retyped), Now), RejectionKind.Conflict, "keeps its variable 'discount' and its type");
        var more = without with { Variables = new Dictionary<string, VariableValue> { ["discount"] = new("25"), ["code"] = new("X") } };
        Assert.IsType<Decision.Accepted>(scheduled.Decide(new Replace(Id, more), Now));
    }

    [Fact]
    public void A_schedule_that_has_passed_cannot_be_published()
    {
        AssertRejected(Created("""{ "type": "once", "at": "2026-11-01T00:00:00Z" }""").Decide(new Publish(Id), Now), RejectionKind.Invalid, "has passed");
        AssertRejected(Created("""{ "type": "recurring", "cron": "0 9 * * *", "until": "2026-11-01T00:00:00Z" }""").Decide(new Publish(Id), Now),
            RejectionKind.Invalid, "no occurrence left");
    }

    [Fact]
    public void A_decision_for_partitions_is_taken_once_and_outlives_a_failure_and_resume()
    {
        var published = Assert.IsType<Decision.Accepted>(Created().Decide(new Publish(Id), Now, 3)).Events.Aggregate(Created(), (s, e) => s.Apply(e));
        var execution = published.Executions[0].Id;
        const string Decided = """[{"subset":"ten","takes":[4,3,3]}]""";
        var (decided, _) = Run(published, new PartitionExecution(Id, execution, [100L, 200L]), new DecideActivity(Id, execution, "mail", Decided));
        Assert.Equal(Decided, decided.Executions[0].Activities["mail"].Decision);
        AssertRejected(decided.Decide(new DecideActivity(Id, execution, "keep", "[{"), Now), RejectionKind.Invalid, "is not JSON");

        // A second decision (a restarted coordinator's) changes nothing: partitions run again apply the first.
        var (again, last) = Run(decided, new DecideActivity(Id, execution, "mail", """[{"subset":"ten","takes":[1,1,8]}]"""));
        Assert.Empty(Assert.IsType<Decision.Accepted>(last).Events);
        var (resumed, _) = Run(again, new FailActivity(Id, execution, "mail", "smtp down"), new Resume(Id));
        Assert.Equal((ActivityState.Pending, Decided), (resumed.Executions[0].Activities["mail"].State, resumed.Executions[0].Activities["mail"].Decision));
    }
}

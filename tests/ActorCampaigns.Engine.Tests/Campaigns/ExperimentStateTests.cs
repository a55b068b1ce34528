using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Engine.Campaigns;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;

namespace ActorCampaigns.Engine.Tests.Campaigns;

/// <summary>An experiment in a campaign's state: its execution waits for the decision, which reopens the winner's path only, once.</summary>
public sealed class ExperimentStateTests
{
    private static readonly CampaignId Id = new("c-1");
    private static readonly DateTime Now = new(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);

    private static readonly CampaignDocument Document = CampaignValidator.Validate("""
        { "name": "Subject test", "activities": [
            { "id": "all", "type": "buildAudience" },
            { "id": "exp", "type": "experiment", "arms": [ { "name": "a", "percent": 10 }, { "name": "b", "percent": 10 } ], "metric": "opened", "window": "PT6H" },
            { "id": "mail-a", "type": "email", "content": { "from": "s@example.com", "subject": "A", "html": "<p>A</p>" } },
            { "id": "later", "type": "wait", "duration": "PT1H" },
            { "id": "mail-b", "type": "email", "content": { "from": "s@example.com", "subject": "B", "html": "<p>B</p>" } } ],
          "transitions": [ { "from": "all", "to": "exp" }, { "from": "exp", "port": "a", "to": "mail-a" }, { "from": "exp", "port": "b", "to": "later" },
            { "from": "later", "to": "mail-b" } ] }
        """, ProfileSchema.Core).Document!;

    private static readonly ExperimentActivity Experiment = (ExperimentActivity)Document.Activities[1];

    private static CompleteActivity Complete(CampaignState state, string activity) =>
        new(Id, state.Executions[0].Id, activity, new ActivityCounts(10, new Dictionary<string, long> { ["out"] = 10 }, new Dictionary<string, long>(), 0));

    /// <summary>Published, and everything of the first wave done: the arms' paths completed at Now + 1 h.</summary>
    private static CampaignState FirstWaveDone()
    {
        var (state, _) = CampaignStates.Run(CampaignState.Empty(Id), Now, new Create(Id, Document), new Publish(Id));
        (state, _) = CampaignStates.Run(state, Now, Complete(state, "all"), Complete(state, "exp"), Complete(state, "mail-a"));
        (state, _) = CampaignStates.Run(state, Now.AddHours(1), Complete(state, "later"), Complete(state, "mail-b"));
        return state;
    }

    private static string Decision(string winner) =>
        ExperimentDecision.Decide(Experiment, [("a", 10, 10, 1), ("b", 10, 10, 2)], 80, Now.AddHours(7), (winner, "key x", "chosen")).ToJson();

    [Fact]
    public void The_execution_waits_for_the_decision_its_window_after_the_arms_paths()
    {
        var state = FirstWaveDone();
        var execution = state.Executions[0];
        Assert.Equal(ExecutionState.Running, execution.State);
        Assert.Equal([Experiment], state.AwaitingDecision(execution));
        Assert.Equal(Now.AddHours(7), ExperimentFigures.DueAt(Document, execution, Experiment));
        Assert.Equal(ExecutionState.Waiting, state.WithLive(new Dictionary<(ExecutionId, string), ActivityView>()).Executions[0].State);
    }

    [Fact]
    public void The_decision_reopens_the_experiment_and_the_winners_path_only_and_comes_once()
    {
        var state = FirstWaveDone();
        var (decided, last) = CampaignStates.Run(state, Now.AddHours(7), new DecideExperiment(Id, state.Executions[0].Id, "exp", Decision("b")));
        Assert.IsType<Decision.Accepted>(last);
        var activities = decided.Executions[0].Activities;
        Assert.Equal(["exp", "later", "mail-b"], activities.Where(a => !a.Value.IsDone).Select(a => a.Key).Order());
        // Until they report their second wave, they show their first.
        Assert.Equal((10L, 10L), (activities["mail-b"].Counts.Out["out"], activities["mail-b"].FirstWave!.Out["out"]));
        Assert.Equal("b", ExperimentDecision.Parse(activities["exp"].Decision!).Winner);
        Assert.Empty(decided.AwaitingDecision(decided.Executions[0]));

        // A second decision (a forced winner racing the automatic one) changes nothing.
        var (again, second) = CampaignStates.Run(decided, Now.AddHours(8), new DecideExperiment(Id, state.Executions[0].Id, "exp", Decision("a")));
        Assert.Empty(Assert.IsType<Decision.Accepted>(second).Events);
        Assert.Equal(activities["exp"].Decision, again.Executions[0].Activities["exp"].Decision);

        // The second wave done, the execution completes; each count adds the second wave to the first.
        var (done, _) = CampaignStates.Run(decided, Now.AddHours(9), Complete(decided, "exp"), Complete(decided, "later"), Complete(decided, "mail-b"));
        Assert.Equal(ExecutionState.Completed, done.Executions[0].State);
        Assert.Equal((20L, 20L), (done.Executions[0].Activities["mail-b"].Counts.In, done.Executions[0].Activities["mail-b"].Counts.Out["out"]));
    }

    [Fact]
    public void With_nobody_held_back_the_decision_reopens_nothing_and_ends_the_execution()
    {
        var state = FirstWaveDone();
        var decision = ExperimentDecision.Decide(Experiment, [("a", 10, 10, 1), ("b", 10, 10, 2)], 0, Now.AddHours(7), null).ToJson();
        var (decided, _) = CampaignStates.Run(state, Now.AddHours(7), new DecideExperiment(Id, state.Executions[0].Id, "exp", decision));
        Assert.Equal(ExecutionState.Completed, decided.Executions[0].State);
        Assert.All(decided.Executions[0].Activities.Values, a => Assert.True(a.IsDone));
        Assert.Equal(decision, decided.Executions[0].Activities["exp"].Decision);
    }

    [Fact]
    public void A_winner_is_forced_only_on_an_experiment_whose_arms_are_sent_with_one_of_its_arms()
    {
        var (sending, _) = CampaignStates.Run(CampaignState.Empty(Id), Now, new Create(Id, Document), new Publish(Id));
        (sending, _) = CampaignStates.Run(sending, Now, Complete(sending, "all"), Complete(sending, "exp"), Complete(sending, "mail-a"));
        AssertRejected(sending.ForceableWinner(new ForceWinner(Id, "exp", "b", "why", "key x"), out _, out _), RejectionKind.Conflict, "still on their way");
        var state = FirstWaveDone();
        AssertRejected(state.ForceableWinner(new ForceWinner(Id, "mail-a", "b", "why", "key x"), out _, out _), RejectionKind.NotFound, "no experiment 'mail-a'");
        AssertRejected(state.ForceableWinner(new ForceWinner(Id, "exp", "c", "why", "key x"), out _, out _), RejectionKind.Invalid, "'c' is not an arm");
        Assert.IsType<Decision.Accepted>(state.ForceableWinner(new ForceWinner(Id, "exp", "b", "why", "key x"), out var execution, out _));
        Assert.Equal(state.Executions[0].Id, execution!.Id);
        var (decided, _) = CampaignStates.Run(state, Now.AddHours(2), new DecideExperiment(Id, state.Executions[0].Id, "exp", Decision("b")));
        AssertRejected(decided.ForceableWinner(new ForceWinner(Id, "exp", "a", "why", "key x"), out _, out _), RejectionKind.Conflict, "waiting for its decision");
    }

    [Fact]
    public void A_test_execution_does_not_wait_for_a_decision()
    {
        var (state, _) = CampaignStates.Run(CampaignState.Empty(Id), Now, new Create(Id, Document), new StartTest(Id));
        (state, _) = CampaignStates.Run(state, Now, Complete(state, "all"), Complete(state, "exp"), Complete(state, "mail-a"), Complete(state, "later"), Complete(state, "mail-b"));
        Assert.Equal(ExecutionState.Completed, state.Executions[0].State);
        AssertRejected(CampaignStates.Run(state, Now, new DecideExperiment(Id, state.Executions[0].Id, "exp", Decision("b"))).Last, RejectionKind.Conflict, "not a running live execution");
    }

    private static void AssertRejected(Decision decision, RejectionKind kind, string reason)
    {
        var rejected = Assert.IsType<Decision.Rejected>(decision);
        Assert.Equal(kind, rejected.Kind);
        Assert.Contains(reason, rejected.Reason);
    }
}

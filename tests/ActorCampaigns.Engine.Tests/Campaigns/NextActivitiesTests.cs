using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;

namespace ActorCampaigns.Engine.Tests.Campaigns;

/// <summary>What a campaign starts next, decided without actors.</summary>
public class NextActivitiesTests
{
    private static readonly CampaignId Id = new("c-1");
    private static readonly DateTime Now = new(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
    private static readonly ExecutionId First = new("e-1");

    /// <summary>
    /// fr -> hold (a wait) -> mail -> done, and de -> combined (a union, which streams) -> done: a chain of activities
    /// that stream, and ones that wait for their whole inbound population.
    /// </summary>
    private static readonly CampaignDocument Document = CampaignValidator.Validate("""
        {
          "name": "Next", "schedule": { "type": "signal" },
          "activities": [
            { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
            { "id": "hold", "type": "wait", "duration": "PT1H" },
            { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } },
            { "id": "de", "type": "buildAudience", "filter": "country = 'DE'" },
            { "id": "both", "type": "combine", "mode": "union" },
            { "id": "done", "type": "end" }
          ],
          "transitions": [
            { "from": "fr", "to": "hold" }, { "from": "hold", "to": "mail" }, { "from": "mail", "to": "done" },
            { "from": "fr", "to": "both" }, { "from": "de", "to": "both" }, { "from": "both", "to": "done" }
          ]
        }
        """, ProfileSchema.Core).Document!;

    private static readonly ExecutionPlan Plan = new(Document);

    private static CampaignState State(params ICampaignCommand[] commands)
    {
        var state = CampaignState.Empty(Id);
        foreach (var command in new ICampaignCommand[] { new Create(Id, Document), new Publish(Id), new Trigger(Id, new Dictionary<string, VariableValue>()) }.Concat(commands))
            state = Assert.IsType<Decision.Accepted>(state.Decide(command, Now)).Events.Aggregate(state, (s, e) => s.Apply(e));
        return state;
    }

    private static ICampaignCommand Completed(string activity) => new CompleteActivity(Id, First, activity, ActivityCounts.None);

    private static CampaignRuntime Runtime(string[]? running = null, string[]? waiting = null, string[]? children = null, bool held = false,
        bool? slotted = null) => new(
        new Dictionary<ExecutionId, IReadOnlySet<string>> { [First] = (running ?? []).ToHashSet() },
        (waiting ?? []).Select(a => (First, a)).ToHashSet(),
        (children ?? []).Select(a => NextActivities.ActorName(First, a)).ToHashSet(),
        held ? new HashSet<ExecutionId> { First } : [],
        slotted switch { null => null, true => new HashSet<ExecutionId> { First }, false => new HashSet<ExecutionId>() });

    private static string[] Started(NextSteps steps) => steps.Starts.Select(s => s.Activity.Id).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_new_execution_starts_its_sources_and_what_streams_from_them_but_not_what_needs_a_whole_population()
    {
        var steps = NextActivities.Decide(State(), Plan, Runtime());
        // The union streams what fr and de write; the wait needs all of fr; the end needs all of both.
        Assert.Equal(["both", "de", "fr"], Started(steps));
        Assert.All(steps.Starts, s => Assert.Empty(s.Done));
        Assert.Empty(steps.RequestSlot);
        Assert.Empty(steps.ReleaseSlot);
    }

    [Fact]
    public void Running_activities_are_not_started_again_and_a_done_activity_releases_the_next()
    {
        var state = State(Completed("fr"));
        var steps = NextActivities.Decide(state, Plan, Runtime(running: ["de", "both"]));
        var hold = Assert.Single(steps.Starts);
        Assert.Equal("hold", hold.Activity.Id);
        Assert.Equal(["fr"], hold.Done);
        Assert.Equal(First, hold.Execution.Id);
    }

    [Fact]
    public void A_wait_whose_time_has_not_come_and_an_activity_whose_earlier_actor_is_still_stopping_wait_their_turn()
    {
        var state = State(Completed("fr"), Completed("de"));
        Assert.Equal(["both"], Started(NextActivities.Decide(state, Plan, Runtime(waiting: ["hold"]))));
        Assert.Equal(["hold"], Started(NextActivities.Decide(state, Plan, Runtime(children: ["both"]))));
        Assert.Equal(["both", "hold"], Started(NextActivities.Decide(state, Plan, Runtime())));
    }

    [Fact]
    public void With_slots_an_execution_asks_for_one_first_and_gives_it_back_once_nothing_of_it_runs()
    {
        var asking = NextActivities.Decide(State(), Plan, Runtime(slotted: false));
        Assert.Equal([First], asking.RequestSlot);
        Assert.Equal((0, 0), (asking.Starts.Count, asking.ReleaseSlot.Count));

        var granted = NextActivities.Decide(State(), Plan, Runtime(slotted: true));
        Assert.Equal((0, 3, 0), (granted.RequestSlot.Count, granted.Starts.Count, granted.ReleaseSlot.Count));

        // fr and de done, the union still stopping, the wait waiting: nothing runs, the slot goes back.
        var idle = NextActivities.Decide(State(Completed("fr"), Completed("de")), Plan, Runtime(waiting: ["hold"], children: ["both"], slotted: true));
        Assert.Equal((0, 0), (idle.RequestSlot.Count, idle.Starts.Count));
        Assert.Equal([First], idle.ReleaseSlot);

        // Still running: the slot stays.
        Assert.Empty(NextActivities.Decide(State(Completed("fr")), Plan, Runtime(running: ["de", "both", "hold"], slotted: true)).ReleaseSlot);
    }

    [Fact]
    public void A_held_paused_or_draft_execution_starts_nothing()
    {
        Assert.Empty(NextActivities.Decide(State(), Plan, Runtime(held: true)).Starts);
        Assert.Empty(NextActivities.Decide(State(new Pause(Id)), Plan, Runtime()).Starts);
        var draft = Assert.IsType<Decision.Accepted>(CampaignState.Empty(Id).Decide(new Create(Id, Document), Now)).Events
            .Aggregate(CampaignState.Empty(Id), (s, e) => s.Apply(e));
        Assert.Equal(NextSteps.None, NextActivities.Decide(CampaignState.Empty(Id), Plan, Runtime()));
        Assert.Empty(NextActivities.Decide(draft, Plan, Runtime()).Starts);
    }

    [Fact]
    public void A_channel_streams_what_feeds_it_in_a_live_run_but_not_in_a_test_run()
    {
        var document = CampaignValidator.Validate("""
            { "name": "Mail", "schedule": { "type": "signal" },
              "activities": [ { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
                { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "fr", "to": "mail" } ] }
            """, ProfileSchema.Core).Document!;
        CampaignState Run(params ICampaignCommand[] commands) => commands.Aggregate(CampaignState.Empty(Id),
            (state, command) => Assert.IsType<Decision.Accepted>(state.Decide(command, Now)).Events.Aggregate(state, (s, e) => s.Apply(e)));
        var plan = new ExecutionPlan(document);

        var live = Run(new Create(Id, document), new Publish(Id), new Trigger(Id, new Dictionary<string, VariableValue>()));
        Assert.Equal(["fr", "mail"], Started(NextActivities.Decide(live, plan, Runtime())));
        var test = Run(new Create(Id, document), new StartTest(Id));
        Assert.Equal(["fr"], Started(NextActivities.Decide(test, plan, Runtime())));
    }
}

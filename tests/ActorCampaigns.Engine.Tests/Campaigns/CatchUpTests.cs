using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;
using static ActorCampaigns.Engine.Campaigns.CampaignEvents;

namespace ActorCampaigns.Engine.Tests.Campaigns;

/// <summary>A daily campaign whose nodes were down for 8 days: what each catch-up policy runs and skips.</summary>
public sealed class CatchUpTests
{
    private static readonly CampaignId Id = new("c-daily");
    private static readonly DateTime Published = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime First = Published.AddHours(1);

    private static CampaignState Daily(string? catchUp)
    {
        var schedule = $$"""{ "type": "recurring", "cron": "0 9 * * *", "timeZone": "UTC"{{(catchUp is null ? "" : $", \"catchUp\": \"{catchUp}\"")}} }""";
        var document = CampaignValidator.Validate($$"""
            { "name": "Daily", "schedule": {{schedule}}, "activities": [
                { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """, ProfileSchema.Core).Document!;
        var state = CampaignState.Empty(Id);
        foreach (var (command, at) in new (ICampaignCommand, DateTime)[] { (new Create(Id, document), Published), (new Publish(Id), Published),
                     (new StartScheduled(Id, First), First.AddSeconds(1)) })
            state = Accepted(state, at, command);
        // The first occurrence ran and completed; then the nodes were down for 8 days.
        var execution = state.Executions[0].Id;
        foreach (var activity in new[] { "all", "mail" })
            state = Accepted(state, First.AddMinutes(1), new CompleteActivity(Id, execution, activity, ActivityCounts.None));
        return state;
    }

    /// <summary>The state after <paramref name="command"/>, which must be accepted.</summary>
    private static CampaignState Accepted(CampaignState state, DateTime at, ICampaignCommand command)
    {
        var (after, decision) = CampaignStates.Run(state, at, command);
        Assert.IsType<Decision.Accepted>(decision);
        return after;
    }

    private static IReadOnlyList<ICampaignEvent> Back(CampaignState state, TimeSpan late) =>
        ((Decision.Accepted)state.Decide(new StartScheduled(Id, state.NextDue!.Value), First.AddDays(8) + late)).Events;

    [Fact]
    public void Latest_the_default_runs_the_most_recent_missed_occurrence_once_and_skips_the_seven_before()
    {
        var events = Back(Daily(null), TimeSpan.FromMinutes(30));
        var skipped = Assert.IsType<OccurrencesSkipped>(events[0]);
        Assert.Equal((7, First.AddDays(1), First.AddDays(7), CatchUp.Latest), (skipped.Count, skipped.First, skipped.Through, skipped.CatchUp));
        Assert.Equal(First.AddDays(8), Assert.IsType<ExecutionStarted>(Assert.Single(events.Skip(1))).Due);
        var after = events.Aggregate(Daily(null), (s, e) => s.Apply(e));
        Assert.Equal(First.AddDays(9), after.NextDue);
        Assert.Contains("skipped 7 occurrences due from 2026-12-02T09:00:00", after.Log![^2].Message);
    }

    [Fact]
    public void All_runs_the_missed_occurrences_one_after_the_other()
    {
        var state = Daily("all");
        var started = new List<DateTime>();
        for (var i = 0; i < 8; i++)
        {
            var events = Back(state, TimeSpan.FromMinutes(30));
            started.Add(Assert.IsType<ExecutionStarted>(Assert.Single(events)).Due!.Value);
            state = events.Aggregate(state, (s, e) => s.Apply(e));
        }
        Assert.Equal(Enumerable.Range(1, 8).Select(d => First.AddDays(d)), started);
    }

    [Fact]
    public void None_skips_every_occurrence_more_than_five_minutes_late_and_runs_one_that_is_not()
    {
        var late = Back(Daily("none"), TimeSpan.FromMinutes(30));
        Assert.Equal(8, Assert.IsType<OccurrencesSkipped>(Assert.Single(late)).Count);
        var onTime = Back(Daily("none"), TimeSpan.FromMinutes(4));
        Assert.Equal(7, Assert.IsType<OccurrencesSkipped>(onTime[0]).Count);
        Assert.Equal(First.AddDays(8), Assert.IsType<ExecutionStarted>(onTime[1]).Due);
    }

    [Fact]
    public void An_unknown_policy_is_a_located_error()
    {
        var errors = CampaignValidator.Validate("""
            { "name": "Daily", "schedule": { "type": "recurring", "cron": "0 9 * * *", "catchUp": "some" },
              "activities": [ { "id": "all", "type": "buildAudience" } ], "transitions": [] }
            """, ProfileSchema.Core).Errors;
        Assert.Contains(errors, e => e.Path == "$.schedule.catchUp" && e.Message == "'some' is not one of latest, all, none");
    }
}

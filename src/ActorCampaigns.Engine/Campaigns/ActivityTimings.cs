using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// How long an activity of an execution took: from its run's start (or, not known, from when what feeds it was complete:
/// the execution's start for a source) to its completion; null while it is not done.
/// </summary>
public sealed record ActivityTiming(string Id, string Kind, ActivityState State, DateTime? From, DateTime? To, ActivityCounts Counts, bool Estimated)
{
    public double? Seconds => From is { } from && To is { } to ? Math.Max(0, (to - from).TotalSeconds) : null;
}

/// <summary>The timings of an execution's activities, slowest first, those not done last: what <c>acctl campaign trace</c> prints.</summary>
public static class ActivityTimings
{
    public static IReadOnlyList<ActivityTiming> Of(CampaignDocument document, ExecutionView execution) => document.Activities
        .Where(a => execution.Activities.ContainsKey(a.Id))
        .Select(activity =>
        {
            var view = execution.Activities[activity.Id];
            var fed = document.Transitions.Where(t => t.To == activity.Id).Select(t => execution.Activities.GetValueOrDefault(t.From)?.CompletedAt).ToList();
            var ready = fed.Count == 0 ? execution.StartedAt : fed.All(c => c is not null) ? fed.Max() : null;
            return new ActivityTiming(activity.Id, ActivityKinds.Of(activity).Type, view.State, view.StartedAt ?? ready, view.CompletedAt, view.Counts,
                view.StartedAt is null);
        })
        .OrderBy(t => t.Seconds is null)
        .ThenByDescending(t => t.Seconds)
        .ToList();
}

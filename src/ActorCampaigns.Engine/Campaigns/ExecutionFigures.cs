using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>How far an execution has got, in a few figures: activities done, running and failed, profiles that entered, messages sent.</summary>
public sealed record ExecutionFigures(int Activities, int Done, IReadOnlyList<string> Running, IReadOnlyList<string> Failed, long Profiles, long Sent)
{
    public static ExecutionFigures Of(CampaignDocument? document, ExecutionView execution)
    {
        var views = (document?.Activities ?? []).Select(a => (Activity: a, View: execution.Activities.GetValueOrDefault(a.Id))).ToList();
        return new ExecutionFigures(
            views.Count,
            views.Count(v => v.View?.State is ActivityState.Completed or ActivityState.Skipped or ActivityState.Held),
            views.Where(v => v.View?.State is ActivityState.Running or ActivityState.Waiting).Select(v => v.Activity.Id).ToList(),
            views.Where(v => v.View?.State is ActivityState.Failed).Select(v => v.Activity.Id).ToList(),
            views.Where(v => v.Activity.IsSource).Sum(v => v.View?.Counts.Out.Values.Sum() ?? 0),
            views.Where(v => v.Activity is ChannelActivity).Sum(v => v.View?.Counts.Out.GetValueOrDefault(Transition.DefaultPort) ?? 0));
    }
}

using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// The canvas of a (valid) campaign as an execution walks it: which ports feed each activity, and which activities
/// can run once others are done. An activity runs when every activity feeding it is done.
/// </summary>
public sealed class ExecutionPlan(CampaignDocument document)
{
    public CampaignDocument Document { get; } = document;

    public IReadOnlySet<string> ChannelActivities { get; } = document.Activities.OfType<ChannelActivity>().Select(a => a.Id).ToHashSet();

    public IReadOnlyList<(string Activity, string Port)> InboundOf(string activity) =>
        Document.Transitions.Where(t => t.To == activity).Select(t => (t.From, t.Port)).Distinct().ToList();

    /// <summary>Activities not done and not running whose inbound activities are all done, in canvas order.</summary>
    public IEnumerable<Activity> Ready(IReadOnlySet<string> done, IReadOnlySet<string> running) =>
        Document.Activities.Where(a => !done.Contains(a.Id) && !running.Contains(a.Id) && InboundOf(a.Id).All(i => done.Contains(i.Activity)));
}

using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// Activity failures a campaign's journal could not record (its disk was full, say). A campaign actor stops when a
/// write to its journal fails; the one started after it shows these failures and runs nothing of their executions
/// until the campaign is resumed, as if they had been recorded. Kept in the node's memory only: a node restarted
/// meanwhile runs those activities again, as after a crash.
/// </summary>
public sealed class UnrecordedFailures
{
    private readonly ConcurrentDictionary<CampaignId, ImmutableList<CampaignEvents.ActivityFailed>> _failures = new();

    public void Add(CampaignEvents.ActivityFailed failed) => _failures.AddOrUpdate(failed.Id, [failed], (_, known) => known.Add(failed));

    public IReadOnlyList<CampaignEvents.ActivityFailed> Of(CampaignId campaign) => _failures.GetValueOrDefault(campaign, []);

    public void Forget(CampaignId campaign) => _failures.TryRemove(campaign, out _);
}

using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Hosting;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// The summaries of the newest campaigns, as their entities wrote them to the campaign index: a list answers at the
/// speed of one query whatever any campaign is doing. A campaign with no summary yet (written by a node older than
/// summaries) is asked once, briefly; asking starts it, and it writes its summary as it recovers.
/// </summary>
public static class CampaignSummaries
{
    private static readonly TimeSpan AskBriefly = TimeSpan.FromSeconds(2);

    public static async Task<IReadOnlyList<CampaignSummary>> ListAsync(CampaignIndex index, IRequiredActor<CampaignRegion> region, CancellationToken cancel)
    {
        var listed = await index.ListAsync(500, cancel);
        return await Task.WhenAll(listed.Select(async c => (c.Summary is { } json ? CampaignSummary.FromJson(json) : null) ?? await AskAsync(region, c, cancel)));
    }

    private static async Task<CampaignSummary> AskAsync(IRequiredActor<CampaignRegion> region, IndexedCampaign campaign, CancellationToken cancel)
    {
        try
        {
            var state = await (await region.GetAsync(cancel)).Ask<CampaignState>(new CampaignQueries.GetState(new CampaignId(campaign.Id)), AskBriefly, cancel);
            return CampaignSummary.Of(state);
        }
        catch (AskTimeoutException)
        {
            return new CampaignSummary(campaign.Id, campaign.Name, "unknown", null, null, 0, null);
        }
    }
}

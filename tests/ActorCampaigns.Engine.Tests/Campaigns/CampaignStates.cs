using ActorCampaigns.Engine.Campaigns;
using Akka.Actor;
using Akka.TestKit;

namespace ActorCampaigns.Engine.Tests.Campaigns;

/// <summary>Following a campaign through its region in the specs.</summary>
internal static class CampaignStates
{
    /// <summary>The campaign's state once <paramref name="condition"/> holds, asked every 100 ms for at most <paramref name="timeout"/>.</summary>
    public static async Task<CampaignState> AwaitStateAsync(this TestKitBase kit, IActorRef region, CampaignId id, Func<CampaignState, bool> condition,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        CampaignState state = null!;
        await kit.AwaitConditionAsync(async () =>
        {
            state = await region.Ask<CampaignState>(new CampaignQueries.GetState(id), timeout, cancellationToken);
            return condition(state);
        }, timeout, TimeSpan.FromMilliseconds(100), cancellationToken: cancellationToken);
        return state;
    }
}

using ActorCampaigns.Engine.Campaigns;
using Akka.Actor;
using Akka.TestKit;

namespace ActorCampaigns.Engine.Tests.Campaigns;

/// <summary>Following a campaign through its region in the specs, or its pure state through commands in the tests.</summary>
internal static class CampaignStates
{
    /// <summary>Decides each command in turn on the state at <paramref name="at"/>, applies what was accepted; the state and the last decision.</summary>
    public static (CampaignState State, Decision Last) Run(CampaignState state, DateTime at, params ICampaignCommand[] commands)
    {
        Decision last = new Decision.Rejected(RejectionKind.Invalid, "no command");
        foreach (var command in commands)
        {
            last = state.Decide(command, at);
            if (last is Decision.Accepted accepted)
                state = accepted.Events.Aggregate(state, (s, e) => s.Apply(e));
        }
        return (state, last);
    }

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

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// What an activity did in one execution: profiles in over all inbound transitions, profiles out per port,
/// exclusions by reason (channel activities), and errors.
/// </summary>
public sealed record ActivityCounts(long In, IReadOnlyDictionary<string, long> Out, IReadOnlyDictionary<string, long> Excluded, long Errors)
{
    public static readonly ActivityCounts None = new(0, new Dictionary<string, long>(), new Dictionary<string, long>(), 0);
}

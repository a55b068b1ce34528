namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// The node's (the cluster's) global control group: <see cref="Percent"/> of all profiles, chosen by a keyed hash of
/// their id (<see cref="Hash"/>, keyed by <see cref="Key"/>, the same in every process and computable in SQL),
/// get no marketing message from any campaign: channel activities exclude them as <c>globalControl</c>, and
/// transactional messages pass. The same profiles stay in it for as long as the percent and the seed do not change.
/// </summary>
public sealed record GlobalControlGroup
{
    /// <summary>A profile is in the group when its key falls below this share of the key space (2^32).</summary>
    private readonly long _below;

    public GlobalControlGroup(double percent, int seed)
    {
        if (!double.IsFinite(percent) || percent is < 0 or > 50)
            throw new ArgumentOutOfRangeException(nameof(percent), percent,
                "ActorCampaigns:GlobalControlGroup:Percent must be between 0 and 50 (a share of all profiles kept from every marketing message)");
        (Percent, Seed) = (percent, seed);
        // The seed is mixed into a key of 32 bits that all count (see Hash): seeds 42 and 43 must pick other profiles.
        Key = Seeds.For("global-control-group", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "key");
        _below = (long)Math.Round(percent / 100 * (1L << 32));
    }

    public double Percent { get; }

    public int Seed { get; }

    /// <summary>The key of the <see cref="Hash"/>.</summary>
    public int Key { get; }

    /// <summary>A profile's place in [0, 2^32), keyed by <see cref="Key"/> (<see cref="Seeds.Spread"/>).</summary>
    public long Hash(long profile) => Seeds.Spread(profile, Key);

    public bool Holds(long profile) => Hash(profile) < _below;
}

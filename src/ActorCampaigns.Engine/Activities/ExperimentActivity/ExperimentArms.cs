using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Which arm of an experiment a profile is in, for one execution: its place in [0, 2^32) under the key of the
/// campaign, execution and activity
/// (<see cref="Seeds.Spread"/>, the same in every process, after a crash, and in SQL); the arms take consecutive
/// shares of that space by their percents, in order, and what is past the last is held back.
/// </summary>
public sealed class ExperimentArms
{
    private readonly long[] _bounds;
    private readonly IReadOnlyList<string> _names;

    public ExperimentArms(ExperimentActivity experiment, string campaign, string execution)
    {
        Key = KeyOf(campaign, execution, experiment.Id);
        _names = experiment.Arms.Select(a => a.Name).ToList();
        var cumulative = 0.0;
        _bounds = experiment.Arms.Select(a => (long)Math.Round((cumulative += a.Percent) / 100 * (1L << 32))).ToArray();
    }

    /// <summary>The key of <see cref="Seeds.Spread"/> for this execution's experiment.</summary>
    public int Key { get; }

    /// <summary>Each campaign's executions draw their own arms: the key names the campaign, the execution and the experiment.</summary>
    public static int KeyOf(string campaign, string execution, string experiment) => Seeds.For($"{campaign}/{execution}", experiment, "arms");

    /// <summary>The upper bound (excluded) of each arm's share of [0, 2^32), in order; the first starts at 0.</summary>
    public IReadOnlyList<long> Bounds => _bounds;

    /// <summary>The arm's port, or <see cref="ExperimentActivity.Holdback"/>.</summary>
    public string Of(long profile)
    {
        var place = Seeds.Spread(profile, Key);
        for (var arm = 0; arm < _bounds.Length; arm++)
        {
            if (place < _bounds[arm])
                return _names[arm];
        }
        return ExperimentActivity.Holdback;
    }
}

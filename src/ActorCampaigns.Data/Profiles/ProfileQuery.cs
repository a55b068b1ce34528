using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Data.Profiles;

/// <summary>
/// Which profiles to stream and what travels with them: a bound filter (null: everyone), the context it is
/// evaluated in, the attribute columns to read besides the id, the batch size, and the ids to look at (one partition's).
/// </summary>
public sealed record ProfileQuery(Bound? Filter, EvaluationContext Context, IReadOnlyList<string> Columns, int BatchSize = 10_000, IdRange? Ids = null);

/// <summary>Profile ids from <paramref name="From"/> (included) to <paramref name="To"/> (excluded).</summary>
public sealed record IdRange(long From, long To)
{
    public bool Contains(long id) => id >= From && id < To;
}

using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Data.Profiles;

/// <summary>
/// Which profiles to stream and what travels with them: a bound filter (null: everyone), the context it is
/// evaluated in, the attribute columns to read besides the id, and the batch size.
/// </summary>
public sealed record ProfileQuery(Bound? Filter, EvaluationContext Context, IReadOnlyList<string> Columns, int BatchSize = 10_000);

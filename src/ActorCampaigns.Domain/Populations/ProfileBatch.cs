using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Domain.Populations;

/// <summary>The values of one column for each profile of a batch, in the batch's id order.</summary>
public sealed record PopulationColumn(string Name, ExprType Type, object?[] Values);

/// <summary>
/// A slice of a population: ids in ascending order plus the columns that travel with them.
/// Populations move between activities as batches of thousands, never one message per profile.
/// </summary>
public sealed record ProfileBatch(long[] Ids, IReadOnlyList<PopulationColumn> Columns)
{
    public int Count => Ids.Length;

    public PopulationColumn? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);

    /// <summary>Rows of this batch for which <paramref name="filter"/> is true (null and false drop the row).</summary>
    public IEnumerable<int> Matching(Bound? filter, EvaluationContext context)
    {
        if (filter is null)
            return Enumerable.Range(0, Count);
        var predicate = Evaluator.Compile(filter, context, name =>
        {
            var values = (Column(name) ?? throw new InvalidOperationException($"column '{name}' does not travel with this population")).Values;
            return row => values[row];
        });
        return Enumerable.Range(0, Count).Where(row => predicate(row) is true);
    }
}

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
        var keep = Predicate(filter, context);
        return Enumerable.Range(0, Count).Where(keep);
    }

    /// <summary>Whether a row passes <paramref name="filter"/>; no filter passes every row.</summary>
    public Func<int, bool> Predicate(Bound? filter, EvaluationContext context)
    {
        if (filter is null)
            return _ => true;
        var evaluate = Evaluator.Compile(filter, context, name =>
        {
            var values = ValuesOf(name);
            return row => values[row];
        });
        return row => evaluate(row) is true;
    }

    /// <summary>The values of a travelling column; a column the population does not carry is a bug upstream.</summary>
    public object?[] ValuesOf(string name) =>
        (Column(name) ?? throw new InvalidOperationException($"column '{name}' does not travel with this population")).Values;
}

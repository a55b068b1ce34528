using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Activities;

/// <summary>Orders rows of a population by one column, ascending or descending, nulls last, ties by id ascending.</summary>
public static class RowOrder
{
    public static int[] By(ProfileBatch population, IEnumerable<int> rows, string column, bool descending)
    {
        var values = population.ValuesOf(column);
        var ordered = rows.ToArray();
        Array.Sort(ordered, (a, b) =>
        {
            var (x, y) = (values[a], values[b]);
            var byValue = (x, y) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => (descending ? -1 : 1) * Evaluator.Compare(x, y)!.Value,
            };
            return byValue != 0 ? byValue : population.Ids[a].CompareTo(population.Ids[b]);
        });
        return ordered;
    }
}

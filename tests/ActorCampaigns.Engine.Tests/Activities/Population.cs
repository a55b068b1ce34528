using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Tests.Activities;

/// <summary>A small population whose expected splits and deduplications are counted by hand in the tests.</summary>
internal static class Population
{
    //   id  email  country  score
    //    1  a@x    FR       5
    //    2  b@x    FR       null
    //    3  a@x    DE       7
    //    4  null   FR       1
    //    5  c@x    IT       7
    //    6  b@x    DE       2
    //    7  null   DE       9
    //    8  a@x    FR       5
    //    9  d@x    FR       3
    //   10  c@x    DE       0
    public static readonly ProfileBatch Ten = new(
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        [
            new PopulationColumn("email", ExprType.String, ["a@x", "b@x", "a@x", null, "c@x", "b@x", null, "a@x", "d@x", "c@x"]),
            new PopulationColumn("country", ExprType.String, ["FR", "FR", "DE", "FR", "IT", "DE", "DE", "FR", "FR", "DE"]),
            new PopulationColumn("score", ExprType.Int, [5L, null, 7L, 1L, 7L, 2L, 9L, 5L, 3L, 0L]),
        ]);

    public static readonly BindingScope Scope = new(
        new Dictionary<string, ExprType> { ["email"] = ExprType.String, ["country"] = ExprType.String, ["score"] = ExprType.Int },
        BindingScope.NoVariables);

    public static readonly EvaluationContext Context = EvaluationContext.At(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));
}

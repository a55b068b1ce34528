using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Expressions;

public class EvaluatorTests
{
    private static readonly BindingScope Scope = BindingScope.ForProfiles(ProfileSchema.Core.With([("score", AttributeType.Int)]));

    private static object? Evaluate(string expression, Dictionary<string, object?> row)
    {
        var (bound, error) = Expression.Check(expression, Scope);
        Assert.Null(error);
        var now = new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc);
        return Evaluator.Compile(bound!, EvaluationContext.At(now), name => _ => row.GetValueOrDefault(name))(0);
    }

    [Theory]
    [InlineData("score > 1 and country = 'FR'", null)]
    [InlineData("score > 1 or country = 'FR'", true)]
    [InlineData("score < 1 and country = 'FR'", false)]
    [InlineData("not (country = 'FR')", null)]
    [InlineData("country is null", true)]
    [InlineData("score in (1, 5, null)", true)]
    [InlineData("score in (1, null)", null)]
    [InlineData("score not in (1, 2)", true)]
    [InlineData("score / 0 is null", true)]
    [InlineData("score / 2 = 2", true)]
    [InlineData("score * 1.5 = 7.5", true)]
    [InlineData("score between 5 and 5", true)]
    [InlineData("firstName like 'z_\u00c9%'", true)]
    [InlineData("firstName like 'z_\u00e9%'", false)]
    [InlineData("firstName like 'zo'", false)]
    [InlineData("lower(firstName) = 'zo\u00c9'", true)]
    [InlineData("length(firstName) = 3", true)]
    [InlineData("birthDate < createdAt", true)]
    [InlineData("createdAt > daysAgo(1)", false)]
    public void Three_valued_logic_as_in_sql(string expression, bool? expected)
    {
        var row = new Dictionary<string, object?>
        {
            ["score"] = 5L,
            ["firstName"] = "ZO\u00c9",
            ["birthDate"] = new DateOnly(1990, 1, 1),
            ["createdAt"] = new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc),
        };
        Assert.Equal(expected, Evaluate(expression, row));
    }

    [Fact]
    public void Strings_compare_by_code_point()
    {
        Assert.True(Evaluator.CompareCodePoints("\uFF21", "\U0001F600") < 0);
        Assert.True(string.CompareOrdinal("\uFF21", "\U0001F600") > 0);
    }
}

using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Expressions;

public class SqlCompilerTests
{
    private static readonly BindingScope Scope = BindingScope.ForProfiles(ProfileSchema.Core,
        new Dictionary<string, ExprType> { ["region"] = ExprType.String });

    private static readonly EvaluationContext Context = new(new DateTime(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc),
        new Dictionary<string, object?> { ["region"] = "Bretagne'; drop table profiles; --" });

    private const string Filter =
        "country in ('XQ', 'ZB') and city = 'O''Brien; drop table profiles; --' and firstName like 'Zo%' " +
        "and birthDate > date('1987-06-05') and createdAt < timestamp('2025-03-04T05:06:07Z') " +
        "and length(lastName) between 424242 and 515151 and contains(email, 'gmail') and language != vars.region " +
        "and emailOptIn = true and createdAt > daysAgo(777)";

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.PostgreSql)]
    public void No_literal_of_the_filter_appears_in_the_sql_text(SqlDialect dialect)
    {
        var (bound, error) = Expression.CheckFilter(Filter, Scope);
        Assert.Null(error);
        var sql = SqlCompiler.Compile(bound!, dialect, Context);
        foreach (var literal in new[] { "XQ", "ZB", "O'Brien", "drop", "Zo%", "1987", "2025", "424242", "515151", "gmail", "Bretagne", "true", "777" })
            Assert.DoesNotContain(literal, sql.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(sql.Parameters, p => Equals(p.Value, "O'Brien; drop table profiles; --"));
        Assert.Contains(sql.Parameters, p => Equals(p.Value, "Bretagne'; drop table profiles; --"));
        Assert.Equal(16, sql.Parameters.Count); // daysAgo reads its argument twice and keeps to the calendar with two more
    }

    [Fact]
    public void Sqlite_values_are_encoded_as_stored()
    {
        var (bound, _) = Expression.CheckFilter("birthDate = date('1970-01-11') and emailOptIn = true and createdAt = timestamp('1970-01-01T00:00:01Z')", Scope);
        var sql = SqlCompiler.Compile(bound!, SqlDialect.Sqlite, Context);
        Assert.Equal([10L, 1L, 1_000_000L], sql.Parameters.Select(p => p.Value));
    }

    [Fact]
    public void Column_names_are_quoted_and_resolved_by_the_caller()
    {
        var (bound, _) = Expression.CheckFilter("country = 'FR'", Scope);
        Assert.StartsWith("(\"country\" = ", SqlCompiler.Compile(bound!, SqlDialect.Sqlite, Context).Text);
        Assert.StartsWith("(p.\"country\" COLLATE \"C\" = ", SqlCompiler.Compile(bound!, SqlDialect.PostgreSql, Context, c => "p." + SqlCompiler.QuoteIdentifier(c)).Text);
    }
}

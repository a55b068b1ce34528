using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Domain.Tests.Expressions;

/// <summary>
/// Every bound an attacker could reach through an expression is a located validation error, or works on SQLite and in
/// memory alike: never a database error, an exception or a crash at run time.
/// </summary>
public sealed class LimitTests(SqliteProfiles profiles) : IClassFixture<SqliteProfiles>
{
    private async Task<long> CountAsync(string filter)
    {
        var (bound, error) = Expression.CheckFilter(filter, profiles.Scope);
        Assert.True(error is null, $"{filter}: {error}");
        return await profiles.Store.CountAsync(bound, SqliteProfiles.Context);
    }

    private List<long> InMemory(string filter, IReadOnlyDictionary<string, object?> row)
    {
        var (bound, error) = Expression.CheckFilter(filter, profiles.Scope);
        Assert.True(error is null, $"{filter}: {error}");
        var evaluate = Evaluator.Compile(bound!, SqliteProfiles.Context, name => _ => row.GetValueOrDefault(name));
        return evaluate(0) is true ? [1] : [];
    }

    private ExpressionError Refused(string filter)
    {
        var (bound, error) = Expression.CheckFilter(filter, profiles.Scope);
        Assert.Null(bound);
        return error!;
    }

    [Theory]
    [InlineData(Parser.MaxLikePattern + 1)]
    [InlineData(50_001)]
    public void A_literal_like_pattern_over_the_limit_is_a_validation_error_at_the_pattern(int length)
    {
        var error = Refused("country like '" + new string('%', length) + "'");
        Assert.Equal(14, error.Column);
        Assert.Contains($"longer than {Parser.MaxLikePattern} characters", error.Message);
    }

    [Fact]
    public async Task A_literal_like_pattern_at_the_limit_runs_on_sqlite()
    {
        Assert.Equal(3, await CountAsync("email like '" + new string('%', Parser.MaxLikePattern) + "'"));
        Assert.Equal(3, await CountAsync("country not like '" + new string('_', Parser.MaxLikePattern - 3) + "%é'"));
    }

    [Theory]
    [InlineData("email like tier")] // profile 2's tier is 60,000 characters long
    [InlineData("email like vars.text")]
    [InlineData("tier like lower(tier)")]
    public async Task A_pattern_read_at_run_time_over_the_limit_matches_nothing_on_sqlite_and_in_memory(string filter)
    {
        var longTier = new string('%', SqliteProfiles.LongTier);
        Assert.Equal(0, await CountAsync($"({filter}) is not null and tier = '{longTier}'"));
        var row = new Dictionary<string, object?> { ["email"] = "x", ["tier"] = longTier };
        Assert.Empty(InMemory($"({filter}) is not null", row));
    }

    [Fact]
    public async Task A_pattern_read_at_run_time_within_the_limit_still_matches()
    {
        Assert.Equal(1, await CountAsync("'_' like tier")); // profile 4's tier is '_'
        Assert.Equal([1], InMemory("email like tier", new Dictionary<string, object?> { ["email"] = "ab", ["tier"] = "a%" }));
    }

    [Fact]
    public void More_values_than_the_limit_is_a_validation_error_at_the_first_one_too_many()
    {
        var lists = Enumerable.Range(0, Parser.MaxValues / Parser.MaxListItems + 1)
            .Select(_ => "score in (" + string.Join(",", Enumerable.Repeat("1", Parser.MaxListItems)) + ")");
        var text = string.Join(" or ", lists);
        var error = Refused(text);
        Assert.Contains($"more than {Parser.MaxValues} values", error.Message);
        Assert.Equal(text.LastIndexOf('(') + 2, error.Column);
    }

    [Fact]
    public async Task The_most_values_allowed_run_on_sqlite()
    {
        var lists = Enumerable.Range(0, Parser.MaxValues / Parser.MaxListItems)
            .Select(i => $"score in ({string.Join(",", Enumerable.Range(i * Parser.MaxListItems, Parser.MaxListItems))})");
        Assert.Equal(1, await CountAsync(string.Join(" or ", lists)));
    }

    [Theory]
    [InlineData("ratio > 1" + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000.5", 9, "too large")]
    [InlineData("score > 9223372036854775808", 9, "too large")]
    [InlineData("joined > date('99999-01-01')", 15, "is not a date")]
    [InlineData("seen > timestamp('0001-01-01T00:00:00+01:00')", 18, "not an ISO 8601 timestamp")]
    public void Numbers_and_dates_out_of_range_are_validation_errors(string filter, int column, string message)
    {
        var error = Refused(filter);
        Assert.Equal(column, error.Column);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("seen < daysAgo(score)", 1)] // only profile 1's score, 7, is a number of days within the calendar
    [InlineData("seen > daysAgo(9223372036854775807)", 0)]
    [InlineData("seen > daysAgo(-9223372036854775807)", 0)]
    [InlineData("seen < daysAgo(-3000000)", 0)]
    [InlineData("seen < daysAgo(740000)", 0)]
    [InlineData("(seen < daysAgo(740000)) is null", 4)]
    [InlineData("daysAgo(740000) is null and daysAgo(-3000000) is null and daysAgo(739000) is not null", 4)]
    public async Task Days_ago_beyond_the_calendar_is_null_on_sqlite(string filter, long expected) =>
        Assert.Equal(expected, await CountAsync(filter));

    [Theory]
    [InlineData("score / 0 is null or score * 2 > 0")]
    [InlineData("(score - 1) / -1 is not null")]
    [InlineData("score * score > score + score")]
    [InlineData("ratio * ratio > 0")]
    public async Task Arithmetic_on_extreme_values_runs_on_sqlite(string filter) => await CountAsync(filter);

    [Theory]
    [InlineData("seen > daysAgo(score)")]
    [InlineData("seen > daysAgo(9223372036854775807)")]
    [InlineData("seen > daysAgo(-9223372036854775807)")]
    [InlineData("(score - 1) / -1 = 0")]
    [InlineData("score * score > 0")]
    [InlineData("score + score > 0")]
    [InlineData("-score - score > 0")]
    public void Extreme_arithmetic_on_extreme_values_does_not_throw_in_memory(string filter)
    {
        foreach (var score in new long?[] { long.MinValue, long.MaxValue, -3_000_000, 0, null })
        {
            var row = new Dictionary<string, object?> { ["score"] = score, ["seen"] = DateTime.MinValue };
            _ = InMemory(filter, row);
        }
    }

    [Fact]
    public async Task A_string_literal_of_sixty_thousand_characters_runs_on_sqlite()
    {
        Assert.Equal(0, await CountAsync("tier = '" + new string('é', 60_000) + "' or contains(tier, '" + new string('x', 5_000) + "')"));
    }
}

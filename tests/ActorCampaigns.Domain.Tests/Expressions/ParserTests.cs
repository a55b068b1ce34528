using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Expressions;

public class ParserTests
{
    private static readonly BindingScope Profiles = BindingScope.ForProfiles(ProfileSchema.Core);

    [Theory]
    [InlineData("country = 'FR' and emailOptIn")]
    [InlineData("birthDate > date('2000-01-01')")]
    [InlineData("country in ('KP', 'IR', 'SY')")]
    [InlineData("not (email is null) or phone is not null")]
    [InlineData("lower(city) like 'par%' and length(firstName) between 2 and 10")]
    [InlineData("createdAt > daysAgo(30) and createdAt <= now()")]
    [InlineData("country NOT IN ('FR') AND NOT emailOptIn")]
    [InlineData("contains(email, '@') and startsWith(phone, '+33')")]
    [InlineData("createdAt > timestamp('2024-01-01T00:00:00Z') and birthDate < createdAt")]
    public void Valid_filters_bind_to_bool(string filter)
    {
        var (bound, error) = Expression.CheckFilter(filter, Profiles);
        Assert.Null(error);
        Assert.Equal(ExprType.Bool, bound!.Type);
    }

    [Theory]
    [InlineData("country = 'FR", 11, "unterminated string")]
    [InlineData("country = ", 11, "expected a value")]
    [InlineData("country = 'FR' and", 19, "expected a value")]
    [InlineData("country = 'FR')", 15, "unexpected ')'")]
    [InlineData("country in 'FR'", 12, "'(' to open the list")]
    [InlineData("email is nul", 10, "'null' after 'is'")]
    [InlineData("country ; 1", 9, "unexpected character ';'")]
    [InlineData("99999999999999999999 > 1", 1, "too large")]
    public void Syntax_errors_give_their_column(string text, int column, string message)
    {
        var (syntax, error) = Parser.Parse(text);
        Assert.Null(syntax);
        Assert.Equal(column, error!.Column);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Sql_injection_attempt_is_a_syntax_error()
    {
        var (_, error) = Expression.CheckFilter("country = ''; drop table profiles; --", Profiles);
        Assert.NotNull(error);
        Assert.Contains("unexpected character ';'", error.Message);
        Assert.Equal(13, error.Column);
    }

    [Fact]
    public void Injection_inside_a_string_literal_is_just_text()
    {
        var (bound, error) = Expression.CheckFilter("country = '''; drop table profiles; --'", Profiles);
        Assert.Null(error);
        var literal = Assert.IsType<BoundLiteral>(((BoundBinary)bound!).Right);
        Assert.Equal("'; drop table profiles; --", literal.Value);
    }

    public static TheoryData<string> DeepExpressions() => new()
    {
        new string('(', 10_000) + "emailOptIn" + new string(')', 10_000),
        string.Concat(Enumerable.Repeat("not ", 10_000)) + "emailOptIn",
        string.Join(" or ", Enumerable.Repeat("emailOptIn", 10_000)),
        "length(firstName) = " + string.Join(" + ", Enumerable.Repeat("1", 10_000)),
        "length(firstName) = " + string.Concat(Enumerable.Repeat("-", 10_000)) + "1",
        string.Concat(Enumerable.Repeat("lower(", 10_000)) + "city" + new string(')', 10_000) + " = 'x'",
    };

    [Theory]
    [MemberData(nameof(DeepExpressions))]
    public void Nesting_ten_thousand_deep_is_an_error_not_a_stack_overflow(string text)
    {
        var (bound, error) = Expression.CheckFilter(text, Profiles);
        Assert.Null(bound);
        Assert.True(error!.Message.Contains("nested deeper than") || error.Message.Contains("longer than"), error.ToString());
    }

    [Fact]
    public void A_long_chain_of_operators_is_bounded_by_depth_not_only_by_length()
    {
        var scope = BindingScope.ForProfiles(ProfileSchema.Core.With([("x", AttributeType.Bool)]));
        var (bound, error) = Expression.CheckFilter(string.Join(" or ", Enumerable.Repeat("x", 10_000)), scope);
        Assert.Null(bound);
        Assert.Contains("nested deeper than", error!.Message);
    }

    [Fact]
    public void Oversized_expression_is_refused()
    {
        var (_, error) = Parser.Parse("country = '" + new string('x', Parser.MaxLength) + "'");
        Assert.Contains("longer than", error!.Message);
    }

    [Fact]
    public void Keywords_are_case_insensitive_names_are_not()
    {
        Assert.Null(Expression.CheckFilter("emailOptIn AND Not smsOptIn", Profiles).Error);
        var (_, error) = Expression.CheckFilter("EmailOptIn", Profiles);
        Assert.Contains("did you mean 'emailOptIn'", error!.Message);
    }
}

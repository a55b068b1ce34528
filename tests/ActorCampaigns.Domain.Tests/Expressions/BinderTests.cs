using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Expressions;

public class BinderTests
{
    private static readonly ProfileSchema Schema = ProfileSchema.Core.With([("loyaltyTier", AttributeType.String), ("lifetimeValue", AttributeType.Number)]);

    private static readonly BindingScope Scope = BindingScope.ForProfiles(Schema,
        new Dictionary<string, ExprType> { ["discount"] = ExprType.String, ["minAge"] = ExprType.Int });

    [Theory]
    [InlineData("shoeSize > 40", 1, "unknown attribute 'shoeSize'")]
    [InlineData("country = 3", 9, "cannot compare string with int")]
    [InlineData("emailOptIn and country", 16, "the right side of 'and' must be bool, found string")]
    [InlineData("firstName + 1 > 2", 11, "'+' needs numbers, found string")]
    [InlineData("frobnicate(country)", 1, "unknown function 'frobnicate'")]
    [InlineData("lower(birthDate) = 'x'", 7, "the argument of lower must be string, found date")]
    [InlineData("birthDate > date('2000-13-01')", 18, "is not a date")]
    [InlineData("createdAt > timestamp('yesterday')", 23, "not an ISO 8601 timestamp")]
    [InlineData("length(country, city) = 2", 1, "takes 1 argument")]
    [InlineData("vars.unknown = 'x'", 1, "unknown variable 'vars.unknown'")]
    [InlineData("emailOptIn < smsOptIn", 12, "does not order bool")]
    [InlineData("country like 5", 14, "the pattern of 'like' must be string")]
    [InlineData("opened('mail')", 1, "not allowed here")]
    [InlineData("count(opened('*'))", 1, "enrich columns only")]
    [InlineData("date(country) > birthDate", 6, "must be a quoted string")]
    [InlineData("did(purchase)", 5, "must be a quoted string")]
    [InlineData("did('1purchase')", 5, "'1purchase' is not an event name")]
    [InlineData("did('purchase', 'P7X')", 17, "P7X")]
    [InlineData("did('purchase', 'P7D', 'x')", 1, "did takes an event name")]
    [InlineData("sum(did('purchase'), price) > 1", 1, "sum(did('purchase', 'P30D'), value)")]
    [InlineData("sum(did('purchase'), value)", 1, "a filter must be a condition (bool)")]
    [InlineData("count(did('purchase')) = 'x'", 24, "cannot compare int with string")]
    public void Type_errors_name_the_problem_and_its_column(string text, int column, string message)
    {
        var (bound, error) = Expression.CheckFilter(text, Scope);
        Assert.Null(bound);
        Assert.Equal(column, error!.Column);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Filter_must_be_a_condition()
    {
        var (_, error) = Expression.CheckFilter("lifetimeValue * 2", Scope);
        Assert.Contains("must be a condition", error!.Message);
    }

    [Fact]
    public void Dates_are_promoted_to_timestamps_and_integers_compare_with_numbers()
    {
        var (bound, _) = Expression.CheckFilter("birthDate < createdAt and lifetimeValue > 10", Scope);
        var and = (BoundBinary)bound!;
        Assert.IsType<BoundDateToTimestamp>(((BoundBinary)and.Left).Left);
        Assert.Equal(ExprType.Int, ((BoundBinary)and.Right).Right.Type);
    }

    [Fact]
    public void Null_takes_the_type_of_its_context()
    {
        var (bound, _) = Expression.CheckFilter("birthDate = null", Scope);
        Assert.Equal(ExprType.Date, ((BoundBinary)bound!).Right.Type);
    }

    [Fact]
    public void Feedback_predicates_need_a_channel_activity_of_the_campaign()
    {
        var scope = Scope with { FeedbackActivities = new HashSet<string> { "mail" } };
        Assert.IsType<BoundFeedback>(Expression.CheckFilter("opened('mail', 'P7D')", scope).Bound);
        Assert.IsType<BoundFeedback>(Expression.CheckFilter("clicked('*')", scope).Bound);
        Assert.Contains("not a channel activity", Expression.CheckFilter("opened('nudge')", scope).Error!.Message);
        Assert.Contains("ISO 8601 duration", Expression.CheckFilter("opened('mail', '7 days')", scope).Error!.Message);
        Assert.Equal(FeedbackKind.Sent, Assert.IsType<BoundFeedback>(Expression.CheckFilter("sent('mail')", scope).Bound).Kind);
        var count = Expression.Check("count(opened('*', 'P30D'))", scope with { AllowsAggregates = true }).Bound;
        Assert.Equal(ExprType.Int, count!.Type);
    }

    [Theory]
    [InlineData("opened('mail', 'P7D', machine: true)", true)]
    [InlineData("clicked('*', machine: false)", false)]
    [InlineData("opened('mail')", false)]
    public void Opens_and_clicks_count_machines_only_when_asked(string filter, bool machine)
    {
        var scope = Scope with { FeedbackActivities = new HashSet<string> { "mail" } };
        var (bound, error) = Expression.CheckFilter(filter, scope);
        Assert.Null(error);
        Assert.Equal(machine, Assert.IsType<BoundFeedback>(bound).Machine);
    }

    [Theory]
    [InlineData("opened('mail', machine: 1)", 16, "opened takes one named argument, machine: true or false")]
    [InlineData("opened('mail', robots: true)", 16, "opened takes one named argument, machine: true or false")]
    [InlineData("bounced('mail', machine: true)", 17, "bounced takes no named argument 'machine'")]
    [InlineData("lower(x: 'A') = 'a'", 7, "lower takes no named argument 'x'")]
    [InlineData("opened(machine: true, 'mail')", 23, "a positional argument of opened comes after a named one")]
    [InlineData("opened('mail', machine: true, 'P7D')", 31, "a positional argument of opened comes after a named one")]
    [InlineData("opened('mail', machine: true, machine: false)", 31, "opened is given 'machine:' twice")]
    public void A_named_argument_is_machine_after_the_others_of_opened_or_clicked(string filter, int column, string message)
    {
        var (_, error) = Expression.CheckFilter(filter, Scope with { FeedbackActivities = new HashSet<string> { "mail" } });
        Assert.Equal(column, error!.Column);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void What_a_profile_did_is_asked_only_over_profiles()
    {
        var conditions = new BindingScope(new Dictionary<string, ExprType> { ["count"] = ExprType.Int }, BindingScope.NoVariables);
        var (_, error) = Expression.CheckFilter("count > 10 and did('purchase')", conditions);
        Assert.Equal((16, "did(...) asks what a profile did, and is allowed only in expressions over profiles"), (error!.Column, error.Message));
        var (bound, none) = Expression.CheckFilter("sum(did('purchase', 'P30D'), value) > 9.5 or count(did('signup')) = 0", Scope);
        Assert.Null(none);
        Assert.Equal(ExprType.Bool, bound!.Type);
    }
}

using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>changeDimension and channels fed by an entity's rows: what each takes, what rides along, each error where it is.</summary>
public class ChangeDimensionValidationTests
{
    private static readonly Dictionary<string, ProfileSchema> Entities = new()
    {
        ["bookings"] = ProfileSchema.EntityCore.With([("profileId", AttributeType.Int), ("amount", AttributeType.Number), ("nights", AttributeType.Int),
            ("hotel", AttributeType.String), ("bookedOn", AttributeType.Date), ("refunded", AttributeType.Bool)]),
    };

    private const string Bookings = """{ "id": "rows", "type": "buildAudience", "entity": "bookings" }""";

    private const string Profiles = """{ "id": "rows", "type": "buildAudience" }""";

    private static string Email(string subject, string id = "mail") =>
        $$"""{ "id": "{{id}}", "type": "email", "content": { "from": "a@example.com", "subject": "{{subject}}", "html": "<p>Hi</p>" } }""";

    /// <summary>A chain: each activity feeds the next.</summary>
    private static ValidationResult Chain(params string[] activities)
    {
        var ids = activities.Select(a => System.Text.Json.JsonDocument.Parse(a).RootElement.GetProperty("id").GetString()).ToList();
        var transitions = ids.Zip(ids.Skip(1), (from, to) => $$"""{ "from": "{{from}}", "to": "{{to}}" }""");
        return CampaignValidator.Validate($$"""{ "name": "Dimensions", "activities": [ {{string.Join(", ", activities)}} ], "transitions": [ {{string.Join(", ", transitions)}} ] }""",
            ProfileSchema.Core, Entities);
    }

    [Fact]
    public void A_channel_fed_by_an_entitys_rows_reads_the_rows_columns_as_entity_and_the_profiles_attributes()
    {
        Assert.Empty(Chain(Bookings, Email("{{ firstName }}, your stay at {{ entity.hotel }}: {{ entity.amount }}")).Errors);
        var wrong = Assert.Single(Chain(Bookings, Email("{{ entity.price }}")).Errors);
        Assert.Equal(("$.activities[1].content.subject", "Liquid template: 'price' is not a column of bookings"), (wrong.Path, wrong.Message));
        var bare = Assert.Single(Chain(Bookings, Email("{{ entity }}")).Errors);
        Assert.Contains("'entity' needs a column of the rows", bare.Message);
        var profiles = Assert.Single(Chain(Profiles, Email("{{ entity.amount }}")).Errors);
        Assert.Equal("$.activities[1].content.subject", profiles.Path);
        Assert.Contains("'entity' is the row a message is for, and this activity takes profiles", profiles.Message);
    }

    [Fact]
    public void Rows_change_to_profiles_with_aggregates_that_ride_along_typed()
    {
        var result = Chain(Bookings,
            """{ "id": "people", "type": "changeDimension", "to": "profiles", "aggregates": [ { "name": "stays", "function": "count" }, { "name": "spent", "function": "sum", "column": "amount" }, { "name": "lastStay", "function": "max", "column": "bookedOn" }, { "name": "longest", "function": "max", "column": "nights" } ] }""",
            """{ "id": "big", "type": "enrich", "columns": { "big": "spent > 100 and stays >= 2 and longest > 3 and lastStay >= '2026-01-01'" } }""",
            Email("{{ firstName }}: {{ stays }} stays, {{ spent }}, {{ big }}"));
        Assert.Empty(result.Errors);
        var change = Assert.IsType<ChangeDimensionActivity>(result.Document!.Activities[1]);
        Assert.Equal([("stays", ExprType.Int), ("spent", ExprType.Number), ("lastStay", ExprType.String), ("longest", ExprType.Int)],
            ChangeDimensionKind.RideAlong(change, Entities["bookings"]).ToList());
    }

    [Fact]
    public void Profiles_change_to_an_entitys_rows_filtered_and_a_channel_sends_one_message_per_row()
    {
        Assert.Empty(Chain(Profiles, """{ "id": "stays", "type": "changeDimension", "to": "bookings", "filter": "amount > 100 and profile.country = 'FR'" }""",
            Email("{{ entity.hotel }}")).Errors);
        var filter = Assert.Single(Chain(Profiles, """{ "id": "stays", "type": "changeDimension", "to": "bookings", "filter": "tier = 'gold'" }""").Errors);
        Assert.Equal("$.activities[1].filter", filter.Path);
    }

    [Theory]
    [InlineData(Bookings, """{ "id": "people", "type": "changeDimension", "to": "bookings" }""", "$.activities[1].to", "change to their profiles")]
    [InlineData(Bookings, """{ "id": "people", "type": "changeDimension", "to": "profiles", "filter": "amount > 1" }""", "$.activities[1].filter", "filter them before")]
    [InlineData(Bookings, """{ "id": "people", "type": "changeDimension", "to": "profiles", "aggregates": [ { "name": "x", "function": "median", "column": "amount" } ] }""",
        "$.activities[1].aggregates[0].function", "'median' is not an aggregate function (count, sum, avg, min, max)")]
    [InlineData(Bookings, """{ "id": "people", "type": "changeDimension", "to": "profiles", "aggregates": [ { "name": "x", "function": "sum", "column": "hotel" } ] }""",
        "$.activities[1].aggregates[0].column", "'hotel' is string: sum reads int or number columns")]
    [InlineData(Bookings, """{ "id": "people", "type": "changeDimension", "to": "profiles", "aggregates": [ { "name": "x", "function": "max", "column": "refunded" } ] }""",
        "$.activities[1].aggregates[0].column", "'refunded' is bool")]
    [InlineData(Bookings, """{ "id": "people", "type": "changeDimension", "to": "profiles", "aggregates": [ { "name": "x", "function": "count", "column": "amount" } ] }""",
        "$.activities[1].aggregates[0].column", "count counts the rows")]
    [InlineData(Bookings, """{ "id": "people", "type": "changeDimension", "to": "profiles", "aggregates": [ { "name": "x", "function": "avg", "column": "price" } ] }""",
        "$.activities[1].aggregates[0].column", "'price' is not a column of the rows")]
    [InlineData(Bookings, """{ "id": "people", "type": "changeDimension", "to": "profiles", "aggregates": [ { "name": "email", "function": "count" } ] }""",
        "$.activities[1].aggregates[0].name", "'email' is a profile attribute")]
    [InlineData(Bookings, """{ "id": "people", "type": "changeDimension", "to": "profiles", "aggregates": [ { "name": "n", "function": "count" }, { "name": "n", "function": "count" } ] }""",
        "$.activities[1].aggregates[1].name", "'n' is named twice")]
    [InlineData(Profiles, """{ "id": "people", "type": "changeDimension", "to": "planets" }""", "$.activities[1].to", "no entity 'planets' on this node")]
    [InlineData(Profiles, """{ "id": "people", "type": "changeDimension", "to": "profiles" }""", "$.activities[1].to", "takes profiles already")]
    [InlineData(Profiles, """{ "id": "people", "type": "changeDimension", "to": "bookings", "aggregates": [ { "name": "n", "function": "count" } ] }""",
        "$.activities[1].aggregates", "aggregates are computed when an entity's rows change to profiles")]
    public void A_wrong_change_is_reported_where_it_is(string source, string change, string path, string message)
    {
        var error = Assert.Single(Chain(source, change).Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Enrich_columns_do_not_travel_through_an_entitys_rows()
    {
        var lost = Assert.Single(Chain(Profiles, """{ "id": "score", "type": "enrich", "columns": { "score": "1 + 1" } }""",
            """{ "id": "stays", "type": "changeDimension", "to": "bookings" }""",
            """{ "id": "people", "type": "changeDimension", "to": "profiles" }""", Email("{{ score }}")).Errors);
        Assert.Contains("unknown attribute 'score'", lost.Message);
        Assert.Empty(Chain(Profiles, """{ "id": "score", "type": "enrich", "columns": { "score": "1 + 1" } }""", Email("{{ score }}")).Errors);
    }

    [Fact]
    public void An_activity_takes_one_dimension_and_rows_after_a_channel_go_where_rows_go()
    {
        var mixed = CampaignValidator.Validate("""
            { "name": "Mixed", "activities": [ { "id": "rows", "type": "buildAudience", "entity": "bookings" }, { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "rows", "to": "mail" }, { "from": "all", "to": "mail" } ] }
            """, ProfileSchema.Core, Entities).Errors;
        var error = Assert.Single(mixed);
        Assert.Equal(("$.activities[2]", "'mail' takes rows of bookings from 'rows' and profiles from 'all': the populations an activity takes are of one dimension"),
            (error.Path, error.Message));
        var after = Assert.Single(Chain(Bookings, Email("Hi"), """{ "id": "later", "type": "wait", "duration": "P1D" }""").Errors);
        Assert.Equal("$.activities[1]", after.Path);
        Assert.StartsWith("'later' (wait) takes profiles, and this activity outputs rows of bookings", after.Message);
    }
}

using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>A buildAudience over an entity's rows (bookings): checked against the node's entities and where its rows may go.</summary>
public class EntityAudienceValidationTests
{
    private static readonly Dictionary<string, ProfileSchema> Entities = new()
    {
        ["bookings"] = ProfileSchema.EntityCore.With([("profileId", AttributeType.Int), ("amount", AttributeType.Number)]),
    };

    private static string Canvas(string build, string then = """{ "id": "done", "type": "end" }""") => $$"""
        { "name": "Bookings", "activities": [ {{build}}, {{then}} ], "transitions": [ { "from": "rows", "to": "{{(then.Contains("\"done\"") ? "done" : "next")}}" } ] }
        """;

    private static IReadOnlyList<ValidationError> Errors(string json) => CampaignValidator.Validate(json, ProfileSchema.Core, Entities).Errors;

    [Fact]
    public void An_entity_filter_reads_its_columns_and_its_profiles_attributes()
    {
        var result = CampaignValidator.Validate(Canvas("""{ "id": "rows", "type": "buildAudience", "entity": "bookings", "filter": "profile.country = 'FR' and amount > 100" }"""),
            ProfileSchema.Core, Entities);
        Assert.Empty(result.Errors);
        Assert.Equal("bookings", Assert.IsType<BuildAudienceActivity>(result.Document!.Activities[0]).Entity);
        Assert.Null(Assert.IsType<BuildAudienceActivity>(CampaignValidator.Validate(
            Canvas("""{ "id": "rows", "type": "buildAudience", "entity": "profiles" }"""), ProfileSchema.Core, Entities).Document!.Activities[0]).Entity);
    }

    [Theory]
    [InlineData("""{ "id": "rows", "type": "buildAudience", "entity": "planets" }""", "$.activities[0].entity",
        "no entity 'planets' on this node: import its rows first (POST /api/entities/planets/import)")]
    [InlineData("""{ "id": "rows", "type": "buildAudience", "entity": "Bookings!" }""", "$.activities[0].entity", "'Bookings!' is not an entity name")]
    [InlineData("""{ "id": "rows", "type": "buildAudience", "entity": "bookings", "filter": "country = 'FR'" }""", "$.activities[0].filter", "unknown attribute 'country'")]
    [InlineData("""{ "id": "rows", "type": "buildAudience", "entity": "bookings", "filter": "profile.tier = 'gold'" }""", "$.activities[0].filter",
        "unknown attribute 'profile.tier'")]
    [InlineData("""{ "id": "rows", "type": "buildAudience", "entity": "bookings", "filter": "opened('*')" }""", "$.activities[0].filter", "not allowed here")]
    [InlineData("""{ "id": "rows", "type": "buildAudience", "filter": "profile.country = 'FR'" }""", "$.activities[0].filter", "unknown attribute 'profile.country'")]
    public void A_wrong_entity_or_filter_is_reported_where_it_is(string build, string path, string message)
    {
        var error = Assert.Single(Errors(Canvas(build)));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void An_entitys_rows_go_only_to_end_or_reconciliation_and_the_activity_taking_them_otherwise_is_named()
    {
        var errors = CampaignValidator.Validate("""
            { "name": "Bookings", "activities": [ { "id": "rows", "type": "buildAudience", "entity": "bookings" },
                { "id": "later", "type": "wait", "duration": "P1D" }, { "id": "split", "type": "split", "subsets": [ { "name": "all" } ] } ],
              "transitions": [ { "from": "rows", "to": "later" }, { "from": "later", "to": "split" } ] }
            """, ProfileSchema.Core, Entities).Errors;
        // The wait takes them: the error names it (what follows it is reached only through it).
        Assert.Equal(["'later' (wait) takes profiles"],
            errors.Where(e => e.Path == "$.activities[0].entity").Select(e => e.Message[..e.Message.IndexOf(", and", StringComparison.Ordinal)]).Order());
        Assert.Null(Assert.IsType<BuildAudienceActivity>(CampaignValidator.Validate(
            Canvas("""{ "id": "rows", "type": "buildAudience", "entity": "" }"""), ProfileSchema.Core, Entities).Document!.Activities[0]).Entity);
    }

    [Fact]
    public void An_entitys_rows_go_to_no_activity_that_reads_profiles()
    {
        var error = Assert.Single(Errors(Canvas("""{ "id": "rows", "type": "buildAudience", "entity": "bookings" }""",
            """{ "id": "next", "type": "enrich", "columns": { "twice": "1 + 1" } }""")));
        Assert.Equal("$.activities[0].entity", error.Path);
        Assert.Equal("'next' (enrich) takes profiles, and this activity outputs rows of bookings: " +
            "an entity's rows go to end, channel, changeDimension and reconciliation activities", error.Message);
    }
}

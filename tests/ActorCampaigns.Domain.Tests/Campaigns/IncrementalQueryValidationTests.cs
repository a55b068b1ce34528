using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>An incrementalQuery: checked as a buildAudience is, and its high-water mark column against the rows' columns.</summary>
public class IncrementalQueryValidationTests
{
    private static readonly Dictionary<string, ProfileSchema> Entities = new()
    {
        ["bookings"] = ProfileSchema.EntityCore.With([("profileId", AttributeType.Int), ("status", AttributeType.String), ("bookedAt", AttributeType.Timestamp)]),
    };

    private static ValidationResult Validate(string query) => CampaignValidator.Validate($$"""
        { "name": "New rows", "activities": [ {{query}}, { "id": "done", "type": "end" } ], "transitions": [ { "from": "fresh", "to": "done" } ] }
        """, ProfileSchema.Core, Entities);

    [Fact]
    public void By_id_or_by_a_timestamp_date_or_int_column_of_the_rows()
    {
        var byId = Assert.IsType<IncrementalQueryActivity>(Validate("""{ "id": "fresh", "type": "incrementalQuery", "filter": "country = 'FR'" }""").Document!.Activities[0]);
        Assert.Equal((null, null), (byId.Entity, byId.By));
        var byTime = Assert.IsType<IncrementalQueryActivity>(Validate(
            """{ "id": "fresh", "type": "incrementalQuery", "entity": "bookings", "filter": "status = 'paid'", "by": "bookedAt" }""").Document!.Activities[0]);
        Assert.Equal(("bookings", "bookedAt"), (byTime.Entity, byTime.By));
        Assert.Empty(Validate("""{ "id": "fresh", "type": "incrementalQuery", "by": "createdAt" }""").Errors);
        Assert.Null(Assert.IsType<IncrementalQueryActivity>(Validate("""{ "id": "fresh", "type": "incrementalQuery", "by": "" }""").Document!.Activities[0]).By);
    }

    [Theory]
    [InlineData("""{ "id": "fresh", "type": "incrementalQuery", "entity": "bookings", "by": "paidAt" }""", "$.activities[0].by", "'paidAt' is not a column of the rows")]
    [InlineData("""{ "id": "fresh", "type": "incrementalQuery", "entity": "bookings", "by": "status" }""", "$.activities[0].by", "'status' is string: a high-water mark is a timestamp, date or int column")]
    [InlineData("""{ "id": "fresh", "type": "incrementalQuery", "entity": "bookings", "by": "profile.createdAt" }""", "$.activities[0].by", "'profile.createdAt' is not a column of the rows")]
    [InlineData("""{ "id": "fresh", "type": "incrementalQuery", "entity": "trips" }""", "$.activities[0].entity", "no entity 'trips' on this node")]
    [InlineData("""{ "id": "fresh", "type": "incrementalQuery", "filter": "country = " }""", "$.activities[0].filter", "expected a value")]
    public void A_wrong_field_is_reported_where_it_is(string query, string path, string message)
    {
        var error = Assert.Single(Validate(query).Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }
}

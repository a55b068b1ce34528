using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>A reconciliation: the rows of one loadFile, keys of string or int columns and attributes, unmatched rows only to end.</summary>
public class ReconciliationValidationTests
{
    private const string Load = """{ "id": "load", "type": "loadFile", "file": "rows.csv", "columns": { "email": "string", "amount": "number", "code": "int" } }""";

    private static ValidationResult Validate(string match, string unmatchedTo = "done", string from = "load", string extra = "") => CampaignValidator.Validate($$"""
        { "name": "Reconcile", "activities": [ {{Load}}, {{match}},
            { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } },
            { "id": "done", "type": "end" }, { "id": "all", "type": "buildAudience", "filter": "" } {{extra}} ],
          "transitions": [ { "from": "{{from}}", "to": "match" }, { "from": "match", "port": "matched", "to": "mail" },
            { "from": "match", "port": "unmatched", "to": "{{unmatchedTo}}" }, { "from": "all", "to": "done" } ] }
        """, ProfileSchema.Core.With([("code", AttributeType.Int), ("birthday", AttributeType.Date)]));

    [Fact]
    public void Matched_profiles_go_anywhere_and_the_keys_are_read_in_order()
    {
        var result = Validate("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "email", "ignoreCase": true }, { "column": "code", "attribute": "code" } ] }""");
        Assert.Empty(result.Errors);
        var match = Assert.IsType<ReconciliationActivity>(result.Document!.Activities[1]);
        Assert.Equal([new ReconciliationKey("email", "email", true), new ReconciliationKey("code", "code")], match.Keys);
        Assert.Equal(["matched", "unmatched"], match.OutputPorts);
    }

    [Theory]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [] }""", "$.activities[1].keys", "1 to 8 keys")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "mail", "attribute": "email" } ] }""", "$.activities[1].keys[0].column", "'mail' is not a column of 'load'")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "amount", "attribute": "email" } ] }""", "$.activities[1].keys[0].column", "'amount' is number")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "mail" } ] }""", "$.activities[1].keys[0].attribute", "'mail' is not a profile attribute")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "code", "attribute": "birthday" } ] }""", "$.activities[1].keys[0].attribute", "'birthday' is date")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "email", "case": true } ] }""", "$.activities[1].keys[0].case", "unknown field")]
    public void A_wrong_key_is_reported_where_it_is(string match, string path, string message)
    {
        var error = Assert.Single(Validate(match).Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void It_takes_the_rows_of_one_load_and_its_unmatched_rows_go_only_to_end()
    {
        const string match = """{ "id": "match", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "email" } ] }""";
        var fromProfiles = Validate(match, from: "all");
        Assert.Contains(fromProfiles.Errors, e => e.Path == "$.activities[1]" && e.Message.Contains("takes the rows of one loadFile activity"));
        var unmatchedMailed = Assert.Single(Validate(match, unmatchedTo: "mail").Errors);
        Assert.Equal("$.activities[1]", unmatchedMailed.Path);
        Assert.Contains("'mail' (email) takes profiles, and this activity outputs rows of the file it did not match", unmatchedMailed.Message);
    }
}

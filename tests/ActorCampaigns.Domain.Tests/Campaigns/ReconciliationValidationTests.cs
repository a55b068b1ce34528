using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>A reconciliation: the rows of one loadFile, keys of string or int columns and attributes, unmatched rows only to end.</summary>
public class ReconciliationValidationTests
{
    private const string Load = """{ "id": "load", "type": "loadFile", "file": "rows.csv", "columns": { "email": "string", "amount": "number", "ref": "int" } }""";

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
        var result = Validate("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "email", "ignoreCase": true }, { "column": "ref", "attribute": "code" } ] }""");
        Assert.Empty(result.Errors);
        var match = Assert.IsType<ReconciliationActivity>(result.Document!.Activities[1]);
        Assert.Equal([new ReconciliationKey("email", "email", true), new ReconciliationKey("ref", "code")], match.Keys);
        Assert.Equal(["matched", "unmatched"], match.OutputPorts);
    }

    [Theory]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [] }""", "$.activities[1].keys", "1 to 8 keys")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "mail", "attribute": "email" } ] }""", "$.activities[1].keys[0].column", "'mail' is not a column of 'load'")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "amount", "attribute": "email" } ] }""", "$.activities[1].keys[0].column", "'amount' is number")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "mail" } ] }""", "$.activities[1].keys[0].attribute", "'mail' is not a profile attribute")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "ref", "attribute": "birthday" } ] }""", "$.activities[1].keys[0].attribute", "'birthday' is date")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "ref", "attribute": "email" } ] }""", "$.activities[1].keys[0].attribute", "a key compares values of one type")]
    [InlineData("""{ "id": "match", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "email", "case": true } ] }""", "$.activities[1].keys[0].case", "unknown field")]
    public void A_wrong_key_is_reported_where_it_is(string match, string path, string message)
    {
        var error = Assert.Single(Validate(match).Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_column_riding_along_keeps_a_name_of_its_own_and_comes_from_one_origin()
    {
        var shadowing = Assert.Single(CampaignValidator.Validate("""
            { "name": "Reconcile", "activities": [
                { "id": "load", "type": "loadFile", "file": "rows.csv", "columns": { "email": "string", "country": "string" } },
                { "id": "match", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "email" } ] }, { "id": "done", "type": "end" } ],
              "transitions": [ { "from": "load", "to": "match" }, { "from": "match", "port": "matched", "to": "done" } ] }
            """, ProfileSchema.Core).Errors);
        Assert.Equal("$.activities[1]", shadowing.Path);
        Assert.Contains("'load' declares 'country', which rides along with the profiles matched and is named like a profile attribute", shadowing.Message);

        // Two reconciliations of the file, by email and by phone, meeting at one email: 'amount' would come from either.
        var twice = CampaignValidator.Validate("""
            { "name": "Reconcile", "activities": [
                { "id": "load", "type": "loadFile", "file": "rows.csv", "columns": { "email": "string", "mobile": "string", "amount": "number" } },
                { "id": "byEmail", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "email" } ] },
                { "id": "byPhone", "type": "reconciliation", "keys": [ { "column": "mobile", "attribute": "phone" } ] },
                { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "{{ amount }}", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "load", "to": "byEmail" }, { "from": "load", "to": "byPhone" },
                { "from": "byEmail", "port": "matched", "to": "mail" }, { "from": "byPhone", "port": "matched", "to": "mail" } ] }
            """, ProfileSchema.Core).Errors;
        Assert.Contains(twice, e => e.Path == "$.activities[3]" && e.Message.Contains("the column 'amount' reaches 'mail' from 'byEmail' and from 'byPhone'"));
    }

    [Fact]
    public void It_takes_the_rows_of_one_load_and_its_unmatched_rows_go_only_to_end()
    {
        const string match = """{ "id": "match", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "email" } ] }""";
        var fromProfiles = Validate(match, from: "all");
        Assert.Contains(fromProfiles.Errors, e => e.Path == "$.activities[1]" && e.Message.Contains("takes the rows of one loadFile activity"));
        var unmatchedMailed = Assert.Single(Validate(match, unmatchedTo: "mail").Errors);
        Assert.Equal("$.activities[1]", unmatchedMailed.Path);
        Assert.Contains("'mail' (email) takes profiles or an entity's rows, and this activity outputs rows of a loaded file", unmatchedMailed.Message);
    }
}

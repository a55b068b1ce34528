using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>
/// A reconciliation: the rows of one loadFile or of an entity, matched to profiles or to another entity's rows by keys
/// of string or int columns and attributes; unmatched rows go where such rows go.
/// </summary>
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
        Assert.Contains(fromProfiles.Errors, e => e.Path == "$.activities[1]" && e.Message.Contains("takes the rows of one loadFile activity or of an entity"));
        var unmatchedMailed = Assert.Single(Validate(match, unmatchedTo: "mail").Errors);
        Assert.Equal("$.activities[1]", unmatchedMailed.Path);
        Assert.Contains("'mail' (email) takes profiles or an entity's rows, and this activity outputs rows of a loaded file", unmatchedMailed.Message);
    }

    private static readonly Dictionary<string, ProfileSchema> Entities = new()
    {
        ["bookings"] = ProfileSchema.EntityCore.With([("profileId", AttributeType.Int), ("guestEmail", AttributeType.String), ("reference", AttributeType.String),
            ("amount", AttributeType.Number)]),
        ["vouchers"] = ProfileSchema.EntityCore.With([("profileId", AttributeType.Int), ("code", AttributeType.String)]),
    };

    private const string Mail = """{ "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "{{ entity.amount }}", "html": "<p>Hi</p>" } }""";

    private const string Hello = """{ "id": "hello", "type": "email", "content": { "from": "a@example.com", "subject": "{{ firstName }}", "html": "<p>Hi</p>" } }""";

    private static ValidationResult Canvas(string activities, string transitions) => CampaignValidator.Validate($$$"""
        { "name": "Reconcile", "activities": [ {{{activities}}}, { "id": "done", "type": "end" } ],
          "transitions": [ {{{transitions}}} ] }
        """, ProfileSchema.Core, Entities);

    [Fact]
    public void A_files_rows_match_an_entitys_rows_which_leave_as_rows_of_it_with_no_column_riding_along()
    {
        var result = Canvas("""
            { "id": "load", "type": "loadFile", "file": "refs.csv", "columns": { "ref": "string", "note": "string" } },
            { "id": "match", "type": "reconciliation", "to": "bookings", "keys": [ { "column": "ref", "attribute": "reference", "ignoreCase": true } ] },
            """ + Mail, """
            { "from": "load", "to": "match" }, { "from": "match", "port": "matched", "to": "mail" }, { "from": "match", "port": "unmatched", "to": "done" },
            { "from": "mail", "to": "done" }
            """);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        var match = Assert.IsType<ReconciliationActivity>(result.Document!.Activities[1]);
        Assert.Equal("bookings", match.To);
        Assert.Equal(Dimension.Of("bookings"), Dimensions.OutputOf(match, "matched", Dimensions.InputsOf(result.Document)));
        Assert.Empty(ReconciliationKind.RideAlong(match, (LoadFileActivity)result.Document.Activities[0]));
        Assert.Contains("\"to\":\"bookings\"", CampaignFormat.Write(result.Document));

        // A file's column is not a column of the bookings' rows a channel reads.
        var note = Canvas("""
            { "id": "load", "type": "loadFile", "file": "refs.csv", "columns": { "ref": "string", "note": "string" } },
            { "id": "match", "type": "reconciliation", "to": "bookings", "keys": [ { "column": "ref", "attribute": "reference" } ] },
            { "id": "noted", "type": "email", "content": { "from": "a@example.com", "subject": "{{ note }}", "html": "<p>Hi</p>" } }
            """, """{ "from": "load", "to": "match" }, { "from": "match", "port": "matched", "to": "noted" }, { "from": "noted", "to": "done" }""").Errors;
        Assert.Contains(note, e => e.Path == "$.activities[2].content.subject" && e.Message.Contains("note"));
    }

    [Fact]
    public void An_entitys_rows_match_profiles_and_those_matching_none_stay_rows_of_the_entity()
    {
        var result = Canvas("""
            { "id": "rows", "type": "buildAudience", "entity": "bookings", "filter": "amount > 50" },
            { "id": "match", "type": "reconciliation", "keys": [ { "column": "guestEmail", "attribute": "email", "ignoreCase": true } ] },
            """ + Mail + ", " + Hello, """
            { "from": "rows", "to": "match" }, { "from": "match", "port": "matched", "to": "hello" }, { "from": "match", "port": "unmatched", "to": "mail" },
            { "from": "mail", "to": "done" }, { "from": "hello", "to": "done" }
            """);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        var inputs = Dimensions.InputsOf(result.Document!);
        Assert.Equal(Dimension.Profiles, inputs["hello"]);
        Assert.Equal(Dimension.Of("bookings"), inputs["mail"]);
    }

    [Theory]
    [InlineData("""{ "column": "email", "attribute": "code" }""", "vouchers", "$.activities[1].keys[0].column", "'email' is not a column of the rows of bookings")]
    [InlineData("""{ "column": "amount", "attribute": "code" }""", "vouchers", "$.activities[1].keys[0].column", "'amount' is number: keys are string or int columns")]
    [InlineData("""{ "column": "guestEmail", "attribute": "email" }""", "stays", "$.activities[1].to", "no entity 'stays' on this node")]
    [InlineData("""{ "column": "guestEmail", "attribute": "email" }""", "Bad-Name", "$.activities[1].to", "'Bad-Name' is not an entity name")]
    [InlineData("""{ "column": "guestEmail", "attribute": "email" }""", "vouchers", "$.activities[1].keys[0].attribute", "'email' is not a column of vouchers")]
    [InlineData("""{ "column": "id", "attribute": "code" }""", "vouchers", "$.activities[1].keys[0].attribute", "'code' is string and 'id' int")]
    public void A_wrong_key_or_entity_of_rows_is_reported_where_it_is(string key, string to, string path, string message)
    {
        var errors = Canvas($$"""
            { "id": "rows", "type": "buildAudience", "entity": "bookings" },
            { "id": "match", "type": "reconciliation", "to": "{{to}}", "keys": [ {{key}} ] }
            """, """{ "from": "rows", "to": "match" }, { "from": "match", "port": "matched", "to": "done" }""").Errors;
        var error = Assert.Single(errors);
        Assert.Equal((path, true), (error.Path, error.Message.Contains(message)));
    }

    [Fact]
    public void An_entitys_rows_are_not_matched_with_profiles_beside_them_nor_to_their_own_entity()
    {
        var mixed = Canvas("""
            { "id": "rows", "type": "buildAudience", "entity": "bookings" }, { "id": "all", "type": "buildAudience" },
            { "id": "match", "type": "reconciliation", "keys": [ { "column": "guestEmail", "attribute": "email" } ] }
            """, """{ "from": "rows", "to": "match" }, { "from": "all", "to": "match" }, { "from": "match", "port": "matched", "to": "done" }""").Errors;
        var error = Assert.Single(mixed);
        Assert.Equal("$.activities[2]", error.Path);
        Assert.Contains("'match' takes rows of bookings, and 'all' brings it profiles", error.Message);

        var itself = Assert.Single(Canvas("""
            { "id": "rows", "type": "buildAudience", "entity": "bookings" },
            { "id": "match", "type": "reconciliation", "to": "bookings", "keys": [ { "column": "guestEmail", "attribute": "reference" } ] }
            """, """{ "from": "rows", "to": "match" }, { "from": "match", "port": "matched", "to": "done" }""").Errors);
        Assert.Equal(("$.activities[1].to", true), (itself.Path, itself.Message.Contains("would match themselves")));
    }
}

using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>A loadFile: one source, a relative path that stays in the files folder, typed columns, rows only to end.</summary>
public class LoadFileValidationTests
{
    private static ValidationResult Validate(string load, string next = """{ "id": "done", "type": "end" }""") => CampaignValidator.Validate($$"""
        { "name": "Load", "activities": [ {{load}}, {{next}} ], "transitions": [ { "from": "load", "to": "done" } ] }
        """, ProfileSchema.Core);

    [Fact]
    public void An_attached_file_or_a_path_its_format_from_the_name_its_columns_typed_in_order()
    {
        var attached = Assert.IsType<LoadFileActivity>(Validate("""
            { "id": "load", "type": "loadFile", "file": "Bookings-2026.12.csv", "columns": { "email": "string", "amount": "number", "on": "date" },
              "onError": { "maxErrors": 100, "rejects": false } }
            """).Document!.Activities[0]);
        Assert.Equal(("Bookings-2026.12.csv", null, FileFormat.Csv, 100L, false), (attached.File, attached.Path, attached.Format, attached.MaxErrors, attached.KeepRejects));
        Assert.Equal([new FileColumn("email", AttributeType.String), new FileColumn("amount", AttributeType.Number), new FileColumn("on", AttributeType.Date)], attached.Columns);
        var read = Assert.IsType<LoadFileActivity>(Validate("""{ "id": "load", "type": "loadFile", "path": "in/events.ndjson", "columns": { "email": "string" } }""")
            .Document!.Activities[0]);
        Assert.Equal((FileFormat.Jsonl, 0L, true), (read.Format, read.MaxErrors, read.KeepRejects));
    }

    [Theory]
    [InlineData("""{ "id": "load", "type": "loadFile", "columns": { "email": "string" } }""", "$.activities[0]", "give either file")]
    [InlineData("""{ "id": "load", "type": "loadFile", "file": "a.csv", "path": "a.csv", "columns": { "email": "string" } }""", "$.activities[0]", "give either file")]
    [InlineData("""{ "id": "load", "type": "loadFile", "file": "../a.csv", "columns": { "email": "string" } }""", "$.activities[0].file", "is not a file name")]
    [InlineData("""{ "id": "load", "type": "loadFile", "path": "../data.db", "columns": { "email": "string" } }""", "$.activities[0].path", "'..' part")]
    [InlineData("""{ "id": "load", "type": "loadFile", "path": "/etc/passwd", "columns": { "email": "string" } }""", "$.activities[0].path", "is absolute")]
    [InlineData("""{ "id": "load", "type": "loadFile", "path": "C:\\x.csv", "columns": { "email": "string" } }""", "$.activities[0].path", "'\\' or ':'")]
    [InlineData("""{ "id": "load", "type": "loadFile", "path": "a//b.csv", "columns": { "email": "string" } }""", "$.activities[0].path", "an empty, '.' or '..' part")]
    [InlineData("""{ "id": "load", "type": "loadFile", "file": "a.csv", "columns": { "email": "text" } }""", "$.activities[0].columns.email", "must be a type")]
    [InlineData("""{ "id": "load", "type": "loadFile", "file": "a.csv", "columns": { "e-mail": "string" } }""", "$.activities[0].columns.e-mail", "is not a column name")]
    [InlineData("""{ "id": "load", "type": "loadFile", "file": "a.csv", "columns": { } }""", "$.activities[0].columns", "at least one column")]
    [InlineData("""{ "id": "load", "type": "loadFile", "file": "a.csv", "format": "xml", "columns": { "email": "string" } }""", "$.activities[0].format", "'xml' is not a format")]
    [InlineData("""{ "id": "load", "type": "loadFile", "file": "a.csv", "columns": { "email": "string" }, "onError": { "maxErrors": -1 } }""", "$.activities[0].onError.maxErrors", "0 or more")]
    [InlineData("""{ "id": "load", "type": "loadFile", "file": "a.csv", "columns": { "email": "string" }, "onError": { "max": 1 } }""", "$.activities[0].onError.max", "unknown field")]
    public void A_wrong_field_is_reported_where_it_is(string load, string path, string message)
    {
        var error = Assert.Single(Validate(load).Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Its_rows_go_only_to_end_activities()
    {
        var error = Assert.Single(Validate("""{ "id": "load", "type": "loadFile", "file": "a.csv", "columns": { "email": "string" } }""",
            """{ "id": "done", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } }""").Errors);
        Assert.Equal("$.activities[0]", error.Path);
        Assert.Contains("'done' (email) takes profiles or an entity's rows, and this activity outputs rows of a loaded file: " +
            "a file's rows go to end and reconciliation activities", error.Message);
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// <c>POST /api/events</c> on a real node: good events are stored as told; a body with any bad event is refused whole,
/// each problem at its path, and stores nothing.
/// </summary>
public sealed class ConversionEventsTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-events-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync()
    {
        _node = await NodeProcess.StartAsync(_dataDir);
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import",
            "id,email\n17,a@x.io\n4000000019,b@x.io\n", "text/csv")).Status);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private async Task<List<string>> StoredAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Pooling=false");
        connection.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT profile || '|' || name || '|' || at || '|' || COALESCE(value, '-') || '|' || COALESCE(properties, '-') " +
                              "FROM conversion_events ORDER BY rowid";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(reader.GetString(0));
        return rows;
    }

    private static List<(string Path, string Message)> Errors(JsonElement body) => body.GetProperty("errors").EnumerateArray()
        .Select(e => (e.GetProperty("path").GetString()!, e.GetProperty("message").GetString()!)).ToList();

    [Fact]
    public async Task Events_are_stored_as_told_and_answered_once_committed()
    {
        var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/events", """
            [ { "profileId": 17, "name": "purchase", "at": "2026-11-30T10:00:00Z", "value": 42.5, "properties": { "sku": "A-1", "qty": 2 } },
              { "profileId": 4000000019, "name": "trial.started", "at": "2026-11-30T11:00:00+01:00" },
              { "profileId": 17, "name": "purchase", "at": "2026-11-30T10:00:00Z", "value": 42.5, "properties": null } ]
            """);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(3, body.GetProperty("recorded").GetInt32());
        var noon = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal([$"17|purchase|{noon}|42.5|{{\"sku\":\"A-1\",\"qty\":2}}", $"4000000019|trial.started|{noon}|-|-", $"17|purchase|{noon}|42.5|-"],
            await StoredAsync());
    }

    [Fact]
    public async Task A_body_with_any_bad_event_stores_nothing_and_says_where_and_why_for_each()
    {
        var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/events", """
            [ { "profileId": 17, "name": "purchase", "value": 10 },
              { "profileId": "17", "name": "purchase" },
              { "profileId": 17, "name": "x'; DROP TABLE profiles; --" },
              { "profileId": 17, "name": "purchase", "at": "yesterday", "value": "ten" },
              { "profileId": 17, "name": "purchase", "at": "2999-01-01T00:00:00Z", "properties": [1, 2] },
              { "profileId": 17, "name": "purchase", "price": 3 },
              42,
              { "profileId": 17, "name": "purchase", "value": 1e308, "f1": 1, "f2": 2, "f3": 3, "f4": 4, "f5": 5, "f6": 6, "f7": 7 } ]
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
        [
            ("$[1].profileId", "must be a profile's id, a whole number"),
            ("$[2].name", "must be a name of at most 100 characters: a letter, then letters, digits, '_', '.' or '-' (purchase, trial.started)"),
            ("$[3].at", "must be an ISO 8601 timestamp"),
            ("$[3].value", "must be a number between -1e15 and 1e15"),
            ("$[4].at", "must not be in the future (by the node's clock, give or take an hour)"),
            ("$[4].properties", "must be a JSON object of at most 4,096 bytes"),
            ("$[5].price", "is not a field of an event (profileId, name, at, value, properties)"),
            ("$[6]", "must be an object { profileId, name, at?, value?, properties? }"),
            ("$[7].f1", "is not a field of an event (profileId, name, at, value, properties)"),
            ("$[7].f2", "is not a field of an event (profileId, name, at, value, properties)"),
            ("$[7].f3", "is not a field of an event (profileId, name, at, value, properties)"),
            ("$[7].f4", "is not a field of an event (profileId, name, at, value, properties)"),
            ("$[7].f5", "is not a field of an event (profileId, name, at, value, properties)"),
            ("$[7]", "has more than 5 fields an event does not have"),
            ("$[7].value", "must be a number between -1e15 and 1e15"),
        ], Errors(body));
        Assert.Empty(await StoredAsync());
    }

    [Fact]
    public async Task An_event_for_a_profile_that_does_not_exist_is_refused_with_the_others_of_its_request()
    {
        var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/events",
            """[ { "profileId": 17, "name": "purchase" }, { "profileId": 18, "name": "purchase" }, { "profileId": 4000000019, "name": "signup" } ]""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([("$[1].profileId", "no profile has id 18")], Errors(body));
        Assert.Empty(await StoredAsync());
    }

    [Fact]
    public async Task Too_many_events_or_properties_too_large_are_refused()
    {
        var many = "[" + string.Join(",", Enumerable.Repeat("""{"profileId":17,"name":"purchase"}""", 10_001)) + "]";
        var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/events", many);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 10000", Errors(body)[0].Message);
        var large = $$"""[ { "profileId": 17, "name": "purchase", "properties": { "note": "{{new string('x', 5_000)}}" } } ]""";
        (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/events", large);
        Assert.Equal([("$[0].properties", "must be a JSON object of at most 4,096 bytes")], Errors(body));
        Assert.Empty(await StoredAsync());
    }

    [Fact]
    public async Task An_import_file_records_its_good_lines_and_rejects_hostile_ones_each_with_its_line()
    {
        var csv = "profileId,name,value,properties\n" +
                  "17,purchase,1e3,\n" +
                  "17,=HYPERLINK(\"http://evil\"),,\n" +
                  "4000000019,purchase,NaN,\n" +
                  "17,purchase,,\"{\"\"a\"\": 1}\"\n" +
                  $"17,purchase,,\"{new string('x', 70_000)}\"\n" +
                  "17,purchase,,[1]\n";
        var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/events/import", csv, "text/csv");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal((2, 4), (body.GetProperty("recorded").GetInt32(), body.GetProperty("rejected").GetInt32()));
        Assert.Equal([3L, 4, 6, 7], body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt64()));
        Assert.Equal(2, (await StoredAsync()).Count);

        // JSON lines: a line too long is rejected alone; bytes that are not UTF-8 refuse the file (nothing more recorded).
        var jsonLines = $$"""{"profileId": 17, "name": "signup"}""" + "\n" + $$"""{"profileId": 17, "name": "{{new string('a', 70_000)}}"}""" + "\n" +
                        """{"profileId": 17, "name": "\ud800"}""" + "\n" + """{"profileId": 17, "name": "a", "name": "b"}""" + "\n";
        (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/events/import", jsonLines, "application/x-ndjson");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var reasons = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("reason").GetString()!).ToList();
        Assert.Equal("is longer than 65,536 characters", reasons[0]);
        Assert.StartsWith("is not well-formed JSON", reasons[1]);
        Assert.StartsWith("is not well-formed JSON", reasons[2]);
        var notUtf8 = new ByteArrayContent([.. "{\"profileId\": 17, \"name\": \"a\"}\n"u8.ToArray(), 0xC3, 0x28, (byte)'\n']);
        notUtf8.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/events/import", notUtf8);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("the file is not UTF-8 text (byte 0xC3", body.ToString());
        Assert.Equal(3, (await StoredAsync()).Count);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>The gateway over real HTTP on loopback, against a real Node process.</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-node-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync() => _node = await NodeProcess.StartAsync(_dataDir, ("MaxRequestBytes", "200000"));

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private const string Valid = """
        { "name": "Gateway", "activities": [ { "id": "all", "type": "buildAudience" }, { "id": "done", "type": "end" } ],
          "transitions": [ { "from": "all", "to": "done" } ] }
        """;

    /// <summary>Events of campaign entities; sharding keeps its own rows in the same journal.</summary>
    private long JournalEvents()
    {
        if (!File.Exists(Path.Combine(_dataDir, "journal.db")))
            return 0;
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "journal.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'journal'";
        if (Convert.ToInt64(command.ExecuteScalar()) == 0)
            return 0;
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'campaign-%'";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    [Fact]
    public async Task An_invalid_document_gives_400_with_every_error_and_persists_nothing()
    {
        var before = JournalEvents();
        var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "", "activities": [ { "id": "A", "type": "buildAudience", "filter": "country = 3" }, { "id": "b", "type": "sleep" } ],
              "transitions": [ { "from": "A", "to": "ghost" } ] }
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var paths = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Equal(["$.name", "$.activities[1].type", "$.activities[0].id", "$.transitions[0].to", "$.activities[0].filter"], paths);
        Assert.Equal(before, JournalEvents());
    }

    [Fact]
    public async Task Lifecycle_commands_answer_409_in_the_wrong_state_and_404_for_an_unknown_campaign()
    {
        var (created, body) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", Valid);
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString();
        Assert.Equal("draft", body.GetProperty("status").GetString());

        var (conflict, problem) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/resume");
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Contains("only a paused or failed campaign can be resumed", problem.GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await _node.SendAsync(HttpMethod.Post, "/api/campaigns/c-none/publish")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.SendAsync(HttpMethod.Get, "/api/campaigns/c-none/status")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _node.PublishAsync(id!)).Status);
    }

    [Fact]
    public async Task Campaigns_are_listed_triggered_previewed_and_duplicated()
    {
        var (imported, summary) = await _node.SendAsync(HttpMethod.Post, "/api/profiles/import",
            "id,email,country\n1,a@x.io,FR\n2,b@x.io,DE\n3,c@x.io,FR\n4,,FR\n", "text/csv");
        Assert.Equal((HttpStatusCode.OK, 4), (imported, summary.GetProperty("imported").GetInt32()));
        var (_, created) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Signalled", "schedule": { "type": "signal" }, "variables": { "tier": "gold" },
              "activities": [ { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" }, { "id": "keep", "type": "saveAudience", "audience": "fr" } ],
              "transitions": [ { "from": "fr", "to": "keep" } ] }
            """);
        var id = created.GetProperty("id").GetString()!;
        var (_, list) = await _node.SendAsync(HttpMethod.Get, "/api/campaigns");
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("id").GetString() == id && c.GetProperty("status").GetString() == "draft");

        Assert.Equal(HttpStatusCode.OK, (await _node.PublishAsync(id)).Status);
        var (unknown, problem) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/trigger", """{ "variables": { "colour": "red" } }""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("not declared", problem.GetProperty("title").GetString());
        var (triggered, started) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/trigger", """{ "variables": { "tier": "silver" } }""");
        Assert.Equal((HttpStatusCode.OK, "e-1"), (triggered, started.GetProperty("execution").GetString()));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await _node.StatusAsync(id)).GetProperty("executions")[0].GetProperty("state").GetString() != "completed" && DateTime.UtcNow < deadline)
            await Task.Delay(100);

        var (previewed, preview) = await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{id}/transitions/fr/out?limit=2");
        Assert.Equal(HttpStatusCode.OK, previewed);
        Assert.Equal((3, "e-1"), (preview.GetProperty("count").GetInt32(), preview.GetProperty("execution").GetString()));
        Assert.Equal(["a@x.io", "c@x.io"], preview.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("email").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{id}/transitions/fr/nope")).Status);

        var (_, audiences) = await _node.SendAsync(HttpMethod.Get, "/api/audiences");
        Assert.Equal(3, Assert.Single(audiences.EnumerateArray(), a => a.GetProperty("name").GetString() == "fr").GetProperty("size").GetInt32());

        var (duplicated, copy) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/duplicate");
        Assert.Equal(HttpStatusCode.Created, duplicated);
        var (_, copied) = await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{copy.GetProperty("id").GetString()}");
        Assert.Equal(("draft", "Signalled (copy)"), (copied.GetProperty("status").GetString(), copied.GetProperty("document").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_node_describes_every_kind_of_activity_a_canvas_may_hold()
    {
        var (status, kinds) = await _node.SendAsync(HttpMethod.Get, "/api/activity-kinds");
        Assert.Equal(HttpStatusCode.OK, status);
        var byType = kinds.EnumerateArray().ToDictionary(k => k.GetProperty("type").GetString()!);
        Assert.Equal(["buildAudience", "incrementalQuery", "loadFile", "readAudience", "combine", "deduplicate", "reconciliation", "changeDimension", "enrich", "split", "saveAudience", "wait", "fork", "andJoin", "test",
            "experiment", "end", "email", "sms", "push"], byType.Keys.Take(20));
        var experiment = byType["experiment"];
        Assert.Equal(("flowControl", "arms", "holdback"), (experiment.GetProperty("group").GetString(),
            experiment.GetProperty("ports")[0].GetProperty("each").GetString(), experiment.GetProperty("ports")[1].GetProperty("port").GetString()));
        var split = byType["split"];
        Assert.Equal(("targeting", "wholePopulation"), (split.GetProperty("group").GetString(), split.GetProperty("scope").GetString()));
        Assert.Equal("subsets", split.GetProperty("ports")[0].GetProperty("each").GetString());
        Assert.Contains(byType["email"].GetProperty("fields").EnumerateArray(), f => f.GetProperty("key").GetString() == "content.html" && f.GetProperty("required").GetBoolean());
        Assert.True(byType["buildAudience"].GetProperty("source").GetBoolean());
        Assert.All(byType.Values, k => Assert.StartsWith("M", k.GetProperty("icon").GetString()));
    }

    [Fact]
    public async Task A_document_read_back_is_in_the_public_format_and_can_be_put_back_as_it_is()
    {
        var (_, created) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Round trip", "activities": [ { "id": "all", "type": "buildAudience" },
                { "id": "scored", "type": "enrich", "columns": { "isFrench": "country = 'FR'" } },
                { "id": "tell", "type": "alert", "email": "ops@example.com" } ],
              "transitions": [ { "from": "all", "to": "scored" }, { "from": "scored", "to": "tell" } ] }
            """);
        var id = created.GetProperty("id").GetString()!;
        var (_, read) = await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{id}");
        var document = read.GetProperty("document");
        Assert.Equal("country = 'FR'", document.GetProperty("activities")[1].GetProperty("columns").GetProperty("isFrench").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Put, $"/api/campaigns/{id}", document.GetRawText())).Status);
    }

    [Fact]
    public async Task An_oversized_body_gives_413()
    {
        var csv = "id,city\n" + string.Join("\n", Enumerable.Range(1, 30_000).Select(i => $"{i},Somewhere"));
        var (status, _) = await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv, "text/csv");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    // CSV imports with bodies that are not clean UTF-8: never a 500, never a good line lost.

    /// <summary>Bytes written as characters U+0000 to U+00FF, one byte each, as printf's <c>\xC3</c> writes them.</summary>
    private static byte[] Raw(string bytes) => Encoding.Latin1.GetBytes(bytes);

    private Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(byte[] body) =>
        _node.SendAsync(HttpMethod.Post, "/api/profiles/import", new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });

    private async Task<long> ProfilesAsync()
    {
        var (_, estimate) = await _node.SendAsync(HttpMethod.Post, "/api/audiences/estimate", """{ "filter": "id > 0" }""");
        return estimate.GetProperty("count").GetInt64();
    }

    [Fact]
    public async Task A_line_that_is_not_utf8_is_rejected_with_its_number_and_the_good_lines_are_imported()
    {
        var (status, summary) = await ImportAsync(Raw("id,email\n9101,ok1@x.com\n9102,\u00C3(@x.com\n9103,ok3@x.com\n"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((2, 1), (summary.GetProperty("imported").GetInt32(), summary.GetProperty("rejected").GetInt32()));
        var error = Assert.Single(summary.GetProperty("errors").EnumerateArray());
        Assert.Equal(3, error.GetProperty("line").GetInt32());
        Assert.Equal("not valid UTF-8 (byte 0xC3 at byte offset 5 of the line)", error.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Get, "/api/profiles/9103")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.SendAsync(HttpMethod.Get, "/api/profiles/9102")).Status);
    }

    [Fact]
    public async Task Three_thousand_good_lines_are_kept_when_the_last_line_is_not_utf8()
    {
        var good = string.Concat(Enumerable.Range(1, 3_000).Select(i => $"{i},p{i}@x.com\n"));
        var (status, summary) = await ImportAsync([.. Encoding.UTF8.GetBytes("id,email\n" + good + "3001,"), 0xFF, (byte)'\n']);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3_000, summary.GetProperty("imported").GetInt32());
        Assert.Equal(3_002, Assert.Single(summary.GetProperty("errors").EnumerateArray()).GetProperty("line").GetInt32());
    }

    public static TheoryData<string, byte[], string> Unreadable => new()
    {
        { "random binary", RandomBytes(), "bad CSV header" },
        { "a header that is not UTF-8", Raw("id,em\u00FFail\n1,a@x.com\n"), "bad CSV header: not valid UTF-8 (byte 0xFF at byte offset 5 of the line)" },
        { "a body of NUL bytes", new byte[4_096], "bad CSV header: a NUL character (U+0000) in the line: a CSV file is text" },
        { "a UTF-16 file", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("id,email\n1,a@x.com\n")).ToArray(), "bad CSV header" },
    };

    private static byte[] RandomBytes()
    {
        var bytes = new byte[64 * 1024];
        new Random(15).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task A_file_whose_header_cannot_be_read_is_refused_with_400_and_nothing_is_written(string what, byte[] body, string message)
    {
        var before = await ProfilesAsync();
        var (status, problem) = await ImportAsync(body);
        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {status} {problem}");
        Assert.Equal("the CSV file was refused", problem.GetProperty("title").GetString());
        Assert.StartsWith(message, problem.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(before, await ProfilesAsync());
    }

    [Fact]
    public async Task A_utf8_bom_is_accepted()
    {
        var (status, summary) = await ImportAsync([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("id,email\n7001,bom@x.com\n")]);
        Assert.Equal((HttpStatusCode.OK, 1), (status, summary.GetProperty("imported").GetInt32()));
    }

    [Fact]
    public async Task Without_operator_keys_the_operator_endpoint_answers_this_machine_but_not_what_a_proxy_relays()
    {
        Assert.Equal(HttpStatusCode.OK, (await _node.Http.GetAsync("/operator/cluster")).StatusCode);

        using var relayed = new HttpRequestMessage(HttpMethod.Get, "/operator/cluster");
        relayed.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var refused = await _node.Http.SendAsync(relayed);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("set ActorCampaigns:OperatorKeys", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_audience_estimate_counts_what_a_filter_picks_or_says_where_it_is_wrong()
    {
        var csv = "id,email,country,emailOptIn\n" + string.Join("\n", Enumerable.Range(1, 40).Select(i => $"{i},p{i}@example.com,{(i % 4 == 0 ? "FR" : "DE")},true"));
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv, "text/csv")).Status);

        var (ok, estimate) = await _node.SendAsync(HttpMethod.Post, "/api/audiences/estimate", """{ "filter": "country = 'FR' and emailOptIn" }""");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(10, estimate.GetProperty("count").GetInt64());
        Assert.Equal(40, (await _node.SendAsync(HttpMethod.Post, "/api/audiences/estimate", """{ "filter": "" }""")).Body.GetProperty("count").GetInt64());

        var (bad, problem) = await _node.SendAsync(HttpMethod.Post, "/api/audiences/estimate", """{ "filter": "country = 'FR' and age > 3" }""");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        var error = problem.GetProperty("errors")[0];
        Assert.Equal(20, error.GetProperty("column").GetInt32()); // where "age" starts
        Assert.Contains("age", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_audience_estimate_answers_400_for_whatever_is_wrong_with_the_filter_never_500()
    {
        var longTier = new string('%', 60_000);
        var csv = $"id,email,tier:string\n1,a@x.io,gold\n2,b@x.io,{longTier}\n";
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv, "text/csv")).Status);

        var (tooLong, problem) = await _node.SendAsync(HttpMethod.Post, "/api/audiences/estimate",
            $$"""{ "filter": "email like '{{new string('%', 50_001)}}'" }""");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        var error = problem.GetProperty("errors")[0];
        Assert.Equal(("$.filter", 12), (error.GetProperty("path").GetString(), error.GetProperty("column").GetInt32()));
        Assert.Contains("longer than 1000 characters", error.GetProperty("message").GetString());

        // A pattern read from the profiles is checked as it runs: SQLite would refuse profile 2's tier.
        var (ok, estimate) = await _node.SendAsync(HttpMethod.Post, "/api/audiences/estimate", """{ "filter": "email like tier or tier = 'gold'" }""");
        Assert.Equal((HttpStatusCode.OK, 1), (ok, estimate.GetProperty("count").GetInt32()));

        foreach (var (body, path) in new[] { ("""{ "filter": 5 }""", "$.filter"), ("""[ "country = 'FR'" ]""", "$"), ("""{ "filter": """, "$.filter") })
        {
            var (status, unreadable) = await _node.SendAsync(HttpMethod.Post, "/api/audiences/estimate", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(path, unreadable.GetProperty("errors")[0].GetProperty("path").GetString());
        }
    }

    [Fact]
    public async Task An_audience_estimate_that_fails_in_the_database_answers_500_without_a_stack_trace()
    {
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", "id,email\n1,a@x.io\n", "text/csv")).Status);
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE profiles RENAME TO profiles_gone";
            await command.ExecuteNonQueryAsync();
        }
        using var response = await _node.Http.PostAsync("/api/audiences/estimate", new StringContent("""{ "filter": "email is null" }""", System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(" at ", text);
        Assert.DoesNotContain("profiles", text);
    }
}

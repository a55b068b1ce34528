using System.Net;
using ActorCampaigns.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// Proofs through a real SMTP server: a campaign's email rendered for two named profiles (then for the first of its
/// test run) and sent to two seed addresses, subject prefixed [Proof]; nothing counted as sent, the campaign a draft.
/// </summary>
public sealed class ProofTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-proofs-").FullName;
    private readonly TestSmtpServer _smtp = new();

    // xunit 2 disposes a test class through IAsyncLifetime (IAsyncDisposable is not called).
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private long Count(string table)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        var count = Convert.ToInt64(command.ExecuteScalar());
        SqliteConnection.ClearPool(connection);
        return count;
    }

    [Fact]
    public async Task Proofs_go_to_the_seeds_rendered_for_the_profiles_and_count_nowhere()
    {
        await using var node = await NodeProcess.StartAsync(_dataDir, ("EmailProvider", "smtp"), ("Smtp__Port", _smtp.Port.ToString()), ("Smtp__Security", "None"));
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, "/api/profiles/import",
            "id,email,firstName,emailOptIn\n17,ada@example.com,Ada,true\n230,bob@example.com,Bob,true\n4001,cy@example.com,Cy,true\n", "text/csv")).Status);
        var (_, created) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Welcome", "activities": [ { "id": "all", "type": "buildAudience", "filter": "emailOptIn" },
                { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Welcome {{ firstName }}", "html": "<p>Hi {{ firstName }}</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        var id = created.GetProperty("id").GetString()!;

        var (status, sent) = await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/proofs",
            """{ "seeds": { "email": ["qa@example.com", "boss@example.com"] }, "profiles": [17, 4001] }""");
        Assert.True(status == HttpStatusCode.OK, sent.ToString());
        Assert.Equal(4, sent.GetProperty("proofs").GetArrayLength());
        var received = _smtp.Received.ToList();
        Assert.Equal(4, received.Count);
        Assert.Equal(["[Proof] Welcome Ada", "[Proof] Welcome Ada", "[Proof] Welcome Cy", "[Proof] Welcome Cy"], received.Select(m => m.Subject).Order());
        Assert.Equal(["boss@example.com", "boss@example.com", "qa@example.com", "qa@example.com"], received.Select(m => m.To.ToString()).Order());
        // Never a send: no ledger row, no sends row, still a draft; kept in the proofs table.
        Assert.Equal((0L, 4L), (Count("sends"), Count("proofs")));
        Assert.Equal("draft", (await node.StatusAsync(id)).GetProperty("status").GetString());

        // Without named profiles: the first of the test run's population, once there is one.
        Assert.Equal(HttpStatusCode.Conflict, (await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/proofs", """{ "seeds": { "email": ["qa@example.com"] } }""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/test")).Status);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await node.StatusAsync(id)).GetProperty("executions") is var executions && (executions.GetArrayLength() == 0 || executions[0].GetProperty("state").GetString() != "completed"))
        {
            Assert.True(DateTime.UtcNow < deadline);
            await Task.Delay(50);
        }
        var (_, first) = await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/proofs", """{ "seeds": { "email": ["qa@example.com"] }, "first": 2 }""");
        Assert.Equal([17L, 230L], first.GetProperty("proofs").EnumerateArray().Select(p => p.GetProperty("profile").GetInt64()));
        Assert.Equal(6, _smtp.Received.Count);
    }

    [Theory]
    [InlineData("""{ "profiles": [17] }""", "$.seeds")]
    [InlineData("""{ "seeds": { "fax": ["1"] }, "profiles": [17] }""", "$.seeds.fax")]
    [InlineData("""{ "seeds": { "email": ["not-an-address"] }, "profiles": [17] }""", "$.seeds.email[0]")]
    [InlineData("""{ "seeds": { "email": ["a@b.c\r\nBcc: x@y.z"] }, "profiles": [17] }""", "$.seeds.email[0]")]
    [InlineData("""{ "seeds": { "email": ["a@b.c","a@b.c","a@b.c","a@b.c","a@b.c","a@b.c","a@b.c","a@b.c","a@b.c","a@b.c","a@b.c"] } }""", "$.seeds.email")]
    [InlineData("""{ "seeds": { "email": ["a@b.c"] }, "profiles": [17], "first": 2 }""", "$.first")]
    [InlineData("""{ "seeds": { "email": ["a@b.c"] }, "first": 500 }""", "$.first")]
    [InlineData("""{ "seeds": { "email": ["a@b.c"] }, "profiles": [99999] }""", "$.profiles")]
    [InlineData("""{ "seeds": { "sms": ["+33612345678"] }, "profiles": [17] }""", "$.seeds")]
    [InlineData("""{ "seeds": { "email": ["a@b.c", "b@b.c", "c@b.c"] }, "first": 20 }""", "$")]
    public async Task A_wrong_proofs_request_is_refused_at_its_path_and_sends_nothing(string body, string path)
    {
        await using var node = await NodeProcess.StartAsync(_dataDir, ("EmailProvider", "smtp"), ("Smtp__Port", _smtp.Port.ToString()), ("Smtp__Security", "None"));
        await node.SendAsync(HttpMethod.Post, "/api/profiles/import", "id,email,emailOptIn\n17,ada@example.com,true\n", "text/csv");
        var (_, created) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Welcome", "activities": [ { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        var (status, problem) = await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{created.GetProperty("id").GetString()}/proofs", body);
        Assert.True(status == HttpStatusCode.BadRequest, problem.ToString());
        Assert.Equal(path, problem.GetProperty("errors")[0].GetProperty("path").GetString());
        Assert.Empty(_smtp.Received);
    }

    [Fact]
    public async Task A_node_with_seed_addresses_sends_proofs_to_them_only_and_feedback_about_a_proof_is_counted_unknown()
    {
        await using var node = await NodeProcess.StartAsync(_dataDir, ("EmailProvider", "smtp"), ("Smtp__Port", _smtp.Port.ToString()), ("Smtp__Security", "None"),
            ("Proofs__Seeds__0", "@example.com"), ("Proofs__Seeds__1", "boss@partner.test"));
        await node.SendAsync(HttpMethod.Post, "/api/profiles/import", "id,email,emailOptIn\n17,ada@example.com,true\n", "text/csv");
        var (_, created) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Welcome", "activities": [ { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        var id = created.GetProperty("id").GetString()!;
        var (refused, problem) = await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/proofs", """{ "seeds": { "email": ["qa@example.com", "x@evil.test"] }, "profiles": [17] }""");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("'x@evil.test' is not among this node's seed addresses", problem.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Empty(_smtp.Received);
        var (status, sent) = await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/proofs", """{ "seeds": { "email": ["QA@example.com", "qa@example.com", "BOSS@partner.test"] }, "profiles": [17] }""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, sent.GetProperty("proofs").GetArrayLength());
        // A bounce of a proof names no profile: counted unknown, and the rest of the batch is recorded.
        var proofId = sent.GetProperty("proofs")[0].GetProperty("messageId").GetString();
        var (fed, counts) = await node.SendAsync(HttpMethod.Post, "/api/feedback", $$"""[ { "messageId": "{{proofId}}", "event": "bounced", "reason": "no such user" } ]""");
        Assert.True(fed == HttpStatusCode.OK, counts.ToString());
        Assert.Equal(1, counts.GetProperty("unknown").GetInt32());
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>One node for the tests of its OpenAPI document.</summary>
public sealed class OpenApiNode : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-openapi-").FullName;

    public NodeProcess Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await NodeProcess.StartAsync(_dataDir);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}

/// <summary>The gateway's OpenAPI document, over real HTTP on loopback, as README points to it.</summary>
public sealed class OpenApiTests(OpenApiNode fixture) : IClassFixture<OpenApiNode>
{
    private readonly NodeProcess _node = fixture.Node;

    [Fact]
    public async Task The_node_serves_an_OpenAPI_document_listing_the_gateway_endpoints_with_summaries()
    {
        using var response = await _node.Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString());
        Assert.Equal("ActorCampaigns gateway", root.GetProperty("info").GetProperty("title").GetString());
        var paths = root.GetProperty("paths");
        foreach (var (path, method) in new[]
                 {
                     ("/api/campaigns", "post"), ("/api/campaigns", "get"), ("/api/campaigns/{id}/publish", "post"),
                     ("/api/campaigns/{id}/status", "get"), ("/api/profiles/import", "post"), ("/api/feedback", "post"),
                     ("/t/c/{token}", "get"),
                 })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the document");
            var operation = item.GetProperty(method);
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{method} {path} has no summary");
            Assert.True(operation.GetProperty("tags").GetArrayLength() > 0, $"{method} {path} has no tag");
        }
        var create = paths.GetProperty("/api/campaigns").GetProperty("post");
        Assert.True(create.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(paths.GetProperty("/api/profiles/import").GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("text/csv", out _));
    }

    /// <summary>
    /// The document describes the bodies the gateway reads; it must not make routing refuse another content type, as
    /// <c>Accepts</c> metadata would (415): curl's <c>-d</c> and <c>--data-binary</c> send form content.
    /// </summary>
    [Fact]
    public async Task Bodies_are_read_whatever_content_type_the_client_names()
    {
        var (imported, import) = await _node.SendAsync(HttpMethod.Post, "/api/profiles/import",
            new StringContent("id,email,emailOptIn\n1,a@example.org,true\n", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, imported);
        Assert.Equal(0, import.GetProperty("rejected").GetInt32());
        var (created, campaign) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns",
            new StringContent("""{ "name": "Form", "activities": [ { "id": "all", "type": "buildAudience" } ], "transitions": [] }""",
                Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("draft", campaign.GetProperty("status").GetString());
    }
}

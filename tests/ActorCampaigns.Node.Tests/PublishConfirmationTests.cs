using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// Publishing a one-shot campaign on a node with two API keys and an approval threshold of 1,000 messages: the first
/// publish answers 409 with the figures per channel and a confirmation token; a token made stale by new profiles gets
/// 409 again; above the threshold the key that asked cannot approve, another can, and the log names both.
/// </summary>
public sealed class PublishConfirmationTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-publish-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync()
    {
        _node = await NodeProcess.StartAsync(_dataDir, ("ApiKeys__0", "marketer-key"), ("ApiKeys__1", "manager-key"), ("Approvals__AudienceThreshold", "1000"));
        _node.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "marketer-key");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> AsAsync(string key, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await _node.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task ImportAsync(int from, int count)
    {
        var csv = new StringBuilder("id,email,phone,emailOptIn,smsOptIn,country\n");
        for (var i = from; i < from + count; i++)
            csv.Append($"{31L * i + 7},p{i}@example.com,+3361{i:D6},true,true,{(i % 2 == 0 ? "FR" : "DE")}\n");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/profiles/import") { Content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "marketer-key");
        Assert.Equal(HttpStatusCode.OK, (await _node.Http.SendAsync(request)).StatusCode);
    }

    private async Task<string> CreateAsync(string name, string filter)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/campaigns")
        {
            Content = new StringContent($$"""
                { "name": "{{name}}", "activities": [ { "id": "all", "type": "buildAudience", "filter": "{{filter}}" },
                    { "id": "mail", "type": "email", "content": { "from": "s@example.com", "subject": "S", "html": "<p>S</p>" } },
                    { "id": "text", "type": "sms", "content": { "text": "S" } } ],
                  "transitions": [ { "from": "all", "to": "mail" }, { "from": "mail", "to": "text" } ] }
                """, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "marketer-key");
        using var response = await _node.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static (long Email, long Sms) Figures(JsonElement problem) =>
        (problem.GetProperty("estimate").GetProperty("email").GetInt64(), problem.GetProperty("estimate").GetProperty("sms").GetInt64());

    [Fact]
    public async Task A_publish_needs_the_current_figures_confirmed_and_a_stale_confirmation_is_refused()
    {
        await ImportAsync(0, 600);
        var id = await CreateAsync("Small", "country = 'FR'");

        var (asked, figures) = await AsAsync("marketer-key", $"/api/campaigns/{id}/publish");
        Assert.Equal(HttpStatusCode.Conflict, asked);
        Assert.Equal((300L, 300L), Figures(figures));
        Assert.Equal((600L, false), (figures.GetProperty("messages").GetInt64(), figures.GetProperty("approvalRequired").GetBoolean()));
        var token = figures.GetProperty("confirmToken").GetString()!;
        Assert.Equal("draft", (await _node.StatusAsync(id)).GetProperty("status").GetString());

        // New profiles in France: the figures changed, and the token given on the old ones no longer publishes.
        await ImportAsync(600, 100);
        var (stale, fresh) = await AsAsync("marketer-key", $"/api/campaigns/{id}/publish?confirm={token}");
        Assert.Equal(HttpStatusCode.Conflict, stale);
        Assert.Contains("the figures changed", fresh.GetProperty("title").GetString());
        Assert.Equal((350L, 350L), Figures(fresh));
        Assert.NotEqual(token, fresh.GetProperty("confirmToken").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await AsAsync("marketer-key", $"/api/campaigns/{id}/publish?confirm=forged-token")).Status);
        Assert.Equal("draft", (await _node.StatusAsync(id)).GetProperty("status").GetString());

        var (published, live) = await AsAsync("marketer-key", $"/api/campaigns/{id}/publish?confirm={fresh.GetProperty("confirmToken").GetString()}");
        Assert.Equal((HttpStatusCode.OK, "live"), (published, live.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_published_campaign_is_not_edited_where_publishes_are_approved_and_a_copy_is_the_way()
    {
        await ImportAsync(0, 10);
        var document = """
            { "name": "Signalled", "schedule": { "type": "signal" }, "activities": [ { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "content": { "from": "s@example.com", "subject": "S", "html": "<p>S</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """;
        async Task<(HttpStatusCode, JsonElement)> SendAsync(HttpMethod method, string path, string body)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "marketer-key");
            using var response = await _node.Http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
        }
        var (_, created) = await SendAsync(HttpMethod.Post, "/api/campaigns", document);
        var id = created.GetProperty("id").GetString()!;
        // A draft is edited as ever; once published (10 messages, under the threshold), an edit could grow it unseen.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/campaigns/{id}", document.Replace("\"S\"", "\"T\""))).Item1);
        Assert.Equal(HttpStatusCode.OK, (await AsAsync("marketer-key", $"/api/campaigns/{id}/publish")).Status);
        var (refused, why) = await SendAsync(HttpMethod.Put, $"/api/campaigns/{id}", document.Replace("\"type\": \"buildAudience\" }", "\"type\": \"buildAudience\", \"filter\": \"true\" }"));
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("this node approves publishes above 1,000 messages: an edit would skip that approval; duplicate the campaign", why.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Above_the_threshold_another_key_must_approve_and_the_log_names_both()
    {
        await ImportAsync(0, 1_200);
        var id = await CreateAsync("Large", "true");
        var (asked, figures) = await AsAsync("marketer-key", $"/api/campaigns/{id}/publish");
        Assert.Equal((HttpStatusCode.Conflict, true), (asked, figures.GetProperty("approvalRequired").GetBoolean()));
        var token = figures.GetProperty("confirmToken").GetString()!;

        // Confirmed, but not approved yet.
        var (unapproved, why) = await AsAsync("marketer-key", $"/api/campaigns/{id}/publish?confirm={token}");
        Assert.Equal(HttpStatusCode.Conflict, unapproved);
        Assert.Contains("another API key must approve first", why.GetProperty("title").GetString());
        // The key that asked cannot approve its own publish.
        var (self, refusal) = await AsAsync("marketer-key", $"/api/campaigns/{id}/approve?confirm={token}");
        Assert.Equal(HttpStatusCode.Forbidden, self);
        Assert.Contains("another API key must approve it", refusal.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await AsAsync("manager-key", $"/api/campaigns/{id}/approve?confirm=stale-token")).Status);

        var (approved, approval) = await AsAsync("manager-key", $"/api/campaigns/{id}/approve?confirm={token}");
        Assert.Equal(HttpStatusCode.OK, approved);
        var (marketer, manager) = (approval.GetProperty("requestedBy").GetString()!, approval.GetProperty("approvedBy").GetString()!);
        Assert.NotEqual(marketer, manager);
        Assert.StartsWith("key ", marketer);
        Assert.DoesNotContain("marketer-key", marketer + manager);

        // Nor can the approver publish it alone.
        Assert.Equal(HttpStatusCode.Forbidden, (await AsAsync("manager-key", $"/api/campaigns/{id}/publish?confirm={token}")).Status);
        var (published, _) = await AsAsync("marketer-key", $"/api/campaigns/{id}/publish?confirm={token}");
        Assert.Equal(HttpStatusCode.OK, published);
        using var logs = new HttpRequestMessage(HttpMethod.Get, $"/api/campaigns/{id}/logs");
        logs.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "manager-key");
        var lines = (await (await _node.Http.SendAsync(logs)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lines").EnumerateArray()
            .Select(l => l.GetProperty("message").GetString()).ToList();
        Assert.Contains($"published by {marketer}, approved by {manager}", lines);
    }
}

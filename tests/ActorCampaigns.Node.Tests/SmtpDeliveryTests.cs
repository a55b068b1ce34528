using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorCampaigns.TestSupport;

namespace ActorCampaigns.Node.Tests;

/// <summary>A node sending its emails through a real SMTP server, the received MIME followed back to the node.</summary>
public sealed class SmtpDeliveryTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-smtp-").FullName;
    private readonly TestSmtpServer _smtp = new();

    [Fact]
    public async Task Emails_go_through_SMTP_once_each_refusals_count_as_errors_and_their_links_lead_back()
    {
        await using var node = await NodeProcess.StartAsync(_dataDir, ("EmailProvider", "smtp"), ("Smtp__Port", _smtp.Port.ToString()), ("Smtp__Security", "None"));
        var (imported, _) = await node.SendAsync(HttpMethod.Post, "/api/profiles/import",
            "id,email,firstName,emailOptIn\n1,ada@example.com,Ada,true\n2,bob@refused.example,Bob,true\n3,cy@example.com,Cy,true\n4,,Dee,true\n5,eve@example.com,Eve,false\n", "text/csv");
        Assert.Equal(HttpStatusCode.OK, imported);
        var (created, body) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Welcome", "activities": [
                { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "content": { "from": "Shop <shop@example.com>", "subject": "Welcome {{ firstName }}",
                  "html": "<p>Hi {{ firstName }}</p><a href=\"https://shop.example/new\">New</a>", "text": "Hi {{ firstName }}" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await node.PublishAsync(id)).Status);
        JsonElement mail;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((mail = (await node.StatusAsync(id)).GetProperty("executions")[0].GetProperty("activities").GetProperty("mail")).GetProperty("state").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, mail.ToString());
            await Task.Delay(50);
        }

        Assert.Equal(2, mail.GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(1, mail.GetProperty("errors").GetInt64());
        Assert.Equal((1L, 1L), (mail.GetProperty("excluded").GetProperty("noAddress").GetInt64(), mail.GetProperty("excluded").GetProperty("noConsent").GetInt64()));
        var received = _smtp.Received.OrderBy(m => m.Subject).ToList();
        Assert.Equal(["Welcome Ada", "Welcome Cy"], received.Select(m => m.Subject));
        Assert.Equal("Hi Ada", received[0].TextBody?.Trim());
        Assert.StartsWith($"<{node.Http.BaseAddress}t/u/", received[0].Headers["List-Unsubscribe"]);

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var click = await browser.GetAsync(TrackedUrls.Click().Match(received[0].HtmlBody ?? "").Value);
        Assert.Equal((HttpStatusCode.Redirect, "https://shop.example/new"), (click.StatusCode, click.Headers.Location?.ToString()));
        // A click is answered once queued, and committed with the next batch of feedback, a few milliseconds later.
        JsonElement channel, total;
        var clickDeadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            channel = (await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/report")).GetProperty("channels")[0];
            total = channel.GetProperty("total");
        }
        while (total.GetProperty("uniqueClicked").GetInt64() == 0 && DateTime.UtcNow < clickDeadline);
        Assert.Equal((2L, 1L, 1L), (total.GetProperty("sent").GetInt64(), total.GetProperty("errors").GetInt64(), total.GetProperty("uniqueClicked").GetInt64()));
        Assert.StartsWith("550", channel.GetProperty("errorReasons").EnumerateObject().Single().Name);
    }

    // xunit 2 disposes a test class through IAsyncLifetime (IAsyncDisposable is not called).
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}

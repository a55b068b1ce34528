using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorCampaigns.TestSupport;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// Issue 22, point 5: an SMS activity whose webhook provider fails (503 after its retries, for two seconds) under each
/// error policy, on a node process; the notifications reach a real SMTP sink (through the node's SMTP provider) and a
/// webhook sink (alerts posted to their URL).
/// </summary>
public sealed class ErrorPolicyTests : IAsyncLifetime
{
    private const int Profiles = 500;
    private const int BatchSize = 100;

    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-onerror-").FullName;
    private readonly TestSmtpServer _mail = new();
    private readonly TestWebhookServer _sms = new();
    private readonly TestWebhookServer _hooks = new();

    /// <summary>Profiles as a CRM exports them: ids with gaps, each with a phone number that names its position.</summary>
    private static long IdOf(int position) => 7L * position + 11;

    private static int PositionOf(string phone) => int.Parse(phone[4..]);

    private async Task<NodeProcess> StartAsync()
    {
        var node = await NodeProcess.StartAsync(_dataDir, ("EmailProvider", "smtp"), ("Smtp__Port", _mail.Port.ToString()), ("Smtp__Security", "None"),
            ("SmsProvider", "webhook"), ("SmsWebhook__Url", _sms.Url), ("SmsWebhook__Attempts", "1"), ("SmsWebhook__OutageSeconds", "2"),
            ("SmsWebhook__BreakSeconds", "1"), ("AlertProvider", "webhook"), ("AlertHosts__0", "127.0.0.1"), ("BatchSize", BatchSize.ToString()));
        var csv = new StringBuilder("id,phone,firstName,smsOptIn\n");
        for (var i = 1; i <= Profiles; i++)
            csv.Append($"{IdOf(i)},+336{i:00000000},P{i},true\n");
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv")).Status);
        return node;
    }

    private static string Canvas(string name, string onError) => $$$"""
        { "name": "{{{name}}}",
          "onError": {{{onError}}},
          "activities": [
            { "id": "all", "type": "buildAudience" },
            { "id": "text", "type": "sms", "content": { "text": "Hello {{ firstName }}" } } ],
          "transitions": [ { "from": "all", "to": "text" } ] }
        """;

    private string Notify => $$"""{ "email": "ops@example.com", "webhook": "{{_hooks.Url}}onerror" }""";

    private static JsonElement Text(JsonElement status) => status.GetProperty("executions")[0].GetProperty("activities").GetProperty("text");

    private static string? Status(JsonElement status) => status.GetProperty("status").GetString();

    private static async Task<JsonElement> ReportAsync(NodeProcess node, string id) => (await ChannelReportAsync(node, id)).GetProperty("total");

    private static async Task<JsonElement> ChannelReportAsync(NodeProcess node, string id) =>
        (await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/report")).GetProperty("channels")[0];

    /// <summary>The messages skipped, by the report's error reasons (the provider's last answer: a 503, or its circuit open).</summary>
    private static long Skipped(JsonElement report) => report.GetProperty("errorReasons").EnumerateObject()
        .Where(r => r.Name.StartsWith("skipped (onError ignore): the provider stayed unreachable (", StringComparison.Ordinal)).Sum(r => r.Value.GetInt64());

    private static async Task<List<string>> LogAsync(NodeProcess node, string id) =>
        (await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/logs")).GetProperty("lines").EnumerateArray()
            .Select(l => l.GetProperty("message").GetString()!).ToList();

    /// <summary>The SMS accepted for a campaign, by the position of their profile.</summary>
    private List<int> Texted(string id) => _sms.Accepted.Where(r => r.Body.GetProperty("campaignId").GetString() == id)
        .Select(r => PositionOf(r.Body.GetProperty("to").GetString()!)).ToList();

    /// <summary>Waits for the campaign's notification at both sinks, and checks it is the one and only of its kind.</summary>
    private async Task<(string Subject, JsonElement Hook)> NotifiedAsync(string id, string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(_mail.Received.Any(m => m.Subject?.Contains(subject) == true) && _hooks.Accepted.Any(h => Hooked(h, id, subject))))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no notification '{subject}': mails [{string.Join(", ", _mail.Received.Select(m => m.Subject))}], " +
                $"hooks {_hooks.Received.Count}");
            await Task.Delay(100);
        }
        var mail = Assert.Single(_mail.Received, m => m.Subject?.Contains(subject) == true);
        Assert.Equal("ops@example.com", mail.To.Mailboxes.Single().Address);
        return (mail.Subject!, Assert.Single(_hooks.Accepted, h => Hooked(h, id, subject)).Body);
    }

    private static bool Hooked(WebhookRequest hook, string id, string subject) =>
        hook.Body.GetProperty("campaignId").GetString() == id && hook.Body.GetProperty("subject").GetString()!.Contains(subject);

    /// <summary>A campaign under <paramref name="policy"/> on the node, its provider down from the start: its status once <paramref name="status"/>, and its notification.</summary>
    private async Task<(string Id, JsonElement Status, JsonElement Hook)> DownAsync(NodeProcess node, string name, string policy, string status)
    {
        _sms.Answer = (_, _) => HttpStatusCode.ServiceUnavailable;
        var id = await CampaignRuns.PublishAsync(node, Canvas(name, $$"""{ "policy": "{{policy}}", "notify": {{Notify}} }"""));
        var reached = await CampaignRuns.AwaitAsync(node, id, s => Status(s) == status, $"the campaign to be {status}");
        var outcome = status == "failed" ? "suspended" : status;
        var (subject, hook) = await NotifiedAsync(id, outcome);
        Assert.Equal($"Campaign '{name}' {outcome}: activity 'text' failed", subject);
        Assert.Equal((outcome, "text"), (hook.GetProperty("outcome").GetString(), hook.GetProperty("activity").GetString()));
        Assert.Empty(Texted(id));
        return (id, reached, hook);
    }

    [Fact]
    public async Task Suspend_holds_the_execution_tells_both_sinks_and_a_resume_after_the_provider_is_fixed_sends_each_text_exactly_once()
    {
        await using var node = await StartAsync();
        var (id, failed, hook) = await DownAsync(node, "Down", "suspend", "failed");
        Assert.Equal(("failed", "failed"), (failed.GetProperty("executions")[0].GetProperty("state").GetString(), Text(failed).GetProperty("state").GetString()));
        // The provider's last answer: a 503, or its circuit open once enough 503s came.
        Assert.Matches(@"^the sms provider was unreachable for 2 s \((HTTP 503 Service Unavailable|circuit open: the provider kept failing)\): 100 messages of batch 0 wait, resume sends them",
            hook.GetProperty("reason").GetString());
        Assert.Contains($"acctl campaign resume {id}", hook.GetProperty("text").GetString());
        // What became of the notice is logged once both providers answered, a moment after the sinks have it.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await LogAsync(node, id)).Any(l => l.StartsWith("error notification: alert sent to", StringComparison.Ordinal) && l.Contains("ops@example.com")))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no error notification line: {string.Join(" | ", await LogAsync(node, id))}");
            await Task.Delay(100);
        }

        // The provider fixed, a resume sends every text, each once.
        _sms.Answer = (_, _) => HttpStatusCode.Accepted;
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/resume")).Status);
        var done = await CampaignRuns.AwaitAsync(node, id, s => Text(s).GetProperty("state").GetString() == "completed", "the texts to go after the resume");
        Assert.Equal((Profiles, 0), (Text(done).GetProperty("out").GetProperty("out").GetInt32(), Text(done).GetProperty("errors").GetInt32()));
        var texted = Texted(id);
        Assert.Equal(Enumerable.Range(1, Profiles), texted.Order());
        var report = await ReportAsync(node, id);
        Assert.Equal((Profiles, 0L), (report.GetProperty("sent").GetInt64(), report.GetProperty("errors").GetInt64()));
        Assert.Single(_hooks.Received);
    }

    [Fact]
    public async Task Ignore_skips_each_failing_batch_counting_its_texts_as_errors_sends_the_rest_and_suspends_past_its_limit()
    {
        await using var node = await StartAsync();
        // The provider cannot take the second and the fourth batch of 100 (503 each time): fail, go, fail, at most one in a row.
        static bool Refused(int position) => position is > 100 and <= 200 or > 300 and <= 400;
        _sms.Answer = (request, _) => Refused(PositionOf(request.Body.GetProperty("to").GetString()!)) ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.Accepted;
        var id = await CampaignRuns.PublishAsync(node, Canvas("Flaky", $$"""{ "policy": "ignore", "maxConsecutiveErrors": 1, "notify": {{Notify}} }"""));

        var done = await CampaignRuns.AwaitAsync(node, id, s => Text(s).GetProperty("state").GetString() is "completed" or "failed", "the texts to be sent");
        Assert.Equal(("completed", "completed"), (Text(done).GetProperty("state").GetString(), Status(done)));
        const int refused = 2 * BatchSize;
        Assert.Equal((Profiles - refused, refused), (Text(done).GetProperty("out").GetProperty("out").GetInt32(), Text(done).GetProperty("errors").GetInt32()));
        Assert.Equal(Enumerable.Range(1, Profiles).Where(p => !Refused(p)), Texted(id).Order());
        var report = await ChannelReportAsync(node, id);
        Assert.Equal((Profiles - refused, (long)refused), (report.GetProperty("total").GetProperty("sent").GetInt64(), report.GetProperty("total").GetProperty("errors").GetInt64()));
        Assert.Equal(refused, Skipped(report));
        var (subject, hook) = await NotifiedAsync(id, "skipped a batch");
        Assert.Equal("Campaign 'Flaky': activity 'text' skipped a batch", subject);
        Assert.Equal("skipped", hook.GetProperty("outcome").GetString());
        var completed = Assert.Single(await LogAsync(node, id), l => l.StartsWith("completed: in 500, out out 300", StringComparison.Ordinal));
        Assert.Contains("batch 1 skipped (onError ignore): 100 message(s) not sent", completed);
        Assert.Contains("batch 3 skipped (onError ignore): 100 message(s) not sent", completed);
        Assert.Contains("alert sent to ops@example.com", completed);

        // Two failing batches in a row, one allowed: the second suspends the execution, its texts kept for a resume.
        _sms.Answer = (request, _) => PositionOf(request.Body.GetProperty("to").GetString()!) > BatchSize ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.Accepted;
        var strict = await CampaignRuns.PublishAsync(node, Canvas("Strict", $$"""{ "policy": "ignore", "maxConsecutiveErrors": 1, "notify": {{Notify}} }"""));
        var failed = await CampaignRuns.AwaitAsync(node, strict, s => Status(s) == "failed", "the second failing batch to suspend the campaign");
        Assert.Contains("1 batch(es) in a row were skipped before it", Text(failed).GetProperty("failure").GetString());
        Assert.Equal(Enumerable.Range(1, BatchSize), Texted(strict).Order());
        // The failed activity's counts are not the report's until it completes; the ledger has the texts skipped.
        Assert.Equal(BatchSize, Skipped(await ChannelReportAsync(node, strict)));
        await NotifiedAsync(strict, "suspended");
    }

    [Fact]
    public async Task Abort_stops_the_campaign_and_tells_both_sinks()
    {
        await using var node = await StartAsync();
        var (id, stopped, _) = await DownAsync(node, "Doomed", "abort", "stopped");
        Assert.Equal(("stopped", "failed"), (stopped.GetProperty("executions")[0].GetProperty("state").GetString(), Text(stopped).GetProperty("state").GetString()));
        Assert.Contains(await LogAsync(node, id), l => l == "stopped: activity 'text' of execution e-1 failed and the campaign's error policy is abort");
        Assert.Equal(HttpStatusCode.Conflict, (await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/resume")).Status);
    }

    // xunit 2 disposes a test class through IAsyncLifetime (IAsyncDisposable is not called).
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _mail.DisposeAsync();
        _sms.Dispose();
        _hooks.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Net;
using ActorCampaigns.Channels.Webhook;
using ActorCampaigns.TestSupport;

namespace ActorCampaigns.Channels.Tests;

public sealed class WebhookProviderTests : IDisposable
{
    private readonly TestWebhookServer _server = new();

    private static OutboundMessage Sms(long profile, string to = "+33600000000") =>
        new($"c-1.e-1.text.{profile}", "c-1", "e-1", "text", profile, to, [KeyValuePair.Create("text", $"Hello {profile}")]);

    private WebhookProvider Provider(int attempts = 4) =>
        new(new WebhookOptions { Url = _server.Url, Attempts = attempts, RetryDelayMilliseconds = 10, Concurrency = 8, Authorization = "Bearer k" });

    [Fact]
    public async Task Each_message_is_posted_once_with_its_id_as_idempotency_key()
    {
        using var provider = Provider();
        var results = await provider.SendAsync(Enumerable.Range(1, 40).Select(i => Sms(i)).ToList());
        Assert.All(results, r => Assert.True(r.Sent, r.Failure));
        Assert.Equal(40, _server.Received.Count);
        var seventh = _server.Received.Single(r => r.IdempotencyKey == "c-1.e-1.text.7").Body;
        Assert.Equal(("c-1.e-1.text.7", 7L, "+33600000000", "Hello 7"),
            (seventh.GetProperty("messageId").GetString(), seventh.GetProperty("profileId").GetInt64(), seventh.GetProperty("to").GetString(), seventh.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Transient_failures_are_retried_and_final_refusals_are_not()
    {
        _server.Answer = (request, earlier) => request.Body.GetProperty("to").GetString() == "bad" ? HttpStatusCode.BadRequest
            : earlier < 2 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.Accepted;
        using var provider = Provider();
        var results = await provider.SendAsync([Sms(1), Sms(2, "bad"), Sms(3)]);
        Assert.Equal([true, false, true], results.Select(r => r.Sent));
        Assert.Equal(("HTTP 400 Bad Request", false), (results[1].Failure, results[1].Deferred));
        Assert.Equal(3, _server.Received.Count(r => r.IdempotencyKey == "c-1.e-1.text.1"));
        Assert.Single(_server.Received, r => r.IdempotencyKey == "c-1.e-1.text.2");
    }

    [Fact]
    public async Task A_provider_that_keeps_failing_opens_the_circuit_and_messages_fail_with_the_reason()
    {
        _server.Answer = (_, _) => HttpStatusCode.ServiceUnavailable;
        using var provider = Provider(attempts: 2);
        var results = await provider.SendAsync(Enumerable.Range(1, 60).Select(i => Sms(i)).ToList());
        // A provider that cannot take messages: each is deferred, for the delivery to try again while its patience lasts.
        Assert.All(results, r => Assert.True(!r.Sent && r.Deferred, r.Failure));
        Assert.Contains(results, r => r.Failure!.StartsWith("circuit open", StringComparison.Ordinal));
        Assert.Contains(results, r => r.Failure == "HTTP 503 Service Unavailable");
        Assert.True(_server.Received.Count < 120, $"{_server.Received.Count} requests: the open circuit should have spared some");
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.NotImplemented, false)]
    [InlineData(HttpStatusCode.Gone, false)]
    public async Task A_provider_that_cannot_take_messages_now_defers_them_and_an_answer_about_the_message_fails_it(HttpStatusCode status, bool deferred)
    {
        _server.Answer = (_, _) => status;
        using var provider = Provider(attempts: 2);
        var result = Assert.Single(await provider.SendAsync([Sms(1)]));
        Assert.Equal((false, deferred), (result.Sent, result.Deferred));
        Assert.StartsWith($"HTTP {(int)status}", result.Failure);
    }

    [Fact]
    public async Task Alerts_are_posted_each_to_its_own_url_on_the_hosts_allowed_only()
    {
        using var provider = WebhookProvider.ToEachTarget(new WebhookOptions { Attempts = 1, Authorization = "Bearer node-secret" }, ["127.0.0.1"]);
        var alert = new OutboundMessage("c-1.e-1.onError.alert2", "c-1", "e-1", "onError", 2, _server.Url + "ops?team=1",
            [KeyValuePair.Create("subject", "Campaign suspended")]);
        var results = await provider.SendAsync([alert, alert with { MessageId = "c-1.e-1.onError.alert3", To = "http://localhost:9/x" },
            alert with { MessageId = "c-1.e-1.onError.alert4", To = "file:///etc/passwd" }]);
        Assert.True(results[0].Sent, results[0].Failure);
        Assert.Equal(("host 'localhost' is not one the node posts alerts to (ActorCampaigns:AlertHosts)", false), (results[1].Failure, results[1].Deferred));
        Assert.Equal("'file:///etc/passwd' is not an absolute http(s) URL", results[2].Failure);
        var received = Assert.Single(_server.Received);
        Assert.Equal(("c-1.e-1.onError.alert2", "Campaign suspended"), (received.IdempotencyKey, received.Body.GetProperty("subject").GetString()));
        // The node's credential never goes to a campaign author's URL.
        Assert.Null(received.Authorization);
    }

    [Fact]
    public async Task Answers_about_the_messages_never_open_the_circuit()
    {
        // A 500 is about the message: each fails with it, none waits, and the circuit stays closed.
        _server.Answer = (_, _) => HttpStatusCode.InternalServerError;
        using var provider = Provider(attempts: 2);
        var results = await provider.SendAsync(Enumerable.Range(1, 60).Select(i => Sms(i)).ToList());
        Assert.All(results, r => Assert.Equal(("HTTP 500 Internal Server Error", false), (r.Failure, r.Deferred)));
        Assert.Equal(120, _server.Received.Count);
    }

    [Fact]
    public void A_bad_url_is_refused() =>
        Assert.Contains("not an absolute http(s) URL", Assert.Throws<ArgumentException>(() => new WebhookProvider(new WebhookOptions { Url = "ftp://x" })).Message);

    public void Dispose() => _server.Dispose();
}

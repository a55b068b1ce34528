using System.Net;
using System.Net.Http.Json;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ActorCampaigns.Channels.Webhook;

/// <summary>
/// Posts each message as JSON to the provider's URL with <c>Idempotency-Key</c> = its message id, so a message sent
/// again after a crash or a retry is dropped by the provider. Timeouts, connection errors, 429 and 5xx are retried
/// with exponential backoff and jitter; a circuit breaker stops hammering a provider that keeps failing (its
/// messages fail with "circuit open" and count as errors, their reason kept). Other answers are final: 2xx sent,
/// 4xx failed with the status.
/// </summary>
public sealed class WebhookProvider : IMessageSender, IDisposable
{
    public string Name => "webhook";

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly string? _authorization;
    private readonly SemaphoreSlim _inFlight;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public WebhookProvider(WebhookOptions options, HttpMessageHandler? handler = null)
    {
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new ArgumentException($"webhook URL '{options.Url}' is not an absolute http(s) URL");
        if (options.Concurrency is < 1 or > 256 || options.Attempts is < 1 or > 10)
            throw new ArgumentException("webhook concurrency must be 1-256 and attempts 1-10");
        (_url, _authorization) = (url, options.Authorization);
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _inFlight = new SemaphoreSlim(options.Concurrency);
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => r.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)r.StatusCode >= 500);
        // Outermost first: retries around the breaker (an open circuit is not retried) around each attempt's timeout.
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.Attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient, MaxRetryAttempts = options.Attempts - 1, BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
            });
        }
        _pipeline = builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient, FailureRatio = 0.5, MinimumThroughput = 20, SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(options.BreakSeconds),
            })
            .AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds))
            .Build();
    }

    public async Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(messages.Select(message => SendAsync(message, cancellationToken)));

    private async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken);
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = JsonContent.Create(Body(message)) };
                request.Headers.Add("Idempotency-Key", message.MessageId);
                if (_authorization is not null)
                    request.Headers.TryAddWithoutValidation("Authorization", _authorization);
                return await _http.SendAsync(request, token);
            }, cancellationToken);
            return response.IsSuccessStatusCode
                ? new SendResult(message, null)
                : new SendResult(message, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".Trim());
        }
        catch (BrokenCircuitException)
        {
            return new SendResult(message, "circuit open: the provider kept failing");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            return new SendResult(message, $"unreachable: {e.Message}");
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private static Dictionary<string, object> Body(OutboundMessage message)
    {
        var body = new Dictionary<string, object>
        {
            ["messageId"] = message.MessageId, ["campaignId"] = message.CampaignId, ["executionId"] = message.ExecutionId,
            ["activityId"] = message.ActivityId, ["profileId"] = message.ProfileId, ["to"] = message.To,
        };
        if (message.Row is { } row)
            body["entityRow"] = row;
        foreach (var (field, value) in message.Content)
            body[field] = value;
        return body;
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }
}

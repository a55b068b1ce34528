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
/// with exponential backoff and jitter; a circuit breaker stops hammering a provider that keeps failing. A message
/// still not through because the provider cannot take it now (unreachable, 408, 429, 502, 503, 504, circuit open) is
/// deferred, not failed (500 and other server errors are about the message: they fail it): the delivery tries it again for
/// <see cref="WebhookOptions.OutageSeconds"/> while none goes through, then fails its activity (the campaign's error
/// policy says what follows). Other answers are final: 2xx sent, 4xx failed with the status.
/// Alerts (<see cref="ToEachTarget"/>) are posted each to its own URL, the message's address, if its host is allowed.
/// </summary>
public sealed class WebhookProvider : IMessageSender, IDisposable
{
    public string Name => "webhook";

    private readonly HttpClient _http;
    /// <summary>Where every message goes; null: each to its own address (<see cref="ToEachTarget"/>).</summary>
    private readonly Uri? _url;
    private readonly IReadOnlySet<string> _hosts;
    private readonly string? _authorization;
    private readonly SemaphoreSlim _inFlight;
    private readonly Func<ResiliencePipeline<HttpResponseMessage>> _newPipeline;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Posting to each target's URL, a pipeline (a circuit) per host: one dead URL does not hold the others' alerts.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _byHost = new(StringComparer.OrdinalIgnoreCase);

    public WebhookProvider(WebhookOptions options, HttpMessageHandler? handler = null)
        : this(Url(options.Url), new HashSet<string>(), options, handler)
    {
    }

    /// <summary>
    /// Posts each message to the URL it is addressed to (an alert's webhook), when its host is one of
    /// <paramref name="hosts"/> (case-insensitive; none: any host). A URL elsewhere fails, its host named. Redirects are
    /// not followed (they could lead anywhere) and no <c>Authorization</c> is sent (the URL is a campaign author's).
    /// </summary>
    public static WebhookProvider ToEachTarget(WebhookOptions options, IEnumerable<string> hosts, HttpMessageHandler? handler = null) =>
        new(null, hosts.ToHashSet(StringComparer.OrdinalIgnoreCase), options, handler ?? new SocketsHttpHandler { AllowAutoRedirect = false });

    private static Uri Url(string? text) => Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url
        : throw new ArgumentException($"webhook URL '{text}' is not an absolute http(s) URL");

    private WebhookProvider(Uri? url, IReadOnlySet<string> hosts, WebhookOptions options, HttpMessageHandler? handler)
    {
        if (options.Concurrency is < 1 or > 256 || options.Attempts is < 1 or > 10 || options.OutageSeconds < 0)
            throw new ArgumentException("webhook concurrency must be 1-256, attempts 1-10 and outage seconds not negative");
        (_url, _hosts, _authorization) = (url, hosts, url is null ? null : options.Authorization);
        Patience = TimeSpan.FromSeconds(options.OutageSeconds);
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _inFlight = new SemaphoreSlim(options.Concurrency);
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => Transient(r.StatusCode));
        // The circuit opens on a provider that cannot take messages, not on answers about messages (a 500 each time).
        var unavailable = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => Unavailable(r.StatusCode));
        // Outermost first: retries around the breaker (an open circuit is not retried) around each attempt's timeout.
        _newPipeline = () =>
        {
            var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
            if (options.Attempts > 1)
            {
                builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    ShouldHandle = transient, MaxRetryAttempts = options.Attempts - 1, BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
                });
            }
            return builder
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
                {
                    ShouldHandle = unavailable, FailureRatio = 0.5, MinimumThroughput = 20, SamplingDuration = TimeSpan.FromSeconds(10),
                    BreakDuration = TimeSpan.FromSeconds(options.BreakSeconds),
                })
                .AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds))
                .Build();
        };
        _pipeline = _newPipeline();
    }

    /// <summary><see cref="WebhookOptions.OutageSeconds"/>.</summary>
    public TimeSpan Patience { get; }

    public async Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(messages.Select(message => SendAsync(message, cancellationToken)));

    private async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var url = _url;
        if (url is null && (!Uri.TryCreate(message.To, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
            return new SendResult(message, $"'{message.To}' is not an absolute http(s) URL");
        if (_url is null && _hosts.Count > 0 && !_hosts.Contains(url.Host))
            return new SendResult(message, $"host '{url.Host}' is not one the node posts alerts to (ActorCampaigns:AlertHosts)");
        await _inFlight.WaitAsync(cancellationToken);
        try
        {
            var pipeline = _url is null ? _byHost.GetOrAdd(url.Host, _ => _newPipeline()) : _pipeline;
            using var response = await pipeline.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(Body(message)) };
                request.Headers.Add("Idempotency-Key", message.MessageId);
                if (_authorization is not null)
                    request.Headers.TryAddWithoutValidation("Authorization", _authorization);
                return await _http.SendAsync(request, token);
            }, cancellationToken);
            return response.IsSuccessStatusCode
                ? new SendResult(message, null)
                : new SendResult(message, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".Trim(), Deferred: Unavailable(response.StatusCode));
        }
        catch (BrokenCircuitException)
        {
            return new SendResult(message, "circuit open: the provider kept failing", Deferred: true);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            return new SendResult(message, $"unreachable: {e.Message}", Deferred: true);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>An answer worth trying again: too many requests, a timeout, a server error.</summary>
    private static bool Transient(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    /// <summary>
    /// An answer, still there after the retries, that says the provider cannot take messages now (429, 408, 502, 503,
    /// 504): the message is deferred. Another server error (500, 501...) is about the message: it fails.
    /// </summary>
    private static bool Unavailable(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

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

namespace ActorCampaigns.Channels.Webhook;

/// <summary>Where SMS or push messages are posted (sections <c>ActorCampaigns:SmsWebhook</c>, <c>:PushWebhook</c>), and how alerts are posted (<c>:AlertWebhook</c>, its URL unused).</summary>
public sealed class WebhookOptions
{
    /// <summary>The provider's endpoint; each message is one POST of JSON with an <c>Idempotency-Key</c> header.</summary>
    public string? Url { get; set; }

    /// <summary>Optional <c>Authorization</c> header value (such as <c>Bearer …</c>).</summary>
    public string? Authorization { get; set; }

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>Tries per message, the first included, on timeouts, 429 and 5xx; other answers are final.</summary>
    public int Attempts { get; set; } = 4;

    /// <summary>Delay before the first retry; doubled at each one, with jitter.</summary>
    public int RetryDelayMilliseconds { get; set; } = 200;

    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>The circuit opens when at least half of the last 20 or more requests in 10 s failed, for this long.</summary>
    public int BreakSeconds { get; set; } = 15;

    /// <summary>
    /// How long a batch tries again, every second, the messages the provider did not take (unreachable, 429, 5xx) while
    /// none goes through; then its activity fails, and the campaign's error policy says what follows.
    /// </summary>
    public int OutageSeconds { get; set; } = 600;
}

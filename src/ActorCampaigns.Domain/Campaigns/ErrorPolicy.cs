namespace ActorCampaigns.Domain.Campaigns;

/// <summary>What a live execution does when one of its activities fails (<c>onError.policy</c>).</summary>
public enum ErrorAction
{
    /// <summary>The execution holds, the campaign is <c>failed</c> until an operator resumes it (the failed activity runs again) or stops it.</summary>
    Suspend,

    /// <summary>
    /// A channel batch its provider failed on (unreachable after its retries) is skipped: its messages count as errors,
    /// the rest go on. More than <see cref="ErrorPolicy.MaxConsecutiveErrors"/> in a row, or any other failure, suspends.
    /// </summary>
    Ignore,

    /// <summary>The campaign stops: its executions end, no occurrence follows.</summary>
    Abort,
}

/// <summary>Who hears of an error: an email address and/or a webhook URL, through the node's providers as an alert.</summary>
public sealed record ErrorNotify(string? Email, string? Webhook, string? From);

/// <summary>A campaign's error policy (the document's <c>onError</c>); a document without one suspends and tells no one.</summary>
public sealed record ErrorPolicy(ErrorAction Policy, int MaxConsecutiveErrors, ErrorNotify? Notify)
{
    public const int DefaultMaxConsecutiveErrors = 10;

    /// <summary>At most this many batches in a row may be skipped.</summary>
    public const int MostConsecutiveErrors = 100_000;

    public static ErrorPolicy Default { get; } = new(ErrorAction.Suspend, DefaultMaxConsecutiveErrors, null);
}

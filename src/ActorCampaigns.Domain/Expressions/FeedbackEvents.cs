namespace ActorCampaigns.Domain.Expressions;

/// <summary>
/// The table feedback predicates read: one row per event (delivered, opened, clicked, bounced, unsubscribed,
/// complained) of one message, named by campaign, execution, activity and profile, at a time in Unix milliseconds.
/// </summary>
public static class FeedbackEvents
{
    public const string Table = "feedback_events";

    /// <summary>How a kind is written in the table's <c>kind</c> column.</summary>
    public static string Name(FeedbackKind kind) => kind.ToString().ToLowerInvariant();
}

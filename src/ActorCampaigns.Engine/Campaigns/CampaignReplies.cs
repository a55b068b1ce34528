namespace ActorCampaigns.Engine.Campaigns;

/// <summary>What a campaign answers to a command or query.</summary>
public static class CampaignReplies
{
    /// <summary>The command's events are persisted; the campaign is now in <paramref name="Status"/>.</summary>
    public sealed record Accepted(CampaignId Id, CampaignStatus Status, ExecutionId? Execution);

    public sealed record Rejected(CampaignId Id, RejectionKind Kind, string Reason);
}

/// <summary>Questions to a campaign; they change nothing.</summary>
public static class CampaignQueries
{
    /// <summary>Answered with the <see cref="CampaignState"/>, with the live counts of running activities.</summary>
    public sealed record GetState(CampaignId Id) : IWithCampaignId;

    /// <summary>
    /// <paramref name="Watcher"/> gets the state (as <see cref="GetState"/> answers it) now and whenever it changes,
    /// at most a few times a second, until it terminates. Watching again is harmless; a watcher re-sends this now
    /// and then, so it keeps its updates when the campaign moves to another node.
    /// </summary>
    public sealed record Watch(CampaignId Id, Akka.Actor.IActorRef Watcher) : IWithCampaignId;

    /// <summary>
    /// Feedback on the campaign's messages (opens, clicks, bounces…) was recorded: the campaign reads its counts again
    /// within a second, for its watchers and status. Told once per campaign per committed batch of events.
    /// </summary>
    public sealed record FeedbackArrived(CampaignId Id) : IWithCampaignId;
}

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
    /// <summary>Answered with the <see cref="CampaignState"/>.</summary>
    public sealed record GetState(CampaignId Id) : IWithCampaignId;
}

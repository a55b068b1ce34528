namespace ActorCampaigns.Engine.Campaigns;

/// <summary>Why a command was refused; the gateway maps these to 404, 409 and 400.</summary>
public enum RejectionKind { NotFound, Conflict, Invalid }

/// <summary>What <see cref="CampaignState.Decide"/> answers: the events to persist, or why not.</summary>
public abstract record Decision
{
    public sealed record Accepted(IReadOnlyList<ICampaignEvent> Events) : Decision;

    public sealed record Rejected(RejectionKind Kind, string Reason) : Decision;
}

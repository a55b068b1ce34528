namespace ActorCampaigns.Domain.Campaigns;

/// <summary>One problem of a campaign document, at a JSON path such as <c>$.activities[3].filter</c>.</summary>
public sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

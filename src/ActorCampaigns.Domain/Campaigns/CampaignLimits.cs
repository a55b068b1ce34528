namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// How large a campaign document may be. A canvas is drawn by a person: a few dozen activities is usual, hundreds is
/// rare; the limits keep one campaign from holding its node (its actor plans the canvas on every step).
/// </summary>
public static class CampaignLimits
{
    /// <summary>Characters of the whole document.</summary>
    public const int MaxDocumentCharacters = 1 << 20;

    /// <summary>Levels of JSON nesting in a document (and in any JSON body the gateway reads).</summary>
    public const int MaxJsonDepth = 32;

    public const int MaxActivities = 500;

    public const int MaxTransitions = 2_000;
}

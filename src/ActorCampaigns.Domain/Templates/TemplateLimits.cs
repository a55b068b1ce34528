namespace ActorCampaigns.Domain.Templates;

/// <summary>
/// The limits a message template is held to wherever it runs, so a document valid on one node is valid on all.
/// What can only be known while rendering (steps, characters, time) is a node's setting instead (<c>ActorCampaigns:Rendering</c>).
/// </summary>
public static class TemplateLimits
{
    /// <summary>Characters of one template (one content field).</summary>
    public const int MaxTemplateCharacters = 100_000;

    /// <summary>Items of a range <c>(a..b)</c>; checked at validation when both ends are numbers, else while rendering.</summary>
    public const int MaxRangeItems = 10_000;
}

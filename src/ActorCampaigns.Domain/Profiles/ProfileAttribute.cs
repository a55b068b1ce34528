namespace ActorCampaigns.Domain.Profiles;

/// <summary>One typed attribute of the profile schema.</summary>
public sealed record ProfileAttribute(string Name, AttributeType Type, bool IsCore);

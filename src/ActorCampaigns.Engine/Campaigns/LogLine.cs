namespace ActorCampaigns.Engine.Campaigns;

public enum LogLevel { Info, Warning, Error }

/// <summary>A line of a campaign's log: what happened to it, to an execution or to an activity of one.</summary>
public sealed record LogLine(DateTime At, LogLevel Level, string? Execution, string? Activity, string Message);

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// One element of an activity's stream: a batch of ascending profile ids leaving by a port, with, for a channel's
/// <c>excluded</c> port, how many of them were excluded for each reason, and for its <c>out</c> port, how many messages
/// the provider refused (errors: those profiles leave by no port) and why messages of the batch could not be rendered;
/// <paramref name="Notes"/> are what the activity did that its log line tells (an alert sent, or recorded in a test).
/// </summary>
public sealed record PortBatch(string Port, long[] Ids, IReadOnlyDictionary<string, long>? Excluded = null, long Errors = 0,
    IReadOnlyCollection<string>? RenderErrors = null, IReadOnlyCollection<string>? Notes = null);

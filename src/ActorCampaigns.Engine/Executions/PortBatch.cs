namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// One element of an activity's stream: a batch of ascending profile ids leaving by a port, with, for a channel's
/// <c>excluded</c> port, how many of them were excluded for each reason.
/// </summary>
public sealed record PortBatch(string Port, long[] Ids, IReadOnlyDictionary<string, long>? Excluded = null);

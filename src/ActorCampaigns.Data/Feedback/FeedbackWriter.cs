namespace ActorCampaigns.Data.Feedback;

/// <summary>
/// Feedback events recorded by group commit (<see cref="GroupCommit{T}"/>); after each batch commits, the campaigns
/// it concerned are told to <c>committed</c> (once each), so their live counters follow.
/// </summary>
/// <param name="failed">Told each time a batch fails to be written (the node logs it).</param>
public sealed class FeedbackWriter(FeedbackStore store, Action<IReadOnlySet<string>>? committed = null, Action<Exception>? failed = null)
    : GroupCommit<FeedbackEvent>(events => store.AppendAsync(events),
        committed is null ? null : events => committed(events.Select(e => e.Campaign).ToHashSet(StringComparer.Ordinal)), failed);

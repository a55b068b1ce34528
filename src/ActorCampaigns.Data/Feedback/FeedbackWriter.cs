namespace ActorCampaigns.Data.Feedback;

/// <summary>
/// Feedback events recorded by group commit (<see cref="GroupCommit{T}"/>), opens judged a machine's or a person's
/// before they are written and scanners' clicks after (<see cref="MachineFeedback"/>); after each batch commits, the
/// campaigns it concerned are told to <c>committed</c> (once each), so their live counters follow.
/// </summary>
/// <param name="failed">Told each time a batch fails to be written (the node logs it).</param>
/// <param name="unjudged">Told when a committed batch's clicks could not be judged (they stay people's).</param>
public sealed class FeedbackWriter(FeedbackStore store, MachineFeedback machines, Action<IReadOnlySet<string>>? committed = null,
    Action<Exception>? failed = null, Action<Exception>? unjudged = null)
    : GroupCommit<FeedbackEvent>(async events =>
        {
            await store.AppendAsync(await machines.JudgeOpensAsync(events));
            // The batch is committed: nothing here may fail it, which would write it again; its clicks stay people's.
            try
            {
                await machines.MarkScannerClicksAsync(events);
            }
            catch (Exception e)
            {
                unjudged?.Invoke(e);
            }
        },
        committed is null ? null : events => committed(events.Select(e => e.Campaign).ToHashSet(StringComparer.Ordinal)), failed);

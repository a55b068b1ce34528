using ActorCampaigns.Data.Populations;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// The <c>ignore</c> error policy for one channel run: a batch its provider stayed unreachable for is skipped (its
/// messages fail, counted as errors) and the run goes on, as long as no more than <c>maxConsecutiveErrors</c> are
/// skipped in a row; one more fails the activity, which suspends the execution. The first skip tells the campaign's
/// notify targets, waiting at most <see cref="NoticeWait"/> for each target's provider (one down too would hold the
/// batches for its whole outage). A partitioned execution counts per partition's run; its notice is one for the
/// activity (claimed once in the ledger; partitions skipping at the same moment may each send it).
/// </summary>
public sealed class SkippedBatches
{
    private readonly ActivityRun _run;
    private readonly EngineServices _services;
    private readonly int _most;
    private readonly Lock _lock = new();
    private int _inRow;
    private bool _told;

    private SkippedBatches(ActivityRun run, EngineServices services, int most) => (_run, _services, _most) = (run, services, most);

    /// <summary>The run's skipping, if its campaign's policy is ignore.</summary>
    public static SkippedBatches? For(ActivityRun run, EngineServices services) =>
        run.Plan.Document.ErrorPolicy is { Policy: ErrorAction.Ignore } policy ? new SkippedBatches(run, services, policy.MaxConsecutiveErrors) : null;

    /// <summary>A batch went through: the count of batches skipped in a row starts again.</summary>
    public void Sent()
    {
        lock (_lock)
            _inRow = 0;
    }

    /// <summary>Whether the batch that failed is skipped; if not, the failure to fail the activity with, saying why.</summary>
    public bool Skip(ProviderUnreachableException unreachable, out ProviderUnreachableException failure)
    {
        lock (_lock)
        {
            failure = unreachable;
            if (_inRow < _most)
            {
                _inRow++;
                return true;
            }
            failure = new ProviderUnreachableException($"{unreachable.Message}; {_inRow} batch(es) in a row were skipped before it, " +
                $"at most {_most} may be (onError ignore, maxConsecutiveErrors)", unreachable.Reason, unreachable.Pending);
            return false;
        }
    }

    /// <summary>How long the first skip waits for its notice to go, per target (a provider call under way ends first).</summary>
    public static readonly TimeSpan NoticeWait = TimeSpan.FromSeconds(10);

    /// <summary>What the run notes of a batch it skipped; the first time, with what became of the notice.</summary>
    public async Task<IReadOnlyList<string>> NotesAsync(long batch, ProviderUnreachableException unreachable, CancellationToken cancellationToken)
    {
        var described = BatchRange.Describe(batch);
        var note = $"{described} skipped (onError ignore): {unreachable.Pending.Count} message(s) not sent, the provider unreachable ({unreachable.Reason})";
        bool first;
        lock (_lock)
            (first, _told) = (!_told, true);
        if (!first)
            return [note];
        return [note, .. await ErrorNotifications.SkippedAsync(_services, _run, described, unreachable, NoticeWait, cancellationToken)];
    }
}

using ActorCampaigns.Data.Populations;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Telemetry;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// The tail of every activity's stream: appends each batch to its port's worktable (numbered per port, so a re-run
/// writes the same rows and the worktable keeps the first) and counts it. Every declared port appears in the
/// counts, with 0 when no profile left by it. <paramref name="input"/> gives how many profiles have arrived so far.
/// In a partitioned execution batches are numbered per partition (<see cref="BatchRange"/>): a partition's run numbers
/// its own, a run over the whole population splits each batch by partition.
/// </summary>
public sealed class PortOutput(Worktables worktables, ActivityRun run, Func<long> input)
{
    private readonly Dictionary<string, long> _counts = run.Activity.OutputPorts.ToDictionary(p => p, _ => 0L);
    private readonly Dictionary<string, long> _excluded = [];
    private readonly Dictionary<(string Port, int Partition), long> _batches = [];
    private readonly List<string> _renderErrors = [];
    private readonly List<string> _notes = [];
    private long _errors;
    private readonly KeyValuePair<string, object?> _kind = new("activity.kind", ActivityKinds.Of(run.Activity).Type);

    /// <summary>The counts so far; once the stream has completed, the activity's counts.</summary>
    public ActivityCounts Counts => new(input(), new Dictionary<string, long>(_counts), new Dictionary<string, long>(_excluded), _errors,
        _renderErrors.Count == 0 ? null : _renderErrors.ToList(), _notes.Count == 0 ? null : _notes.ToList());

    /// <returns>The counts after this batch.</returns>
    public async Task<ActivityCounts> WriteAsync(PortBatch batch, CancellationToken cancellationToken)
    {
        _errors += batch.Errors;
        foreach (var (reason, count) in batch.Excluded ?? new Dictionary<string, long>())
            _excluded[reason] = _excluded.GetValueOrDefault(reason) + count;
        foreach (var reason in batch.RenderErrors ?? [])
        {
            if (_renderErrors.Count < ActivityCounts.RenderErrorsKept && !_renderErrors.Contains(reason))
                _renderErrors.Add(reason);
        }
        foreach (var note in batch.Notes ?? [])
        {
            if (_notes.Count < ActivityCounts.NotesKept)
                _notes.Add(note);
        }
        if (batch.Ids.Length > 0)
        {
            var parts = run.Partition is { } partition ? [(partition.Index, batch.Ids)]
                : run.Partitions is { } partitions ? partitions.Split(batch.Ids)
                : [(0, batch.Ids)];
            foreach (var (part, ids) in parts)
                await AppendAsync(batch.Port, part, ids, cancellationToken);
            _counts[batch.Port] = _counts.GetValueOrDefault(batch.Port) + batch.Ids.Length;
        }
        return Counts;
    }

    private async Task AppendAsync(string port, int partition, long[] ids, CancellationToken cancellationToken)
    {
        var number = _batches.GetValueOrDefault((port, partition));
        _batches[(port, partition)] = number + 1;
        var written = await worktables.AppendAsync(new PortPopulation(run.Campaign.Value, run.Execution.Value, run.Activity.Id, port), BatchRange.Number(partition, number, run.SecondWave),
            ids, cancellationToken);
        // A batch written before (a run again after a crash) is not counted again.
        if (written > 0)
        {
            CampaignMetrics.WorktableBytes.Add(written);
            CampaignMetrics.ActivityProfiles.Add(ids.Length, _kind);
        }
    }
}

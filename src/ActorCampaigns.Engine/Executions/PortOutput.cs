using ActorCampaigns.Data.Populations;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// Writes an activity's output ports to their worktables as batches (numbered per port, so a re-run writes the same
/// rows and the worktable keeps the first) and counts each port. Every declared port appears in the counts, with 0
/// when no profile left by it.
/// </summary>
public sealed class PortOutput(Worktables worktables, ActivityRun run, int batchSize)
{
    private readonly Dictionary<string, long> _counts = run.Activity.OutputPorts.ToDictionary(p => p, _ => 0L);
    private readonly Dictionary<string, long> _batches = [];

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public async Task WriteAsync(string port, long[] ids, CancellationToken cancellationToken)
    {
        for (var start = 0; start < ids.Length; start += batchSize)
        {
            var slice = ids[start..Math.Min(ids.Length, start + batchSize)];
            var number = _batches.GetValueOrDefault(port);
            _batches[port] = number + 1;
            await worktables.AppendAsync(Population(port), number, slice, cancellationToken);
            _counts[port] = _counts.GetValueOrDefault(port) + slice.Length;
        }
    }

    public PortPopulation Population(string port) => new(run.Campaign.Value, run.Execution.Value, run.Activity.Id, port);
}

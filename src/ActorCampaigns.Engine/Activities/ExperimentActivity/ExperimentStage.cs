using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Sends each profile by its arm's port as it arrives (<see cref="ExperimentArms"/>), the rest by <c>holdback</c>.
/// Once decided (the campaign runs it again with the decision), it writes the same batches again, kept once, then
/// the held-back profiles by the winner's port, after the arm's own: the winner's path, run again, takes them as a
/// second wave.
/// </summary>
public sealed class ExperimentStage : ActivityStage<ExperimentActivity>
{
    public override bool RunsPerPartition(Activity activity) => true;

    protected override bool StreamsInbound(ExperimentActivity activity, ExecutionMode mode) => true;

    protected override Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, ExperimentActivity experiment, long input,
        CancellationToken cancellationToken)
    {
        var arms = new ExperimentArms(experiment, run.Campaign.Value, run.Execution.Value);
        var first = Source.From(() => runner.Union(run, run.Inbound, cancellationToken)).SelectMany(ids => Assign(experiment, arms, ids));
        if (run.Decision is not { } decided)
            return Task.FromResult(first);
        var winner = ExperimentDecision.Parse(decided).Winner;
        var second = Source.From(() => runner.Union(run, run.Inbound, cancellationToken))
            .Select(ids => new PortBatch(winner, ids.Where(id => arms.Of(id) == ExperimentActivity.Holdback).ToArray()));
        return Task.FromResult(first.Concat(second));
    }

    private static IEnumerable<PortBatch> Assign(ExperimentActivity experiment, ExperimentArms arms, long[] ids)
    {
        var ports = experiment.OutputPorts.ToDictionary(p => p, _ => new List<long>());
        foreach (var id in ids)
            ports[arms.Of(id)].Add(id);
        return ports.Select(p => new PortBatch(p.Key, p.Value.ToArray()));
    }
}

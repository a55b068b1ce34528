using ActorCampaigns.Data.Populations;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Sends each profile by its arm's port as it arrives (<see cref="ExperimentArms"/>), the rest by <c>holdback</c>.
/// Once decided, the campaign runs it again for the second wave: it reads back its <c>holdback</c> and writes it by
/// the winner's port as second-wave batches, which the winner's path, run again, takes alone.
/// </summary>
public sealed class ExperimentStage : ActivityStage<ExperimentActivity>
{
    public override bool RunsPerPartition(Activity activity) => true;

    protected override bool StreamsInbound(ExperimentActivity activity, ExecutionMode mode) => true;

    protected override Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, ExperimentActivity experiment, long input,
        CancellationToken cancellationToken)
    {
        if (run.SecondWave && run.Decision is { } decided)
        {
            var winner = ExperimentDecision.Parse(decided).Winner;
            var heldBack = new PortPopulation(run.Campaign.Value, run.Execution.Value, experiment.Id, ExperimentActivity.Holdback, run.Partition?.Batches);
            return Task.FromResult(Source.From(() => runner.Services.Worktables.ReadAsync(heldBack, cancellationToken: cancellationToken))
                .Select(ids => new PortBatch(winner, ids)));
        }
        if (run.Decision is not null)
            throw new InvalidOperationException($"experiment '{experiment.Id}' has decided and runs again only for its second wave");
        var arms = new ExperimentArms(experiment, run.Campaign.Value, run.Execution.Value);
        return Task.FromResult(Source.From(() => runner.Union(run, run.Inbound, cancellationToken)).SelectMany(ids => Assign(experiment, arms, ids)));
    }

    private static IEnumerable<PortBatch> Assign(ExperimentActivity experiment, ExperimentArms arms, long[] ids)
    {
        var ports = experiment.OutputPorts.ToDictionary(p => p, _ => new List<long>());
        foreach (var id in ids)
            ports[arms.Of(id)].Add(id);
        return ports.Select(p => new PortBatch(p.Key, p.Value.ToArray()));
    }
}

using System.Diagnostics;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Data.Samples;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Hosting;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;

namespace ActorCampaigns.Node.Demo;

/// <summary>
/// <c>--demo</c>: on an empty data dir, imports generated sample profiles; then creates, tests and publishes the
/// sample campaign and prints each activity's progress until the execution completes. The node keeps serving after.
/// </summary>
public sealed class DemoRun(EngineServices services, CampaignIndex index, IRequiredActor<CampaignRegion> region, NodeOptions node, TextWriter output)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var profiles = await services.Profiles.CountAsync(null, EvaluationContext.At(DateTime.UtcNow), cancellationToken);
        if (profiles == 0)
            await ImportSamplesAsync(cancellationToken);
        else
            output.WriteLine($"demo: {profiles:N0} profiles already in {node.DataDir}");

        var document = CampaignValidator.Validate(SampleCampaign.Document, await services.Profiles.GetSchemaAsync(cancellationToken)).Document
            ?? throw new InvalidOperationException("the demo campaign does not validate against the profile schema");
        var id = new CampaignId($"demo-{DateTime.UtcNow:yyyyMMddHHmmss}");
        await index.AddAsync(id.Value, document.Name, cancellationToken);
        var entity = await region.GetAsync(cancellationToken);
        await entity.Ask<CampaignReplies.Accepted>(new Create(id, document), AskTimeout, cancellationToken);
        output.WriteLine($"demo: campaign {id} created; test run (nothing is sent):");
        var test = await entity.Ask<CampaignReplies.Accepted>(new StartTest(id), AskTimeout, cancellationToken);
        await FollowAsync(entity, id, test.Execution!, cancellationToken);
        output.WriteLine($"demo: publishing {id}:");
        var live = await entity.Ask<CampaignReplies.Accepted>(new Publish(id), AskTimeout, cancellationToken);
        await FollowAsync(entity, id, live.Execution!, cancellationToken);
        output.WriteLine($"demo: done; messages are in {Path.Combine(node.DataDir, "outbox")}; status at /api/campaigns/{id}/status. Ctrl+C stops the node.");
    }

    private async Task ImportSamplesAsync(CancellationToken cancellationToken)
    {
        var csv = Path.Combine(node.DataDir, "sample-profiles.csv");
        output.WriteLine($"demo: {node.DataDir} has no profiles: generating {node.DemoProfiles:N0} sample profiles");
        await using (var file = File.Create(csv))
            await new ProfileGenerator(seed: 1).WriteAsync(file, node.DemoProfiles, cancellationToken: cancellationToken);
        await using (var file = File.OpenRead(csv))
        {
            var summary = await services.Profiles.ImportCsvAsync(file, new SynchronousProgress<ImportProgress>(p =>
                output.WriteLine($"demo: importing... {p.Lines:N0} lines, {p.Imported:N0} imported")), cancellationToken);
            output.WriteLine($"demo: imported {summary.Imported:N0}, updated {summary.Updated:N0}, rejected {summary.Rejected:N0} in {summary.Elapsed.TotalSeconds:F1} s");
        }
        File.Delete(csv);
    }

    /// <summary>Prints each activity when its state or counts change, until the execution ends.</summary>
    private async Task FollowAsync(IActorRef entity, CampaignId id, ExecutionId execution, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var printed = new Dictionary<string, string>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var state = await entity.Ask<CampaignState>(new CampaignQueries.GetState(id), AskTimeout, cancellationToken);
            var run = state.Execution(execution)!;
            foreach (var (activity, view) in run.Activities)
            {
                var line = $"{activity,-10} {view.State.ToString().ToLowerInvariant(),-9} in {view.Counts.In,10:N0}  out "
                    + string.Join(", ", view.Counts.Out.Select(p => $"{p.Key} {p.Value:N0}"))
                    + (view.Counts.Excluded.Count > 0 ? "  excluded " + string.Join(", ", view.Counts.Excluded.Select(e => $"{e.Key} {e.Value:N0}")) : "")
                    + (view.Failure is null ? "" : $"  failed: {view.Failure}");
                if (printed.GetValueOrDefault(activity) != line && view.State != ActivityState.Pending)
                {
                    output.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F1}s  {line}");
                    printed[activity] = line;
                }
            }
            if (!run.IsActive)
            {
                output.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F1}s  execution {execution} {run.State.ToString().ToLowerInvariant()}");
                return;
            }
            await Task.Delay(250, cancellationToken);
        }
    }
}

using ActorCampaigns.Engine.Campaigns;
using Akka.Actor;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// Runs one activity of one execution as a child of its campaign, and tells the campaign how it ended. Stopping it
/// (stop, passivation, shutdown) cancels the run; a re-run later writes the same batches, kept once.
/// </summary>
public sealed class ActivityActor : ReceiveActor
{
    /// <summary>Told to the parent campaign; local to the node, never persisted.</summary>
    public sealed record Finished(ExecutionId Execution, string Activity, ActivityCounts Counts);

    public sealed record Failed(ExecutionId Execution, string Activity, string Reason);

    private readonly CancellationTokenSource _cancel = new();

    public ActivityActor(ActivityRun run, EngineServices services)
    {
        Receive<Finished>(finished =>
        {
            Context.Parent.Tell(finished);
            Context.Stop(Self);
        });
        Receive<Status.Failure>(failure =>
        {
            var reason = failure.Cause is AggregateException { InnerException: { } inner } ? inner.Message : failure.Cause.Message;
            Context.Parent.Tell(new Failed(run.Execution, run.Activity.Id, reason));
            Context.Stop(Self);
        });
        new ActivityRunner(services).RunAsync(run, _cancel.Token)
            .PipeTo(Self, success: counts => new Finished(run.Execution, run.Activity.Id, counts));
    }

    public static Props Props(ActivityRun run, EngineServices services) => Akka.Actor.Props.Create(() => new ActivityActor(run, services));

    protected override void PostStop() => _cancel.Cancel();
}

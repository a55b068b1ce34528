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

    /// <summary>A wait whose time has not come: the campaign runs it again once the clock passes <paramref name="Until"/>.</summary>
    public sealed record Waiting(ExecutionId Execution, string Activity, DateTime Until);

    private readonly CancellationTokenSource _cancel = new();

    public ActivityActor(ActivityRun run, EngineServices services)
    {
        Receive<Finished>(ReportAndStop);
        Receive<Waiting>(ReportAndStop);
        Receive<Status.Failure>(failure =>
        {
            var reason = failure.Cause is AggregateException { InnerException: { } inner } ? inner.Message : failure.Cause.Message;
            ReportAndStop(new Failed(run.Execution, run.Activity.Id, reason));
        });
        // A thread of its own: an activity reads and writes synchronously for seconds at a time, which on the shared
        // pool delayed the cluster's heartbeats (seen at 10M profiles on two cores).
        var token = _cancel.Token;
        Task.Factory.StartNew(() => new ActivityRunner(services).RunAsync(run, token).GetAwaiter().GetResult(), token,
                TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .PipeTo(Self, success: outcome => outcome switch
        {
            ActivityOutcome.Waiting waiting => new Waiting(run.Execution, run.Activity.Id, waiting.Until),
            ActivityOutcome.Done done => (object)new Finished(run.Execution, run.Activity.Id, done.Counts),
            _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
        });
    }

    private void ReportAndStop(object report)
    {
        Context.Parent.Tell(report);
        Context.Stop(Self);
    }

    public static Props Props(ActivityRun run, EngineServices services) => Akka.Actor.Props.Create(() => new ActivityActor(run, services));

    protected override void PostStop() => _cancel.Cancel();
}

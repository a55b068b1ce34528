using ActorCampaigns.Data;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Engine.Telemetry;
using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// Runs one activity of one execution as a child of its campaign: prepares its stage, streams it, tells the campaign
/// its counts after every batch and how it ended. <see cref="Hold"/> (pause) ends the stream at the next batch
/// boundary; stopping the actor (stop, passivation, shutdown) stops the stream with it. A re-run later writes the
/// same batches, kept once.
/// </summary>
public sealed class ActivityActor : ReceiveActor
{
    /// <summary>Told to the parent campaign; local to the node, never persisted.</summary>
    public sealed record Progress(ExecutionId Execution, string Activity, ActivityCounts Counts);

    /// <param name="StartedAt">When the run started, on the engine's clock.</param>
    public sealed record Finished(ExecutionId Execution, string Activity, ActivityCounts Counts, DateTime? StartedAt = null);

    public sealed record Failed(ExecutionId Execution, string Activity, string Reason);

    /// <summary>
    /// A wait whose time has not come, or a channel whose messages wait for their time (<paramref name="Counts"/> so
    /// far, <paramref name="Messages"/> waiting when known): the campaign runs it again once the clock passes <paramref name="Until"/>.
    /// </summary>
    /// <param name="StartedAt">When this run started: the activity's start, if its first.</param>
    public sealed record Waiting(ExecutionId Execution, string Activity, DateTime Until, ActivityCounts? Counts = null, long? Messages = null,
        DateTime? StartedAt = null);

    /// <summary>The activity stopped at a batch boundary on <see cref="Hold"/>; resuming runs it again from its committed batches.</summary>
    public sealed record Held(ExecutionId Execution, string Activity, ActivityCounts Counts);

    /// <summary>From the campaign: an activity of the execution has completed (one feeding this one, maybe).</summary>
    public sealed record InboundCompleted(string Activity);

    /// <summary>From the campaign when it pauses.</summary>
    public sealed class Hold
    {
        public static readonly Hold Instance = new();
    }

    private sealed record Streamed(ActivityCounts Counts);

    private sealed record Signalled(ActivityCounts Counts, object Reply);

    /// <summary>How long a run that lost its database waits for it to answer before failing anyway.</summary>
    private static readonly TimeSpan OutageWait = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _cancel = new();
    private readonly ActivityRun _run;
    private readonly DateTime _startedAt;

    /// <summary>The run's span (<see cref="CampaignTracing"/>), under its execution's; ended with the report.</summary>
    private System.Diagnostics.Activity? _span;
    private UniqueKillSwitch? _switch;
    private bool _holding;

    public ActivityActor(ActivityRun run, EngineServices services)
    {
        _startedAt = services.Clock.GetUtcNow().UtcDateTime;
        _span = StartSpan(run);
        run = run with { Span = _span?.Context ?? default };
        _run = run;
        var runner = new ActivityRunner(services);
        Receive<Waiting>(ReportAndStop);
        Receive<ActivityRunner.Prepared>(prepared =>
        {
            var (parent, self) = (Context.Parent, Self);
            if (_holding)
            {
                ReportAndStop(new Held(run.Execution, run.Activity.Id, ActivityCounts.None with { In = prepared.Input() }));
                return;
            }
            parent.Tell(new Progress(run.Execution, run.Activity.Id, ActivityCounts.None with { In = prepared.Input() }), self);
            var (killSwitch, counts) = runner.Materialize(run, prepared, ActivityDispatcher.Materializer(Context, Context.System),
                progress => parent.Tell(new Progress(run.Execution, run.Activity.Id, progress), self), _cancel.Token);
            _switch = killSwitch;
            counts.PipeTo(Self, success: c => new Streamed(c));
        });
        Receive<Streamed>(streamed =>
        {
            if (_holding)
                ReportAndStop(new Held(run.Execution, run.Activity.Id, streamed.Counts));
            else if (run.Later.Until is { } until)
                ReportAndStop(new Waiting(run.Execution, run.Activity.Id, until, streamed.Counts, run.Later.Messages, _startedAt));
            else if (run.Activity is EndActivity { Signal: { } signal } && run.Mode == ExecutionMode.Live)
                SignalAsync(signal).PipeTo(Self, success: reply => new Signalled(streamed.Counts, reply));
            else
                ReportAndStop(new Finished(run.Execution, run.Activity.Id, streamed.Counts, _startedAt));
        });
        Receive<Signalled>(signalled => ReportAndStop(signalled.Reply is CampaignReplies.Rejected rejected
            ? new Failed(run.Execution, run.Activity.Id, $"campaign '{rejected.Id}' refused the signal: {rejected.Reason}")
            : new Finished(run.Execution, run.Activity.Id, signalled.Counts, _startedAt)));
        Receive<InboundCompleted>(completed => run.Upstream.Complete(completed.Activity));
        Receive<Hold>(_ =>
        {
            _holding = true;
            _switch?.Shutdown();
        });
        Receive<Status.Failure>(failure =>
        {
            var cause = failure.Cause is AggregateException { InnerException: { } inner } ? inner : failure.Cause;
            if (DiskFull.Is(cause))
            {
                ReportAndStop(new Failed(run.Execution, run.Activity.Id, $"{DiskFull.Reason} ({cause.Message}); resume the campaign once there is space"));
                return;
            }
            if (!DatabaseOutage.Is(cause))
            {
                ReportAndStop(new Failed(run.Execution, run.Activity.Id, cause.Message));
                return;
            }
            // Reported once the database answers, so the campaign's journal can record the failure (a write that fails
            // stops the campaign, and the failure would be lost).
            services.Profiles.Database.AnswersAgainAsync(OutageWait, _cancel.Token).PipeTo(Self, success: back => new Failed(run.Execution, run.Activity.Id,
                back
                    ? $"the database was unavailable ({cause.Message}); it answers again: resume the campaign to go on"
                    : $"the database is unavailable ({cause.Message}); resume the campaign once it answers again"));
        });
        Receive<Failed>(ReportAndStop);
        if (runner.WaitsUntil(run) is { } until)
            Self.Tell(new Waiting(run.Execution, run.Activity.Id, until, StartedAt: _startedAt));
        else
            runner.PrepareAsync(run, _cancel.Token).PipeTo(Self);
    }

    /// <summary>
    /// The end activity's signal: a live execution of another campaign, triggered at least once and started once
    /// (the trigger names this activity, which the other campaign remembers).
    /// </summary>
    private Task<object> SignalAsync(EndSignal signal)
    {
        var region = ActorRegistry.For(Context.System).Get<CampaignRegion>();
        var source = $"{_run.Campaign}/{_run.Execution}/{_run.Activity.Id}";
        return region.Ask<object>(new CampaignCommands.Trigger(new CampaignId(signal.Campaign), signal.Variables, source, _span?.Id), TimeSpan.FromSeconds(30),
            _cancel.Token);
    }

    private void ReportAndStop(object report)
    {
        EndSpan(report);
        Context.Parent.Tell(report);
        Context.Stop(Self);
    }

    /// <summary>The run's span, under its execution's.</summary>
    private static System.Diagnostics.Activity? StartSpan(ActivityRun run)
    {
        var span = CampaignTracing.StartUnder($"campaign.activity {ActivityKinds.Of(run.Activity).Type}", run.Trace);
        span?.SetTag("actorcampaigns.campaign.id", run.Campaign.Value).SetTag("actorcampaigns.execution.id", run.Execution.Value)
            .SetTag("actorcampaigns.activity.id", run.Activity.Id).SetTag("actorcampaigns.activity.kind", ActivityKinds.Of(run.Activity).Type)
            .SetTag("actorcampaigns.partition", run.Partition?.Index).SetTag("actorcampaigns.second_wave", run.SecondWave ? true : null);
        return span;
    }

    /// <summary>Ends the run's span with how it ended and its counts.</summary>
    private void EndSpan(object report)
    {
        if (_span is not { } span)
            return;
        _span = null;
        var (outcome, counts) = report switch
        {
            Finished finished => ("completed", finished.Counts),
            Waiting waiting => ("waiting", waiting.Counts),
            Held held => ("held", held.Counts),
            Failed => ("failed", null),
            _ => ("stopped", null),
        };
        span.SetTag("actorcampaigns.activity.outcome", outcome);
        if (counts is not null)
            CampaignTracing.SetCounts(span, counts);
        if (report is Failed failed)
            span.SetStatus(System.Diagnostics.ActivityStatusCode.Error, failed.Reason);
        span.Stop();
    }

    public static Props Props(ActivityRun run, EngineServices services) =>
        Akka.Actor.Props.Create(() => new ActivityActor(run, services)).WithDispatcher(ActivityDispatcher.Id);

    protected override void PostStop()
    {
        // Stopped without a report (stop, passivation, shutdown): the span says so.
        EndSpan(PoisonPill.Instance);
        _cancel.Cancel();
    }
}

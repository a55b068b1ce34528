using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// The engine's side of a kind of activity: the stream an activity of it runs as (a source of
/// <see cref="PortBatch"/>es that the runner writes to the worktables), and how it sits in an execution. Its document
/// side is its <see cref="ActivityKind"/>; a kind is registered in <see cref="ActivityStages"/>.
/// </summary>
public abstract class ActivityStage
{
    public abstract Type Record { get; }

    /// <summary>
    /// Whether it starts while what feeds it still runs, taking its inbound populations batch by batch in id order as
    /// they are written; otherwise it needs them whole, and starts once they are done.
    /// </summary>
    public virtual bool StreamsInbound(Activity activity, ExecutionMode mode) => false;

    /// <summary>
    /// Whether, in a partitioned execution, it runs once per partition wherever the cluster places it, each run looking
    /// only at its partition's profiles (it looks at each profile alone); otherwise it runs once, at the campaign, over
    /// the whole population, and its output is split by partition again.
    /// </summary>
    public virtual bool RunsPerPartition(Activity activity) => false;

    /// <summary>
    /// Whether, in a partitioned execution, the campaign first decides something over the whole population
    /// (<see cref="DecideAsync"/>, journaled) that each partition's run then applies to its own profiles.
    /// </summary>
    public virtual bool DecidesFirst(Activity activity) => false;

    /// <summary>The decision, as JSON, over the whole inbound population of <paramref name="run"/> (a run at the campaign, of no partition).</summary>
    public virtual Task<string> DecideAsync(ActivityRunner runner, ActivityRun run, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"activities of type {run.Activity.GetType().Name} decide nothing first");

    /// <summary>Whether activities downstream may stream its output while it runs (a wait holds its population until its time).</summary>
    public virtual bool WritesAsItGoes => true;

    /// <summary>In a test execution it sends or saves nothing and is held, showing what it would have taken in.</summary>
    public virtual bool HeldInTest => false;

    /// <summary>When it may run, if not now (a wait before its time).</summary>
    public virtual DateTime? WaitsUntil(ActivityRun run, DateTime now) => null;

    /// <param name="input">How many profiles arrived, when everything feeding it was done before it started; 0 when it streams them.</param>
    public abstract Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, long input, CancellationToken cancellationToken);
}

/// <summary>A stage for activities of record <typeparamref name="T"/>.</summary>
public abstract class ActivityStage<T> : ActivityStage where T : Activity
{
    public sealed override Type Record => typeof(T);

    public sealed override bool StreamsInbound(Activity activity, ExecutionMode mode) => StreamsInbound((T)activity, mode);

    public sealed override Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, long input, CancellationToken cancellationToken) =>
        CreateAsync(runner, run, (T)run.Activity, input, cancellationToken);

    protected virtual bool StreamsInbound(T activity, ExecutionMode mode) => false;

    protected abstract Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, T activity, long input, CancellationToken cancellationToken);
}

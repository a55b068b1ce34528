using ActorCampaigns.Channels.Templates;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// What the channel kinds share: a live execution sends its population as it arrives (<see cref="ChannelStream"/>),
/// or, when its messages wait for their recipients' local time, the groups due (<see cref="LocalSendGroups"/>) and
/// waits for the next; a test execution holds the activity with the number it would send.
/// </summary>
public abstract class ChannelStage<T> : ActivityStage<T> where T : ChannelActivity
{
    public override bool HeldInTest => true;

    /// <summary>Per partition, unless its messages wait for their local time: it groups its whole population by time zone.</summary>
    public override bool RunsPerPartition(Activity activity) => ((T)activity).SendAt is null;

    protected override bool StreamsInbound(T activity, ExecutionMode mode) => mode == ExecutionMode.Live && activity.SendAt is null;

    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, T channel, long input,
        CancellationToken cancellationToken)
    {
        if (run.Mode == ExecutionMode.Test)
            return Source.Empty<PortBatch>();
        var services = runner.Services;
        // Fed by an entity's rows, it sends one message per row, to the row's profile; the rows carry no enrich column.
        var entity = run.Plan.InputOf(channel.Id).Entity is { } name ? await runner.EntityAsync(run, name, cancellationToken) : null;
        var attributes = (await services.Profiles.GetSchemaAsync(cancellationToken)).Attributes.Select(a => a.Name);
        var stream = new ChannelStream(run, channel,
            entity is null ? attributes.Concat((await runner.EnrichColumnsAsync(run, cancellationToken)).Keys) : attributes, services.GlobalControl, entity is not null);
        // The activity as the ledger and the quota know its sending: an experiment's second wave apart from its first.
        var sender = run.SecondWave ? $"{channel.Id}#second-wave" : channel.Id;
        var started = channel.MaxDuration is not null || channel.SendAt is not null
            ? await services.Ledger.SendingStartedAsync(run.Campaign.Value, run.Execution.Value, sender, services.Clock.GetUtcNow(), cancellationToken)
            : (DateTimeOffset?)null;
        // A maximum send duration counts from the activity's first start, the same for every rerun and partition; an
        // experiment's second wave, which starts after its window, counts from its own.
        DateTimeOffset? deadline = channel.MaxDuration is { } maxDuration && Domain.Time.IsoDuration.TryParse(maxDuration, out var duration, out _)
            ? started + duration
            : null;
        var population = runner.Union(run, run.Inbound, cancellationToken);
        string? note = null;
        IReadOnlyList<long>? numbers = null;
        if (channel.SendAt is { } sendAt)
        {
            var groups = await LocalSendGroups.ReadAsync(runner, run, sendAt.Time, started!.Value, services.TimeZone, cancellationToken);
            ((population, numbers), note) = (groups.Due(services.Clock.GetUtcNow(), deadline, run.Later, services.BatchSize), groups.Note);
        }
        var profiles = entity is null ? await runner.ReadColumnsAsync(run, population, stream.Columns, [], cancellationToken)
            : EntityRecipients.ReadAsync(services.Profiles, entity, population, stream.Columns, stream.RowColumns, cancellationToken);
        var unsubscribed = await services.Feedback.UnsubscribedAsync(stream.Name, cancellationToken);
        var capping = services.Cap is { } cap
            ? new FrequencyCapping(services.Ledger, cap, stream.Name, services.Clock, new Data.Deliveries.DeliveryBatch(run.Campaign.Value, run.Execution.Value, channel.Id, 0),
                perRow: entity is not null)
            : null;
        // A profile held back as the global control group is recorded, at the time its message would have left, so the
        // report can compare what it did with what those sent did (a batch run again records its profiles again, counted once).
        Task Held(IReadOnlyList<long> held) => services.Feedback.AppendAsync(held.Select(profile => new Data.Feedback.FeedbackEvent(run.Campaign.Value,
            run.Execution.Value, channel.Id, profile, Domain.Expressions.FeedbackKind.Held, services.Clock.GetUtcNow())).ToList(), cancellationToken);
        var gate = services.Quotas.TryGetValue(stream.Name, out var quota)
            ? new QuotaGate(services.QuotaCounter, stream.Name, quota, new Data.Deliveries.QuotaWaiter(run.Campaign.Value, run.Execution.Value, sender,
                run.Partition?.Index ?? -1), services.Clock)
            : null;
        var sends = stream.Create(profiles, unsubscribed, Delivery.For(services, Lease(services, run)),
            services.Tracking, capping, services.Rendering ?? RenderLimits.Default, Held, new Timing(deadline, Quiet(services, channel, stream.Name), services.Clock),
            numbers, gate, SkippedBatches.For(run, services), cancellationToken);
        // A run done sending leaves the quota's queue at once: while it seemed to wait, others would get but a part.
        if (gate is not null)
            sends = sends.Concat(Source.Single(gate).SelectAsync(1, done => done.LeaveAsync()).Where(_ => false).Select(_ => new PortBatch(Transition.DefaultPort, [])));
        return note is null ? sends : Source.Single(new PortBatch(Transition.DefaultPort, [], Notes: [note])).Concat(sends);
    }

    /// <summary>
    /// The activity's own quiet hours (in the node's time zone for the channel, else UTC), whatever its category; else
    /// the node's for its channel, for marketing messages only.
    /// </summary>
    private static QuietWindow? Quiet(Executions.EngineServices services, T channel, string name)
    {
        var node = services.QuietHours.GetValueOrDefault(name);
        if (channel.QuietHours is { } own)
            return own.Window is { } hours ? new QuietWindow(hours, node?.Zone ?? TimeZoneInfo.Utc) : null;
        return channel.Category == MessageCategory.Marketing ? node : null;
    }

    /// <summary>The lease a partition's run sends under; none for a run over the whole population.</summary>
    private static PartitionLease? Lease(Executions.EngineServices services, ActivityRun run) => run.Partition is { } partition
        ? new PartitionLease(services.Ledger, new Data.Deliveries.PartitionEpoch(run.Campaign.Value, run.Execution.Value, run.Activity.Id, partition.Index, partition.Epoch),
            services.Clock)
        : null;
}

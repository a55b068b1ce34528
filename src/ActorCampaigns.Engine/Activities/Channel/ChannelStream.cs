using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Templates;
using ActorCampaigns.Channels.Tracking;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Populations;
using ActorCampaigns.Domain.Templates;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// A channel's stream: render each profile's message or exclude it with its reason (no address; for marketing, no
/// consent, named <c>unsubscribed</c> when the profile withdrew it through an unsubscribe of this channel; for
/// marketing, in the node's global control group: <c>globalControl</c>; the node's frequency cap reached: <c>capped</c>; its maximum
/// send duration over before the batch began: <c>expired</c>; in quiet hours that drop: <c>quietHours</c>; a render error), end
/// at quiet hours that hold (the run waits for them to end), send the batch exactly once, and let
/// the sent profiles out by <c>out</c> and the others by <c>excluded</c>. Emails get their links tracked, an open pixel and a one-click unsubscribe URL when the node
/// tracks. Reading, rendering and sending run as three stages, so they overlap.
/// </summary>
public sealed class ChannelStream
{
    private const string Excluded = "excluded";

    private const string GlobalControl = "globalControl";

    private readonly ActivityRun _run;
    private readonly ChannelActivity _channel;
    private readonly string _name;
    private readonly string _address;
    private readonly string _optIn;
    private readonly HashSet<string> _named;
    private readonly GlobalControlGroup? _control;

    /// <param name="columns">Every column a population could carry: profile attributes and the enrich columns this activity sees.</param>
    /// <param name="control">The node's global control group, if it has one: its profiles get no marketing message.</param>
    /// <param name="perRow">Whether it is fed by an entity's rows (<see cref="EntityRecipients"/>): one message per row, to its profile.</param>
    public ChannelStream(ActivityRun run, ChannelActivity channel, IEnumerable<string> columns, GlobalControlGroup? control = null, bool perRow = false)
    {
        (_run, _channel, _control, _perRow) = (run, channel, control, perRow);
        var kind = (IChannelKind)ActivityKinds.Of(channel);
        (_name, _address, _optIn) = (kind.Channel, kind.Address, kind.OptIn);
        var named = TemplateNames.Roots(channel.Templates.Select(t => t.Template));
        // Fed by an entity's rows, `entity` is the row, whatever the profiles have.
        _named = columns.Where(c => named.Contains(c) && !(perRow && c == EntityRecipients.Row)).ToHashSet();
        Columns = _named.Append(_address).Append(_optIn).Distinct().ToList();
        if (perRow)
            _named.Add(EntityRecipients.Row);
        RowColumns = perRow ? TemplateNames.Members(channel.Templates.Select(t => t.Template), EntityRecipients.Row) : [];
    }

    private readonly bool _perRow;

    /// <summary>What the messages need of each profile: its address, its consent and what the templates name.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Fed by an entity's rows: the columns of the rows the templates name (<c>entity.amount</c>).</summary>
    public IReadOnlyList<string> RowColumns { get; }

    /// <summary>The channel's name in feedback events (an unsubscribe names the channel it was from).</summary>
    public string Name => _name;

    /// <param name="profiles">The inbound population's batches with <see cref="Columns"/>.</param>
    /// <param name="unsubscribed">The profiles (ascending ids) that unsubscribed from this channel.</param>
    /// <param name="capping">The node's frequency cap, if it has one; it applies to marketing messages.</param>
    /// <param name="held">Records the profiles of a batch held back as the global control group (their message is not sent).</param>
    /// <param name="timing">When it may send: its maximum send duration and quiet hours.</param>
    /// <param name="groups">
    /// For messages sent at their local time: the first ledger batch number of each inbound batch's group, in order
    /// (a group's batches numbered on from it); null: batches numbered in turn from 0.
    /// </param>
    /// <param name="quota">The turn at the provider's quota, when the node sets one for the channel.</param>
    /// <param name="skipping">Under the campaign's <c>ignore</c> error policy, the batches skipped (their provider unreachable); else none.</param>
    public Source<PortBatch, NotUsed> Create(IAsyncEnumerable<ProfileBatch> profiles, long[] unsubscribed, Delivery delivery, LinkTracking? tracking,
        FrequencyCapping? capping, RenderLimits rendering, Func<IReadOnlyList<long>, Task> held, Timing timing, IReadOnlyList<long>? groups, QuotaGate? quota,
        SkippedBatches? skipping, CancellationToken cancellationToken)
    {
        var slice = SliceOf(quota);
        capping = _channel.Category == MessageCategory.Marketing ? capping : null;
        var tracked = _channel is EmailActivity ? tracking : null;
        var templates = new MessageTemplates(_channel, _run.CampaignName, _run.Context.Variables, rendering);
        var sending = new Sending(_name, _channel.Category, PerRow: _perRow);
        var numbered = Source.From(() => Numbered(profiles, groups, slice)).Async();
        // Which profiles of a batch reached the cap is one query per batch, only when the node caps.
        var checkedForCap = capping is null
            ? numbered.Select(next => (Batch: next.Item1, Number: next.Item2, Sent: NoneSent))
            : numbered.SelectAsync(1, async next => (Batch: next.Item1, Number: next.Item2,
                Sent: await capping.SentAsync(ProfilesOf(next.Item1).Distinct().Order().ToArray(), cancellationToken)));
        // A batch takes its place in the provider's quota (its profiles not capped, at most), then is judged on the
        // clock as it is after that wait: quiet hours or the deadline may have come meanwhile.
        // The batch's state in the ledger is read once, and only if the quota or the timing asks for it.
        var checkedForTime = checkedForCap.SelectAsync(1, async next =>
        {
            var recorded = new Lazy<Task<string?>>(() => delivery.BatchStateAsync(BatchOf(next.Number), cancellationToken));
            if (quota is not null)
                await quota.TakeAsync(next.Batch.Count - (capping is null ? 0 : ProfilesOf(next.Batch).Count(p => capping.Reached(p, next.Sent))),
                    async () => await recorded.Value is not null, cancellationToken);
            return (next.Batch, next.Number, next.Sent, Verdict: await timing.JudgeAsync(() => recorded.Value,
                () => delivery.DropAsync(BatchOf(next.Number), cancellationToken)));
        });
        return checkedForTime
            // Quiet hours that hold end the run at this batch: it runs again when they are over, reading its profiles
            // (their consent, the cap) afresh.
            .TakeWhile(next =>
            {
                if (next.Verdict.HeldUntil is not { } until)
                    return true;
                _run.Later.Leave(until, null);
                return false;
            })
            // Rendered off the stage's thread: a stage busy rendering could not stop, and its activity, campaign and node
            // wait for it to stop before they cancel what it renders. No asynchronous boundary after it: its buffer held
            // rendered messages (tens of MB a batch) for the GC to promote. Messages are rendered into the provider's own
            // form: for the outbox, straight into its lines (pooled bytes, a few MB a batch), not kept as strings.
            .SelectAsync(1, next => Task.Run(() => Render(next.Batch, unsubscribed, capping, next.Sent, next.Verdict.Reason, templates, tracked, delivery, next.Number,
                    cancellationToken), cancellationToken))
            .Via(Throttled(slice))
            // The rendered messages are let go once sent (disposed): marking needs only the ids.
            .SelectAsync(delivery.BatchesInFlight(_name), async rendered =>
            {
                if (rendered.Messages.Count == 0)
                {
                    rendered.Messages.Dispose();
                    return (Rendered: rendered, Outcome: DeliveryOutcome.None);
                }
                // The batch's span; the provider's calls made while it is current go under it.
                using var span = BatchSpan(rendered);
                try
                {
                    var outcome = await delivery.SendAsync(BatchOf(rendered), sending, rendered.Messages, cancellationToken);
                    skipping?.Sent();
                    span?.SetTag("actorcampaigns.batch.sent", outcome.Sent).SetTag("actorcampaigns.batch.failed", outcome.Failed.Count);
                    return (Rendered: rendered, Outcome: outcome);
                }
                catch (ProviderUnreachableException unreachable) when (skipping is not null)
                {
                    if (!skipping.Skip(unreachable, out var failure))
                    {
                        span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, failure.Message);
                        throw failure;
                    }
                    var outcome = await delivery.SkipAsync(BatchOf(rendered), sending, rendered.Messages, unreachable, cancellationToken);
                    var notes = await skipping.NotesAsync(BatchOf(rendered).Batch, unreachable, cancellationToken);
                    span?.SetTag("actorcampaigns.batch.skipped", unreachable.Pending.Count).SetTag("actorcampaigns.batch.failed", outcome.Failed.Count);
                    return (Rendered: rendered with { Notes = notes }, Outcome: outcome);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
                    throw;
                }
                finally
                {
                    rendered.Messages.Dispose();
                }
            })
            // Marking a batch sent (and recording its sends) overlaps sending the next one.
            .SelectAsync(1, async sent =>
            {
                var (rendered, outcome) = sent;
                await delivery.MarkSentAsync(BatchOf(rendered), sending, outcome, cancellationToken);
                if (rendered.Held.Count > 0)
                    await held(rendered.Held);
                // A message the provider refused leaves by no port: it counts as an error, its reason kept in the ledger.
                return outcome.Failed.Count == 0
                    ? rendered
                    : rendered with { Sent = rendered.Sent.Where(id => !outcome.Failed.ContainsKey(id)).ToArray(), Errors = outcome.Failed.Count };
            })
            .SelectMany(rendered => new[]
            {
                new PortBatch(Transition.DefaultPort, rendered.Sent, Errors: rendered.Errors, Notes: rendered.Notes),
                new PortBatch(Excluded, rendered.Excluded, rendered.Reasons, RenderErrors: rendered.RenderErrors),
            });
    }

    /// <summary>
    /// The activity's <c>throttle</c>, spread through each second: batches are cut into slices of a tenth of a second's
    /// messages (<see cref="Sliced"/>), and each slice waits its turn in a bucket that holds one slice, so no second sees
    /// more than the rate and a slice, and any ten seconds the rate within a slice. A partition's run takes its share of
    /// the rate: it sends the activity's rate over as many seconds as there are partitions.
    /// </summary>
    private Flow<Rendered, Rendered, NotUsed> Throttled(int? slice)
    {
        var flow = Flow.Create<Rendered>();
        if (_channel.Throttle is not { } perSecond || slice is null)
            return flow;
        // The rate counted per 100 s, so a fraction of a message a second is kept (0.5/s is not 1/s), and 4 % under it:
        // a slice let go a few milliseconds late, then one on time, must not put one slice too many in a second. A slice
        // with nothing to send (all excluded, or expired) costs nothing: it does not wait.
        var perHundred = perSecond * 100 * Headroom;
        var (messages, seconds) = perHundred >= 1 ? ((int)Math.Floor(perHundred), 100.0) : (1, 100 / perHundred);
        return flow.Throttle(messages, TimeSpan.FromSeconds(seconds * Shares), slice.Value, rendered => rendered.Messages.Count, ThrottleMode.Shaping);
    }

    /// <summary>
    /// The share of its throttle a channel sends at: 96 %, so the slice the bucket lets through at once and a slice let
    /// go late by a busy machine stay within the rate and a tenth (CI on two cores saw 56 in a second at 98 % of 50/s).
    /// </summary>
    private const double Headroom = 0.96;

    /// <summary>The number of runs sharing the activity's throttle: its partitions, or one.</summary>
    private int Shares => _run.Partition is null ? 1 : _run.Partitions!.Count;

    /// <summary>
    /// With a throttle, a tenth of a second of this run's messages (at least one); with a provider quota, a hundredth
    /// of it at most; none without either.
    /// </summary>
    private int? SliceOf(QuotaGate? quota) => (_channel.Throttle is { } perSecond ? (int)Math.Max(1, Math.Floor(perSecond / Shares / 10)) : (int?)null, quota?.Slice) switch
    {
        ({ } throttled, { } quoted) => Math.Min(throttled, quoted),
        var (throttled, quoted) => throttled ?? quoted,
    };

    /// <summary>
    /// The inbound batches with their ledger numbers, cut into slices when throttled or under a quota (each slice a
    /// batch of its own for the ledger): numbered in turn from 0, or within each local-time group from its number.
    /// </summary>
    private static async IAsyncEnumerable<(ProfileBatch Batch, long Number)> Numbered(IAsyncEnumerable<ProfileBatch> profiles, IReadOnlyList<long>? groups,
        int? sliced)
    {
        var slice = sliced ?? int.MaxValue;
        var (next, index) = (0L, 0);
        long? group = null;
        await foreach (var batch in profiles)
        {
            if (groups is not null && groups[index++] is var first && first != group)
                (group, next) = (first, first);
            for (var start = 0; start < batch.Count; start += slice)
            {
                var end = (int)Math.Min(batch.Count, (long)start + slice);
                yield return (start == 0 && end == batch.Count ? batch
                    : new ProfileBatch(batch.Ids[start..end], batch.Columns.Select(c => c with { Values = c.Values[start..end] }).ToList()), next++);
            }
        }
    }


    private static readonly IReadOnlyDictionary<long, long> NoneSent = new Dictionary<long, long>();

    /// <summary>Each row's profile: the row's id, or, one message per entity row, the profile it links to (rows linking to none left out).</summary>
    private IEnumerable<long> ProfilesOf(ProfileBatch batch) => _perRow ? batch.ValuesOf(EntityRecipients.Profile).OfType<long>() : batch.Ids;

    /// <summary>A batch's span under its run's, if the run is traced.</summary>
    private System.Diagnostics.Activity? BatchSpan(Rendered rendered) => _run.Span == default ? null
        : Telemetry.CampaignTracing.Source.StartActivity("campaign.batch", System.Diagnostics.ActivityKind.Internal, _run.Span)
            ?.SetTag("actorcampaigns.activity.id", _channel.Id).SetTag("actorcampaigns.channel", _name)
            .SetTag("actorcampaigns.batch", BatchRange.Describe(BatchOf(rendered).Batch)).SetTag("actorcampaigns.batch.messages", rendered.Messages.Count);

    /// <summary>A batch as the ledger names it: numbered within the run's partition and wave, as worktable batches are.</summary>
    private DeliveryBatch BatchOf(Rendered rendered) => BatchOf(rendered.Number);

    private DeliveryBatch BatchOf(long number) => new(_run.Campaign.Value, _run.Execution.Value, _channel.Id,
        BatchRange.Number(_run.Partition?.Index ?? 0, number, _run.SecondWave));

    /// <summary>A rendered batch: its messages in the form the channel's provider takes (let go once sent).</summary>
    private sealed record Rendered(long Number, long[] Sent, long[] Excluded, IReadOnlyDictionary<string, long> Reasons, MessageBatch Messages,
        IReadOnlyCollection<string> RenderErrors, IReadOnlyList<long> Held, int Errors = 0, IReadOnlyCollection<string>? Notes = null);

    /// <exception cref="OperationCanceledException">The activity stopped (stop, pause, the node shutting down): the batch is dropped unsent.</exception>
    /// <param name="withheld">Why none of the batch is sent at this time (<c>expired</c>, <c>quietHours</c>), if so.</param>
    /// <param name="sent">What other activities sent the batch's profiles within the cap's period (none without a cap).</param>
    private Rendered Render(ProfileBatch batch, long[] unsubscribed, FrequencyCapping? capping, IReadOnlyDictionary<long, long> sent, string? withheld,
        MessageTemplates templates,
        LinkTracking? tracking, Delivery delivery, long number, CancellationToken cancellationToken)
    {
        // The templates see only the columns they name.
        var forTemplates = batch with { Columns = batch.Columns.Where(c => _named.Contains(c.Name)).ToList() };
        var (delivered, left, reasons, held) = (new List<long>(batch.Count), new List<long>(), new Dictionary<string, long>(), new List<long>());
        var messages = delivery.NewBatch(_name, batch.Count);
        var renderErrors = new HashSet<string>();
        var addresses = batch.ValuesOf(_address);
        var consents = batch.ValuesOf(_optIn);
        // Each row's profile: the row itself, or, one message per entity row, the profile it links to.
        var profiles = _perRow ? batch.ValuesOf(EntityRecipients.Profile) : null;
        for (var row = 0; row < batch.Count; row++)
        {
            var to = addresses[row] as string;
            var profile = profiles is null ? batch.Ids[row] : profiles[row] as long? ?? 0;
            var reason = to is null ? "noAddress"
                : _channel.Category == MessageCategory.Marketing && consents[row] is not true ? Array.BinarySearch(unsubscribed, profile) >= 0 ? "unsubscribed" : "noConsent"
                : _channel.Category == MessageCategory.Marketing && _control?.Holds(profile) == true ? GlobalControl
                : capping?.Reached(profile, sent) == true ? "capped"
                : withheld;
            IReadOnlyList<KeyValuePair<string, string>>? content = null;
            if (reason is null)
            {
                (content, var error) = templates.Render(forTemplates, row, cancellationToken);
                if (error is not null && renderErrors.Count < ActivityCounts.RenderErrorsKept)
                    renderErrors.Add(error);
                reason = error is null ? null : "renderError";
            }
            if (reason is not null)
            {
                if (reason == GlobalControl)
                    held.Add(profile);
                left.Add(batch.Ids[row]);
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                continue;
            }
            capping?.Count(profile);
            delivered.Add(batch.Ids[row]);
            long? entityRow = _perRow ? batch.Ids[row] : null;
            var message = new OutboundMessage(OutboundMessage.IdFor(_run.Campaign.Value, _run.Execution.Value, _channel.Id, profile, entityRow),
                _run.Campaign.Value, _run.Execution.Value, _channel.Id, profile, to!, content!) { Row = entityRow };
            messages.Add(tracking?.TrackEmail(message) ?? message);
        }
        return new Rendered(number, delivered.ToArray(), left.ToArray(), reasons, messages, renderErrors, held);
    }
}

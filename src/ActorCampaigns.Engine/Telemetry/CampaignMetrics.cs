using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ActorCampaigns.Engine.Telemetry;

/// <summary>
/// The node's own instruments, on the meter <see cref="MeterName"/> (the node exports them at <c>/metrics</c>, and by
/// OTLP when asked). Names and units follow OpenTelemetry's conventions: lower-case dotted names under
/// <c>actorcampaigns.</c>, units in UCUM (<c>s</c>, <c>By</c>, <c>{message}</c>). Labels are bounded: activity kinds,
/// channels, providers, outcomes, event types, member statuses; never a campaign, profile or message. Counters and
/// histograms are recorded where the work is done; gauges read what the node's actors hold when they are collected.
/// One node per process: a process hosting several (tests) adds them up.
/// </summary>
public static class CampaignMetrics
{
    public const string MeterName = "ActorCampaigns";

    private static readonly Meter Meter = new(MeterName, typeof(CampaignMetrics).Assembly.GetName().Version?.ToString(3));

    /// <summary>Buckets for durations in seconds, from half a millisecond to a minute (the SDK's default ones are for milliseconds).</summary>
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    };

    /// <summary>Profiles (or an entity's rows) that left activities, by <c>activity.kind</c>.</summary>
    public static readonly Counter<long> ActivityProfiles = Meter.CreateCounter<long>("actorcampaigns.activity.profiles", "{profile}",
        "Profiles (or entity rows) that left an activity, by activity kind");

    /// <summary>Messages that left or did not, by <c>channel</c>, <c>provider</c> and <c>outcome</c> (sent, failed, deferred).</summary>
    public static readonly Counter<long> Messages = Meter.CreateCounter<long>("actorcampaigns.messages", "{message}",
        "Messages handed to a provider, by channel, provider and outcome: sent, failed (refused), deferred (provider unreachable, tried again)");

    /// <summary>How long a provider took with one call (a batch, or a chunk sent one by one), by <c>channel</c> and <c>provider</c>.</summary>
    public static readonly Histogram<double> ProviderDuration = Meter.CreateHistogram<double>("actorcampaigns.provider.duration", "s",
        "Duration of a provider call (a batch, or a chunk of messages sent one by one), by channel and provider", advice: Seconds);

    /// <summary>How long claiming a batch (and its messages) in the delivery ledger took.</summary>
    public static readonly Histogram<double> LedgerClaimDuration = Meter.CreateHistogram<double>("actorcampaigns.ledger.claim.duration", "s",
        "Duration of claiming a batch of messages in the delivery ledger", advice: Seconds);

    /// <summary>Opens, clicks and unsubscribes the tracking endpoints recorded, by <c>event</c>.</summary>
    public static readonly Counter<long> TrackingEvents = Meter.CreateCounter<long>("actorcampaigns.tracking.events", "{event}",
        "Tracking events recorded (open, click, unsubscribe)");

    /// <summary>Provider feedback accepted (delivered, bounced, complained…), by <c>event</c>.</summary>
    public static readonly Counter<long> FeedbackEvents = Meter.CreateCounter<long>("actorcampaigns.feedback.events", "{event}",
        "Provider feedback events accepted (delivered, bounced, complained, unsubscribed)");

    /// <summary>Bytes of population batches written to worktables.</summary>
    public static readonly Counter<long> WorktableBytes = Meter.CreateCounter<long>("actorcampaigns.worktable.written", "By",
        "Bytes of population batches written to worktables");

    /// <summary>Executions running on this node (holding a slot).</summary>
    public static readonly NodeGauge ExecutionsRunning = new(Meter, "actorcampaigns.executions.running", "{execution}", "Executions running on this node");

    /// <summary>Executions waiting for a slot on this node.</summary>
    public static readonly NodeGauge ExecutionsWaiting = new(Meter, "actorcampaigns.executions.waiting", "{execution}", "Executions waiting for a slot on this node");

    /// <summary>Feedback accepted and not yet written.</summary>
    public static readonly NodeGauge FeedbackQueueDepth = new(Meter, "actorcampaigns.feedback.queue.depth", "{event}",
        "Feedback and tracking events accepted and not yet written");

    /// <summary>Cluster members as this node sees them, by <c>status</c>.</summary>
    public static readonly NodeGauge ClusterMembers = new(Meter, "actorcampaigns.cluster.members", "{member}", "Cluster members as this node sees them, by status");

    /// <summary>Cluster members this node finds unreachable.</summary>
    public static readonly NodeGauge ClusterUnreachable = new(Meter, "actorcampaigns.cluster.unreachable", "{member}", "Cluster members this node finds unreachable");

    /// <summary>Campaign shards hosted by this node.</summary>
    public static readonly NodeGauge Shards = new(Meter, "actorcampaigns.sharding.shards", "{shard}", "Campaign shards hosted by this node");

    /// <summary>Campaign actors (sharded entities) hosted by this node.</summary>
    public static readonly NodeGauge Entities = new(Meter, "actorcampaigns.sharding.entities", "{campaign}", "Campaign actors (sharded entities) hosted by this node");

    /// <summary>Messages waiting in the mailboxes of this node's campaign actors, all together.</summary>
    public static readonly NodeGauge MailboxSize = new(Meter, "actorcampaigns.campaign.mailbox.size", "{message}",
        "Messages waiting in the mailboxes of this node's campaign actors");

    /// <summary>Messages waiting in the fullest mailbox of this node's campaign actors.</summary>
    public static readonly NodeGauge MailboxLargest = new(Meter, "actorcampaigns.campaign.mailbox.largest", "{message}",
        "Messages waiting in the fullest mailbox of this node's campaign actors", Math.Max);
}

/// <summary>
/// A value read when metrics are collected, from whoever holds it (an actor, a service): each registers how to read
/// its part, and forgets it when it stops. Parts with the same tags add up (or are combined as asked).
/// </summary>
public sealed class NodeGauge
{
    private readonly ConcurrentDictionary<object, Func<IEnumerable<Measurement<long>>>> _parts = new();
    private readonly Func<long, long, long> _combine;

    internal NodeGauge(Meter meter, string name, string unit, string description, Func<long, long, long>? combine = null)
    {
        _combine = combine ?? ((a, b) => a + b);
        meter.CreateObservableUpDownCounter(name, Read, unit, description);
    }

    public void Register(object owner, Func<long> read) => _parts[owner] = () => [new Measurement<long>(read())];

    public void Register(object owner, Func<IEnumerable<Measurement<long>>> read) => _parts[owner] = read;

    public void Forget(object owner) => _parts.TryRemove(owner, out _);

    private IEnumerable<Measurement<long>> Read()
    {
        var combined = new Dictionary<string, (long Value, KeyValuePair<string, object?>[] Tags)>(StringComparer.Ordinal);
        foreach (var part in _parts.Values)
        {
            foreach (var measurement in part())
            {
                var tags = measurement.Tags.ToArray();
                var key = string.Join("\n", tags.Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal));
                combined[key] = combined.TryGetValue(key, out var seen) ? (_combine(seen.Value, measurement.Value), tags) : (measurement.Value, tags);
            }
        }
        return combined.Values.Select(c => new Measurement<long>(c.Value, c.Tags));
    }
}

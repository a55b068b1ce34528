using System.Collections.Frozen;
using System.Text.Json;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using Akka.Actor;
using Akka.Serialization;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;
using static ActorCampaigns.Engine.Campaigns.CampaignEvents;

namespace ActorCampaigns.Engine.Serialization;

/// <summary>
/// The one serializer of campaign commands, events and snapshots: JSON with a stable manifest per type, so the
/// journal can be read after types move or are renamed. A type missing from <see cref="Manifests"/> is refused.
/// What is persisted (events, the state) has a versioned representation of its own, <see cref="CampaignJournalFormat"/>;
/// the messages that only cross the wire are their records as JSON, a campaign document among them in the public format.
/// </summary>
public sealed class CampaignMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 4_701;

    /// <summary>Each type with the name it is stored under; a name, once written to a journal, never changes.</summary>
    public static readonly FrozenDictionary<Type, string> Manifests = new Dictionary<Type, string>
    {
        [typeof(Create)] = "c.create",
        [typeof(Replace)] = "c.replace",
        [typeof(StartTest)] = "c.test",
        [typeof(Publish)] = "c.publish",
        [typeof(Pause)] = "c.pause",
        [typeof(Resume)] = "c.resume",
        [typeof(Stop)] = "c.stop",
        [typeof(Trigger)] = "c.trigger",
        [typeof(StartScheduled)] = "c.start-scheduled",
        [typeof(CompleteActivity)] = "c.complete-activity",
        [typeof(FailActivity)] = "c.fail-activity",
        [typeof(RecordErrorNotification)] = "c.record-error-notification",
        [typeof(PartitionExecution)] = "c.partition-execution",
        [typeof(CompletePartition)] = "c.complete-partition",
        [typeof(DecideActivity)] = "c.decide-activity",
        [typeof(DecideExperiment)] = "c.decide-experiment",
        [typeof(ForceWinner)] = "c.force-winner",
        [typeof(Created)] = "e.created",
        [typeof(Replaced)] = "e.replaced",
        [typeof(ReplacementQueued)] = "e.replacement-queued",
        [typeof(Published)] = "e.published",
        [typeof(ExecutionStarted)] = "e.execution-started",
        [typeof(ActivityCompleted)] = "e.activity-completed",
        [typeof(ActivityFailed)] = "e.activity-failed",
        [typeof(ErrorNotified)] = "e.error-notified",
        [typeof(ExecutionPartitioned)] = "e.execution-partitioned",
        [typeof(PartitionCompleted)] = "e.partition-completed",
        [typeof(ActivityDecided)] = "e.activity-decided",
        [typeof(ExperimentDecided)] = "e.experiment-decided",
        [typeof(OccurrencesSkipped)] = "e.occurrences-skipped",
        [typeof(ExecutionCompleted)] = "e.execution-completed",
        [typeof(Paused)] = "e.paused",
        [typeof(Resumed)] = "e.resumed",
        [typeof(Stopped)] = "e.stopped",
        [typeof(CampaignCompleted)] = "e.campaign-completed",
        [typeof(CampaignState)] = "s.campaign",
        [typeof(CampaignReplies.Accepted)] = "r.accepted",
        [typeof(CampaignReplies.Rejected)] = "r.rejected",
        [typeof(CampaignQueries.GetState)] = "q.state",
        [typeof(CampaignQueries.Watch)] = "q.watch",
        [typeof(CampaignQueries.FeedbackArrived)] = "q.feedback-arrived",
        [typeof(Partitions.PartitionMessages.Assign)] = "p.assign",
        [typeof(Partitions.PartitionMessages.InboundCompleted)] = "p.inbound-completed",
        [typeof(Partitions.PartitionMessages.Hold)] = "p.hold",
        [typeof(Partitions.PartitionMessages.Stop)] = "p.stop",
        [typeof(Partitions.PartitionMessages.Report)] = "p.report",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> Types = Manifests.ToFrozenDictionary(p => p.Value, p => p.Key);

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => Manifests.TryGetValue(o.GetType(), out var manifest)
        ? manifest
        : throw new ArgumentException($"{o.GetType().FullName} has no manifest in {nameof(CampaignMessageSerializer)}");

    private readonly JsonSerializerOptions _options = new(CampaignJson.Options)
    {
        Converters = { new ActorRefConverter(system), new CampaignDocumentConverter() },
    };

    public override byte[] ToBinary(object obj) => CampaignJournalFormat.Handles(obj.GetType())
        ? CampaignJournalFormat.Write(obj)
        : JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _options);

    public override object FromBinary(byte[] bytes, string manifest) => !Types.TryGetValue(manifest, out var type)
        ? throw new System.Runtime.Serialization.SerializationException($"unknown campaign message manifest '{manifest}'")
        : CampaignJournalFormat.Handles(type)
            ? CampaignJournalFormat.Read(type, bytes)
            : JsonSerializer.Deserialize(bytes, type, _options)!;
}

using System.Buffers;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using static ActorCampaigns.Engine.Campaigns.CampaignEvents;

namespace ActorCampaigns.Engine.Serialization;

/// <summary>
/// What the journal and the snapshot store hold of a campaign: its events and its state as JSON of their own, each
/// field written here by its stored name (never by reflection on the C# records), the campaign document inside in the
/// public campaign format (<see cref="CampaignFormat"/>), and <c>"v"</c>, the version of this representation, first.
/// A payload without <c>"v"</c> is version 0, the records as System.Text.Json wrote them before issue 17.
/// Reading upgrades an older payload with <see cref="CampaignJournalMigrations"/> and then reads the current version.
/// </summary>
public static class CampaignJournalFormat
{
    /// <summary>The version written; one more than the last, with its step in <see cref="CampaignJournalMigrations"/>, when anything stored changes.</summary>
    public const int Version = 5;

    /// <summary>The types written here: every event and the state (a snapshot, or a status reply on the wire).</summary>
    public static bool Handles(Type type) => type == typeof(CampaignState) || Readers.ContainsKey(type);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = CampaignFormat.Encoder };

    private static readonly JsonSerializerOptions DocumentText = new() { Encoder = CampaignFormat.Encoder };

    private static readonly StoredNames<ExecutionMode> ExecutionModes = new((ExecutionMode.Test, "test"), (ExecutionMode.Live, "live"));

    private static readonly StoredNames<ExecutionState> ExecutionStates = new((ExecutionState.Running, "running"), (ExecutionState.Waiting, "waiting"),
        (ExecutionState.Paused, "paused"), (ExecutionState.Completed, "completed"), (ExecutionState.Stopped, "stopped"), (ExecutionState.Failed, "failed"));

    private static readonly StoredNames<ActivityState> ActivityStates = new((ActivityState.Pending, "pending"), (ActivityState.Running, "running"),
        (ActivityState.Waiting, "waiting"), (ActivityState.Completed, "completed"), (ActivityState.Held, "held"), (ActivityState.Skipped, "skipped"),
        (ActivityState.Failed, "failed"));

    private static readonly StoredNames<CampaignStatus> CampaignStatuses = new((CampaignStatus.None, "none"), (CampaignStatus.Draft, "draft"),
        (CampaignStatus.Scheduled, "scheduled"), (CampaignStatus.Live, "live"), (CampaignStatus.Paused, "paused"), (CampaignStatus.Completed, "completed"),
        (CampaignStatus.Stopped, "stopped"), (CampaignStatus.Failed, "failed"));

    private static readonly StoredNames<LogLevel> LogLevels = new((LogLevel.Info, "info"), (LogLevel.Warning, "warning"), (LogLevel.Error, "error"));

    private static readonly StoredNames<CatchUp> CatchUps = new((CatchUp.Latest, "latest"), (CatchUp.All, "all"), (CatchUp.None, "none"));

    public static byte[] Write(object value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", Version);
            switch (value)
            {
                case CampaignState state:
                    WriteState(writer, state);
                    break;
                case ICampaignEvent @event:
                    WriteEvent(writer, @event);
                    break;
                default:
                    throw new ArgumentException($"{value.GetType().FullName} is not stored in the journal", nameof(value));
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static object Read(Type type, ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (JsonNode.Parse(bytes) is not JsonObject payload)
                throw new SerializationException("a stored campaign event or state is a JSON object");
            var version = payload["v"] is { } v ? v.GetValue<int>() : 0;
            if (version > Version)
                throw new SerializationException($"written in version {version} of the journal's representation; this node reads versions up to {Version}");
            CampaignJournalMigrations.Upgrade(payload, version);
            var fields = new Fields(payload);
            return type == typeof(CampaignState) ? ReadState(fields)
                : Readers.TryGetValue(type, out var read) ? read(fields)
                : throw new SerializationException($"{type.FullName} is not stored in the journal");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new SerializationException($"cannot read a stored {type.Name}: {e.Message}", e);
        }
    }

    private static void WriteEvent(Utf8JsonWriter writer, ICampaignEvent @event)
    {
        writer.WriteString("id", @event.Id.Value);
        switch (@event)
        {
            case Created created:
                WriteDocument(writer, created.Document);
                if (created.DuplicatedFrom is { } from)
                    writer.WriteString("duplicatedFrom", from.Value);
                break;
            case Replaced replaced:
                WriteDocument(writer, replaced.Document);
                break;
            case ReplacementQueued queued:
                WriteDocument(writer, queued.Document);
                break;
            case ExecutionStarted started:
                writer.WriteString("execution", started.Execution.Value);
                writer.WriteString("mode", ExecutionModes.Name(started.Mode));
                writer.WritePropertyName("variables");
                CampaignFormat.WriteVariables(writer, started.Variables);
                if (started.Due is { } due)
                    writer.WriteString("due", due);
                if (started.TriggeredBy is not null)
                    writer.WriteString("triggeredBy", started.TriggeredBy);
                if (started.Partitions > 1)
                    writer.WriteNumber("partitions", started.Partitions);
                if (started.Trace is not null)
                    writer.WriteString("trace", started.Trace);
                break;
            case ActivityCompleted completed:
                writer.WriteString("execution", completed.Execution.Value);
                writer.WriteString("activity", completed.Activity);
                writer.WriteString("state", ActivityStates.Name(completed.State));
                writer.WritePropertyName("counts");
                WriteCounts(writer, completed.Counts);
                if (completed.StartedAt is { } startedAt)
                    writer.WriteString("startedAt", startedAt);
                break;
            case ExecutionPartitioned partitioned:
                writer.WriteString("execution", partitioned.Execution.Value);
                WriteNumbers(writer, "boundaries", partitioned.Boundaries);
                break;
            case PartitionCompleted completed:
                writer.WriteString("execution", completed.Execution.Value);
                writer.WriteString("activity", completed.Activity);
                writer.WriteNumber("partition", completed.Partition);
                writer.WritePropertyName("counts");
                WriteCounts(writer, completed.Counts);
                if (completed.Node is not null)
                    writer.WriteString("node", completed.Node);
                break;
            case ActivityDecided decided:
                WriteDecision(writer, decided.Execution, decided.Activity, decided.Decision);
                break;
            case ExperimentDecided decided:
                WriteDecision(writer, decided.Execution, decided.Activity, decided.Decision);
                break;
            case OccurrencesSkipped skipped:
                writer.WriteNumber("count", skipped.Count);
                writer.WriteString("first", skipped.First);
                writer.WriteString("through", skipped.Through);
                writer.WriteString("catchUp", CatchUps.Name(skipped.CatchUp));
                break;
            case ErrorNotified notified:
                writer.WriteString("execution", notified.Execution.Value);
                WriteTexts(writer, "notes", notified.Notes);
                break;
            case ActivityFailed failed:
                writer.WriteString("execution", failed.Execution.Value);
                writer.WriteString("activity", failed.Activity);
                writer.WriteString("reason", failed.Reason);
                break;
            case ExecutionCompleted completed:
                writer.WriteString("execution", completed.Execution.Value);
                break;
            case Published published:
                if (published.By is { } by)
                    writer.WriteString("by", by);
                if (published.ApprovedBy is { } approvedBy)
                    writer.WriteString("approvedBy", approvedBy);
                break;
            case Stopped { Reason: { } reason }:
                writer.WriteString("reason", reason);
                break;
            case Paused or Resumed or Stopped or CampaignCompleted:
                break;
            default:
                throw new ArgumentException($"{@event.GetType().FullName} has no stored representation", nameof(@event));
        }
        writer.WriteString("at", @event.At);
    }

    /// <summary>How each event is read back from the fields of its current version.</summary>
    private static readonly FrozenDictionary<Type, Func<Fields, object>> Readers = new Dictionary<Type, Func<Fields, object>>
    {
        [typeof(Created)] = f => new Created(f.Campaign("id"), f.Document("document"), f.OptionalCampaign("duplicatedFrom"), f.Time("at")),
        [typeof(Replaced)] = f => new Replaced(f.Campaign("id"), f.Document("document"), f.Time("at")),
        [typeof(ReplacementQueued)] = f => new ReplacementQueued(f.Campaign("id"), f.Document("document"), f.Time("at")),
        [typeof(Published)] = f => new Published(f.Campaign("id"), f.Time("at"), f.OptionalString("by"), f.OptionalString("approvedBy")),
        [typeof(ExecutionStarted)] = f => new ExecutionStarted(f.Campaign("id"), f.Execution("execution"), ExecutionModes.Parse(f.String("mode")),
            f.Variables("variables"), f.OptionalTime("due"), f.Time("at"), f.OptionalString("triggeredBy"), f.Has("partitions") ? (int)f.Long("partitions") : 1,
            f.OptionalString("trace")),
        [typeof(ActivityCompleted)] = f => new ActivityCompleted(f.Campaign("id"), f.Execution("execution"), f.String("activity"),
            ActivityStates.Parse(f.String("state")), f.Counts("counts"), f.Time("at"), f.OptionalTime("startedAt")),
        [typeof(ExecutionPartitioned)] = f => new ExecutionPartitioned(f.Campaign("id"), f.Execution("execution"), f.Numbers("boundaries"), f.Time("at")),
        [typeof(PartitionCompleted)] = f => new PartitionCompleted(f.Campaign("id"), f.Execution("execution"), f.String("activity"), (int)f.Long("partition"),
            f.Counts("counts"), f.OptionalString("node"), f.Time("at")),
        [typeof(ActivityDecided)] = f => new ActivityDecided(f.Campaign("id"), f.Execution("execution"), f.String("activity"), f.Json("decision"), f.Time("at")),
        [typeof(OccurrencesSkipped)] = f => new OccurrencesSkipped(f.Campaign("id"), (int)f.Long("count"), f.Time("first"), f.Time("through"),
            CatchUps.Parse(f.String("catchUp")), f.Time("at")),
        [typeof(ExperimentDecided)] = f => new ExperimentDecided(f.Campaign("id"), f.Execution("execution"), f.String("activity"), f.Json("decision"), f.Time("at")),
        [typeof(ActivityFailed)] = f => new ActivityFailed(f.Campaign("id"), f.Execution("execution"), f.String("activity"), f.String("reason"), f.Time("at")),
        [typeof(ErrorNotified)] = f => new ErrorNotified(f.Campaign("id"), f.Execution("execution"), f.Texts("notes") ?? [], f.Time("at")),
        [typeof(ExecutionCompleted)] = f => new ExecutionCompleted(f.Campaign("id"), f.Execution("execution"), f.Time("at")),
        [typeof(Paused)] = f => new Paused(f.Campaign("id"), f.Time("at")),
        [typeof(Resumed)] = f => new Resumed(f.Campaign("id"), f.Time("at")),
        [typeof(Stopped)] = f => new Stopped(f.Campaign("id"), f.Time("at"), f.OptionalString("reason")),
        [typeof(CampaignCompleted)] = f => new CampaignCompleted(f.Campaign("id"), f.Time("at")),
    }.ToFrozenDictionary();

    private static void WriteState(Utf8JsonWriter writer, CampaignState state)
    {
        writer.WriteString("id", state.Id.Value);
        writer.WriteString("status", CampaignStatuses.Name(state.Status));
        if (state.Document is not null)
            WriteDocument(writer, state.Document);
        if (state.DuplicatedFrom is { } from)
            writer.WriteString("duplicatedFrom", from.Value);
        if (state.CreatedAt is { } created)
            writer.WriteString("createdAt", created);
        if (state.PublishedAt is { } published)
            writer.WriteString("publishedAt", published);
        if (state.SkippedThrough is { } skippedThrough)
            writer.WriteString("skippedThrough", skippedThrough);
        if (state.PendingDocument is { } pending)
            WriteDocument(writer, pending, "pendingDocument");
        writer.WriteStartArray("executions");
        foreach (var execution in state.Executions)
            WriteExecution(writer, execution);
        writer.WriteEndArray();
        if (state.Log is not null)
        {
            writer.WriteStartArray("log");
            foreach (var line in state.Log)
            {
                writer.WriteStartObject();
                writer.WriteString("at", line.At);
                writer.WriteString("level", LogLevels.Name(line.Level));
                if (line.Execution is not null)
                    writer.WriteString("execution", line.Execution);
                if (line.Activity is not null)
                    writer.WriteString("activity", line.Activity);
                writer.WriteString("message", line.Message);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        // Only the state shown to status and watchers has a node; a snapshot never does.
        if (state.Node is not null)
            writer.WriteString("node", state.Node);
    }

    private static void WriteExecution(Utf8JsonWriter writer, ExecutionView execution)
    {
        writer.WriteStartObject();
        writer.WriteString("id", execution.Id.Value);
        writer.WriteString("mode", ExecutionModes.Name(execution.Mode));
        writer.WriteString("state", ExecutionStates.Name(execution.State));
        writer.WritePropertyName("variables");
        CampaignFormat.WriteVariables(writer, execution.Variables);
        if (execution.Due is { } due)
            writer.WriteString("due", due);
        writer.WriteString("startedAt", execution.StartedAt);
        if (execution.FinishedAt is { } finished)
            writer.WriteString("finishedAt", finished);
        writer.WriteStartObject("activities");
        foreach (var (id, activity) in execution.Activities)
        {
            writer.WriteStartObject(id);
            writer.WriteString("state", ActivityStates.Name(activity.State));
            writer.WritePropertyName("counts");
            WriteCounts(writer, activity.Counts);
            if (activity.Failure is not null)
                writer.WriteString("failure", activity.Failure);
            if (activity.CompletedAt is { } completed)
                writer.WriteString("completedAt", completed);
            if (activity.StartedAt is { } activityStarted)
                writer.WriteString("startedAt", activityStarted);
            // Feedback counts travel to status and watchers; the feedback store keeps them, a snapshot never does.
            if (activity.Feedback is { } feedback)
                WriteLongs(writer, "feedback", feedback);
            if (activity.Partitions is { } partitions)
                WritePartitions(writer, partitions.Values);
            if (activity.Decision is { } decision)
            {
                writer.WritePropertyName("decision");
                writer.WriteRawValue(decision);
            }
            if (activity.FirstWave is { } firstWave)
            {
                writer.WritePropertyName("firstWave");
                WriteCounts(writer, firstWave);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        if (execution.TriggeredBy is not null)
            writer.WriteString("triggeredBy", execution.TriggeredBy);
        if (execution.PartitionCount > 1)
            writer.WriteNumber("partitionCount", execution.PartitionCount);
        if (execution.Trace is not null)
            writer.WriteString("trace", execution.Trace);
        if (execution.Partitions is { } boundaries)
            WriteNumbers(writer, "partitions", boundaries);
        writer.WriteEndObject();
    }

    /// <summary>An activity's partitions as status shows them: each with its member, its state and its counts.</summary>
    private static void WritePartitions(Utf8JsonWriter writer, IEnumerable<PartitionView> partitions)
    {
        writer.WriteStartArray("partitions");
        foreach (var partition in partitions)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", partition.Id);
            if (partition.Node is not null)
                writer.WriteString("node", partition.Node);
            writer.WriteString("state", ActivityStates.Name(partition.State));
            writer.WritePropertyName("counts");
            WriteCounts(writer, partition.Counts);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, string name, IEnumerable<long> numbers)
    {
        writer.WriteStartArray(name);
        foreach (var number in numbers)
            writer.WriteNumberValue(number);
        writer.WriteEndArray();
    }

    private static CampaignState ReadState(Fields f) => new(
        f.Campaign("id"),
        CampaignStatuses.Parse(f.String("status")),
        f.Has("document") ? f.Document("document") : null,
        f.OptionalCampaign("duplicatedFrom"),
        f.OptionalTime("createdAt"),
        f.OptionalTime("publishedAt"),
        f.Objects("executions").Select(ReadExecution).ToImmutableList(),
        f.Has("log") ? f.Objects("log").Select(l => new LogLine(l.Time("at"), LogLevels.Parse(l.String("level")),
            l.OptionalString("execution"), l.OptionalString("activity"), l.String("message"))).ToImmutableList() : null)
    {
        Node = f.OptionalString("node"),
        SkippedThrough = f.OptionalTime("skippedThrough"),
        PendingDocument = f.Has("pendingDocument") ? f.Document("pendingDocument") : null,
    };

    private static ExecutionView ReadExecution(Fields f) => new(
        f.Execution("id"),
        ExecutionModes.Parse(f.String("mode")),
        ExecutionStates.Parse(f.String("state")),
        f.Variables("variables"),
        f.OptionalTime("due"),
        f.Time("startedAt"),
        f.OptionalTime("finishedAt"),
        f.Map("activities").ToImmutableDictionary(a => a.Key, a => new ActivityView(
            ActivityStates.Parse(a.Value.String("state")),
            a.Value.Counts("counts"),
            a.Value.OptionalString("failure"),
            a.Value.OptionalTime("completedAt"),
            a.Value.Has("feedback") ? a.Value.Longs("feedback").ToImmutableSortedDictionary(StringComparer.Ordinal) : null,
            a.Value.Has("partitions") ? a.Value.Objects("partitions").Select(ReadPartition).ToImmutableSortedDictionary(p => p.Id, p => p) : null,
            a.Value.Has("decision") ? a.Value.Json("decision") : null,
            a.Value.Has("firstWave") ? a.Value.Counts("firstWave") : null) { StartedAt = a.Value.OptionalTime("startedAt") }),
        f.OptionalString("triggeredBy"),
        f.Has("partitions") ? f.Numbers("partitions") : null)
    {
        PartitionCount = f.Has("partitionCount") ? (int)f.Long("partitionCount") : 1,
        Trace = f.OptionalString("trace"),
    };

    private static PartitionView ReadPartition(Fields f) =>
        new((int)f.Long("id"), f.OptionalString("node"), ActivityStates.Parse(f.String("state")), f.Counts("counts"));

    private static void WriteDocument(Utf8JsonWriter writer, CampaignDocument document, string name = "document")
    {
        writer.WritePropertyName(name);
        CampaignFormat.Write(writer, document);
    }

    /// <summary>An activity's decision in an execution, its JSON kept as it was written.</summary>
    private static void WriteDecision(Utf8JsonWriter writer, ExecutionId execution, string activity, string decision)
    {
        writer.WriteString("execution", execution.Value);
        writer.WriteString("activity", activity);
        writer.WritePropertyName("decision");
        writer.WriteRawValue(decision);
    }

    private static void WriteCounts(Utf8JsonWriter writer, ActivityCounts counts)
    {
        writer.WriteStartObject();
        writer.WriteNumber("in", counts.In);
        WriteLongs(writer, "out", counts.Out);
        WriteLongs(writer, "excluded", counts.Excluded);
        writer.WriteNumber("errors", counts.Errors);
        WriteTexts(writer, "renderErrors", counts.RenderErrors);
        // Optional, so counts written before notes existed read as they were.
        WriteTexts(writer, "notes", counts.Notes);
        writer.WriteEndObject();
    }

    private static void WriteTexts(Utf8JsonWriter writer, string name, IReadOnlyList<string>? texts)
    {
        if (texts is null)
            return;
        writer.WriteStartArray(name);
        foreach (var text in texts)
            writer.WriteStringValue(text);
        writer.WriteEndArray();
    }

    private static void WriteLongs(Utf8JsonWriter writer, string name, IEnumerable<KeyValuePair<string, long>> values)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in values)
            writer.WriteNumber(key, value);
        writer.WriteEndObject();
    }

    /// <summary>The fields of a stored object, read strictly: a required field that is missing fails the read.</summary>
    private readonly struct Fields(JsonObject node)
    {
        public bool Has(string name) => node[name] is not null;

        private JsonNode Required(string name) => node[name] ?? throw new SerializationException($"the field '{name}' is missing");

        public string String(string name) => Required(name).GetValue<string>();

        public string? OptionalString(string name) => node[name]?.GetValue<string>();

        /// <summary>A field kept as JSON of its own (an activity's decision), as its text.</summary>
        /// <summary>A JSON value kept as its text, escaped as it was written (an apostrophe stays one).</summary>
        public string Json(string name) => Required(name).ToJsonString(DocumentText);

        public DateTime Time(string name) => Required(name).GetValue<DateTime>();

        public DateTime? OptionalTime(string name) => node[name]?.GetValue<DateTime>();

        public CampaignId Campaign(string name) => new(String(name));

        public CampaignId? OptionalCampaign(string name) => OptionalString(name) is { } id ? new CampaignId(id) : null;

        public ExecutionId Execution(string name) => new(String(name));

        public CampaignDocument Document(string name) => CampaignFormat.Read(Required(name).ToJsonString(DocumentText));

        public IEnumerable<Fields> Objects(string name) => Required(name).AsArray().Select(n => new Fields(n!.AsObject()));

        public IEnumerable<KeyValuePair<string, Fields>> Map(string name) =>
            Required(name).AsObject().Select(p => KeyValuePair.Create(p.Key, new Fields(p.Value!.AsObject())));

        public Dictionary<string, long> Longs(string name) =>
            Required(name).AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<long>());

        public Dictionary<string, VariableValue> Variables(string name) =>
            Required(name).AsObject().ToDictionary(p => p.Key, p => Variable(p.Value!));

        public ActivityCounts Counts(string name)
        {
            var counts = new Fields(Required(name).AsObject());
            return new ActivityCounts(counts.Long("in"), counts.Longs("out"), counts.Longs("excluded"), counts.Long("errors"),
                counts.Texts("renderErrors"), counts.Texts("notes"));
        }

        public long Long(string name) => Required(name).GetValue<long>();

        public List<long> Numbers(string name) => Required(name).AsArray().Select(n => n!.GetValue<long>()).ToList();

        public List<string>? Texts(string name) => Has(name) ? Required(name).AsArray().Select(t => t!.GetValue<string>()).ToList() : null;

        /// <summary>A variable as the document reader reads one: a number without a fraction is whole.</summary>
        private static VariableValue Variable(JsonNode value) => value.GetValueKind() switch
        {
            JsonValueKind.String => new VariableValue(value.GetValue<string>()),
            JsonValueKind.True or JsonValueKind.False => new VariableValue(value.GetValue<bool>()),
            JsonValueKind.Number when value.AsValue().TryGetValue<long>(out var whole) => new VariableValue(whole),
            JsonValueKind.Number => new VariableValue(value.GetValue<double>()),
            var other => throw new SerializationException($"a variable is a string, a number or a bool, found {other}"),
        };
    }

    /// <summary>The stored name of each value of an enum, spelled out so that renaming a member changes nothing stored.</summary>
    private sealed class StoredNames<T>(params (T Value, string Name)[] names) where T : struct, Enum
    {
        private readonly FrozenDictionary<T, string> _names = names.ToFrozenDictionary(n => n.Value, n => n.Name);
        private readonly FrozenDictionary<string, T> _values = names.ToFrozenDictionary(n => n.Name, n => n.Value);

        public string Name(T value) => _names.TryGetValue(value, out var name) ? name
            : throw new ArgumentOutOfRangeException(nameof(value), $"{typeof(T).Name}.{value} has no stored name");

        public T Parse(string name) => _values.TryGetValue(name, out var value) ? value
            : throw new SerializationException($"'{name}' is not a stored {typeof(T).Name}");

        public IReadOnlyCollection<T> Values => _names.Keys;
    }

    /// <summary>Whether every value of the enums stored here has a stored name (a test asks).</summary>
    public static bool NamesEveryEnumValue() =>
        ExecutionModes.Values.Count == Enum.GetValues<ExecutionMode>().Length
        && ExecutionStates.Values.Count == Enum.GetValues<ExecutionState>().Length
        && ActivityStates.Values.Count == Enum.GetValues<ActivityState>().Length
        && CampaignStatuses.Values.Count == Enum.GetValues<CampaignStatus>().Length
        && LogLevels.Values.Count == Enum.GetValues<LogLevel>().Length
        && CatchUps.Values.Count == Enum.GetValues<CatchUp>().Length;
}

using ActorCampaigns.Domain.Time;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// A channel's recipients grouped by when their message is due under its <c>sendAt</c>: the first moment at or after
/// the activity's start when the time comes on their clock, by their <c>timezone</c> attribute (an IANA name), or the
/// node's zone when it is empty or names no zone (counted). Counted from the start the ledger keeps, so every run of
/// the activity groups them alike, and sends the groups due in the same order.
/// </summary>
public sealed class LocalSendGroups
{
    public const string Attribute = "timezone";

    /// <summary>How many distinct names are looked up and kept: past it, unknown names are looked up each time (hostile data).</summary>
    private const int ZonesKept = 10_000;

    private readonly SortedDictionary<DateTimeOffset, List<long>> _groups = [];
    private readonly Dictionary<string, DateTimeOffset?> _dueByZone = new(StringComparer.Ordinal);
    private readonly LocalSendTime _time;
    private readonly DateTimeOffset _started;
    private readonly DateTimeOffset _fallback;
    private readonly TimeZoneInfo _nodeZone;
    private long _empty;
    private long _unknown;
    private string? _unknownName;

    private LocalSendGroups(LocalSendTime time, DateTimeOffset started, TimeZoneInfo nodeZone) =>
        (_time, _started, _nodeZone, _fallback) = (time, started, nodeZone, time.Next(started, nodeZone));

    /// <summary>Reads the run's whole inbound population with its recipients' time zones and groups it.</summary>
    public static async Task<LocalSendGroups> ReadAsync(ActivityRunner runner, ActivityRun run, LocalSendTime time, DateTimeOffset started,
        TimeZoneInfo nodeZone, CancellationToken cancellationToken)
    {
        var groups = new LocalSendGroups(time, started, nodeZone);
        var population = runner.Union(run, run.Inbound, cancellationToken);
        var schema = await runner.Services.Profiles.GetSchemaAsync(cancellationToken);
        if (schema.Find(Attribute) is null)
        {
            await foreach (var ids in population.WithCancellation(cancellationToken))
                groups.Add(ids, _ => null);
            return groups;
        }
        await foreach (var batch in await runner.ReadColumnsAsync(run, population, [Attribute], [], cancellationToken))
        {
            var zones = batch.ValuesOf(Attribute);
            groups.Add(batch.Ids, row => zones[row] as string);
        }
        return groups;
    }

    private void Add(long[] ids, Func<int, string?> zoneOf)
    {
        for (var row = 0; row < ids.Length; row++)
        {
            var due = Due(zoneOf(row));
            (_groups.TryGetValue(due, out var group) ? group : _groups[due] = []).Add(ids[row]);
        }
    }

    private DateTimeOffset Due(string? zone)
    {
        if (string.IsNullOrWhiteSpace(zone))
        {
            _empty++;
            return _fallback;
        }
        if (!_dueByZone.TryGetValue(zone, out var due))
        {
            due = TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found) ? _time.Next(_started, found) : null;
            if (_dueByZone.Count < ZonesKept)
                _dueByZone[zone] = due;
        }
        if (due is { } known)
            return known;
        _unknown++;
        _unknownName ??= zone.Length > 40 ? zone[..40] + "…" : zone;
        return _fallback;
    }

    /// <summary>
    /// The groups due by <paramref name="now"/> (or, with a <paramref name="deadline"/> before their time, by it: they
    /// expire), earliest first, in batches; the others are left to <paramref name="later"/>.
    /// </summary>
    /// <returns>The batches, and for each the first ledger batch number of its group (<see cref="GroupNumber"/>).</returns>
    public (IAsyncEnumerable<long[]> Batches, IReadOnlyList<long> Groups) Due(DateTimeOffset now, DateTimeOffset? deadline, Postponement later, int batchSize)
    {
        var due = new List<long[]>();
        var groups = new List<long>();
        foreach (var (at, ids) in _groups)
        {
            var when = deadline is { } end && end < at ? end : at;
            if (when > now)
            {
                later.Leave(when, ids.Count);
                continue;
            }
            ids.Sort();
            foreach (var chunk in ids.Chunk(batchSize))
            {
                due.Add(chunk);
                groups.Add(GroupNumber(at));
            }
        }
        return (Batches(due), groups);
    }

    /// <summary>
    /// A group's batches are numbered from its due moment (minutes after the start, times 2^24), so a change in one
    /// group (a recipient who moved zone, one deleted) never renumbers another's batches in the ledger.
    /// </summary>
    private long GroupNumber(DateTimeOffset due) => (long)(due - _started).TotalMinutes << 24;

#pragma warning disable CS1998 // an iterator over what is already in memory
    private static async IAsyncEnumerable<long[]> Batches(List<long[]> batches)
#pragma warning restore CS1998
    {
        foreach (var batch in batches)
            yield return batch;
    }

    /// <summary>What the activity's counts note of recipients whose time zone was not theirs: none when all had one.</summary>
    public string? Note => _empty + _unknown == 0 ? null
        : $"{_unknown} recipients with an unknown timezone{(_unknownName is null ? "" : $" (such as '{_unknownName}')")} and {_empty} with none "
          + $"get their message at {_time.At:HH\\:mm} in the node's time zone ({_nodeZone.Id})";
}

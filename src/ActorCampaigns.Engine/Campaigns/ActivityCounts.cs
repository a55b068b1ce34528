namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// What an activity did in one execution: profiles in over all inbound transitions, profiles out per port,
/// exclusions by reason (channel activities), and errors; <paramref name="RenderErrors"/> says why messages were not
/// rendered (a few distinct reasons, for the campaign's log).
/// </summary>
public sealed record ActivityCounts(long In, IReadOnlyDictionary<string, long> Out, IReadOnlyDictionary<string, long> Excluded, long Errors,
    IReadOnlyList<string>? RenderErrors = null, IReadOnlyList<string>? Notes = null)
{
    /// <summary>Distinct render error reasons an activity keeps.</summary>
    public const int RenderErrorsKept = 5;

    /// <summary>Notes an activity keeps for its log line (what it did beyond its counts).</summary>
    public const int NotesKept = 5;

    public static readonly ActivityCounts None = new(0, new Dictionary<string, long>(), new Dictionary<string, long>(), 0);

    /// <summary>The counts of an activity's partitions as one: numbers added, reasons and notes kept as for one run.</summary>
    public static ActivityCounts Sum(IEnumerable<ActivityCounts> parts)
    {
        var (input, errors, output, excluded) = (0L, 0L, new Dictionary<string, long>(), new Dictionary<string, long>());
        var (renderErrors, notes) = (new List<string>(), new List<string>());
        foreach (var part in parts)
        {
            input += part.In;
            errors += part.Errors;
            foreach (var (port, count) in part.Out)
                output[port] = output.GetValueOrDefault(port) + count;
            foreach (var (reason, count) in part.Excluded)
                excluded[reason] = excluded.GetValueOrDefault(reason) + count;
            renderErrors.AddRange((part.RenderErrors ?? []).Where(e => !renderErrors.Contains(e)));
            notes.AddRange(part.Notes ?? []);
        }
        return new ActivityCounts(input, output, excluded, errors, renderErrors.Count == 0 ? null : renderErrors.Take(RenderErrorsKept).ToList(),
            notes.Count == 0 ? null : notes.Take(NotesKept).ToList());
    }
}

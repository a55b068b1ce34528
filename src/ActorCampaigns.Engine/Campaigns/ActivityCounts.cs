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
}

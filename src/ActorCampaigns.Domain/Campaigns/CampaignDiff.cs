using System.Text.Json.Nodes;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>An activity in both versions whose parameters differ: which (its written form's top-level fields), before and after.</summary>
public sealed record ActivityChange(string Id, string Type, IReadOnlyList<FieldChange> Fields);

/// <summary>A field of the document or of an activity: its value before and after, as JSON (null: absent).</summary>
public sealed record FieldChange(string Field, JsonNode? Before, JsonNode? After);

/// <summary>
/// What changed from one version of a campaign's document to another, structurally: activities added and removed (by
/// id), activities whose parameters changed (field by field), transitions added and removed, and the document's own
/// fields (name, description, schedule, variables). Read from the documents' written form, so two documents that read
/// the same have no difference.
/// </summary>
public sealed record CampaignDiff(
    IReadOnlyList<string> ActivitiesAdded,
    IReadOnlyList<string> ActivitiesRemoved,
    IReadOnlyList<ActivityChange> ActivitiesChanged,
    IReadOnlyList<Transition> TransitionsAdded,
    IReadOnlyList<Transition> TransitionsRemoved,
    IReadOnlyList<FieldChange> Document)
{
    public bool IsEmpty => ActivitiesAdded.Count + ActivitiesRemoved.Count + ActivitiesChanged.Count + TransitionsAdded.Count + TransitionsRemoved.Count
        + Document.Count == 0;

    public static CampaignDiff Between(CampaignDocument before, CampaignDocument after)
    {
        var (from, to) = (Written(before), Written(after));
        var (old, now) = (Activities(from), Activities(to));
        var changed = now.Where(a => old.ContainsKey(a.Key))
            .Select(a => (a.Key, Fields: Fields(old[a.Key], a.Value)))
            .Where(a => a.Fields.Count > 0)
            .Select(a => new ActivityChange(a.Key, (string?)now[a.Key]["type"] ?? "", a.Fields))
            .ToList();
        var (oldTransitions, newTransitions) = (before.Transitions.ToHashSet(), after.Transitions.ToHashSet());
        return new CampaignDiff(
            now.Keys.Where(id => !old.ContainsKey(id)).ToList(),
            old.Keys.Where(id => !now.ContainsKey(id)).ToList(),
            changed,
            after.Transitions.Where(t => !oldTransitions.Contains(t)).ToList(),
            before.Transitions.Where(t => !newTransitions.Contains(t)).ToList(),
            Fields(Without(from, "activities", "transitions"), Without(to, "activities", "transitions")));
    }

    private static JsonObject Written(CampaignDocument document) => JsonNode.Parse(CampaignFormat.Write(document))!.AsObject();

    /// <summary>The activities by id, in the document's order.</summary>
    private static Dictionary<string, JsonObject> Activities(JsonObject document) =>
        document["activities"]!.AsArray().Select(a => a!.AsObject()).DistinctBy(a => (string?)a["id"]).ToDictionary(a => (string)a["id"]!, a => a);

    private static JsonObject Without(JsonObject document, params string[] fields)
    {
        var copy = document.DeepClone().AsObject();
        foreach (var field in fields)
            copy.Remove(field);
        return copy;
    }

    /// <summary>The top-level fields that differ, in the order they are written (the before's, then those only after has).</summary>
    private static List<FieldChange> Fields(JsonObject before, JsonObject after) =>
        before.Select(f => f.Key).Concat(after.Select(f => f.Key).Where(k => !before.ContainsKey(k)))
            .Where(field => !JsonNode.DeepEquals(before[field], after[field]))
            .Select(field => new FieldChange(field, before[field]?.DeepClone(), after[field]?.DeepClone()))
            .ToList();
}

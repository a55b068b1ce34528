namespace ActorCampaigns.Domain.Campaigns;

public enum DimensionKind { Profiles, Entity, File }

/// <summary>
/// What a population is made of: profiles, the rows of an entity (bookings), or the rows of a loaded file. Each kind
/// says what it takes and what leaves by each port (<see cref="ActivityKind.Takes"/>, <see cref="ActivityKind.Output"/>);
/// validation checks every transition against them, and a channel fed by an entity's rows sends one message per row.
/// </summary>
public sealed record Dimension(DimensionKind Kind, string? EntityName = null)
{
    public static Dimension Profiles { get; } = new(DimensionKind.Profiles);

    public static Dimension FileRows { get; } = new(DimensionKind.File);

    public static Dimension Of(string entity) => new(DimensionKind.Entity, entity);

    /// <summary>The dimension a field naming one means: <c>profiles</c>, or an entity.</summary>
    public static Dimension Named(string name) => name == "profiles" ? Profiles : Of(name);

    /// <summary>The entity whose rows it is; null for profiles and a file's rows.</summary>
    public string? Entity => Kind == DimensionKind.Entity ? EntityName : null;

    /// <summary>Where such rows may go, in words, for the error that names an activity not taking them.</summary>
    public string GoesTo => Kind switch
    {
        DimensionKind.Entity => "an entity's rows go to end, channel, changeDimension and reconciliation activities",
        DimensionKind.File => "a file's rows go to end and reconciliation activities",
        _ => "profiles go to activities that take profiles",
    };

    public override string ToString() => Kind switch
    {
        DimensionKind.Entity => $"rows of {EntityName}",
        DimensionKind.File => "rows of a loaded file",
        _ => "profiles",
    };
}

/// <summary>What each activity of a (acyclic) canvas takes, following the populations from the sources.</summary>
public static class Dimensions
{
    /// <summary>
    /// The dimension each activity takes: that of its first inbound transition when its kind takes it, else profiles
    /// (validation reports a transition bringing what its activity does not take, and two bringing different ones).
    /// </summary>
    public static IReadOnlyDictionary<string, Dimension> InputsOf(CampaignDocument document)
    {
        var activities = document.Activities.DistinctBy(a => a.Id).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var inbound = document.Transitions.Where(t => activities.ContainsKey(t.From)).ToLookup(t => t.To, StringComparer.Ordinal);
        var inputs = new Dictionary<string, Dimension>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        Dimension InputOf(string id)
        {
            if (inputs.TryGetValue(id, out var known))
                return known;
            if (!visiting.Add(id))
                return Dimension.Profiles;
            var activity = activities[id];
            var first = inbound[id].Select(t => OutputOf(activities[t.From], t.Port)).FirstOrDefault() ?? Dimension.Profiles;
            var input = ActivityKinds.Of(activity).Takes(first) ? first : Dimension.Profiles;
            visiting.Remove(id);
            return inputs[id] = input;
        }
        Dimension OutputOf(Activity activity, string port) => ActivityKinds.Of(activity).Output(activity, port, InputOf(activity.Id));
        foreach (var id in activities.Keys)
            InputOf(id);
        return inputs;
    }

    /// <summary>What leaves <paramref name="activity"/> by <paramref name="port"/>, given what it takes.</summary>
    public static Dimension OutputOf(Activity activity, string port, IReadOnlyDictionary<string, Dimension> inputs) =>
        ActivityKinds.Of(activity).Output(activity, port, inputs.GetValueOrDefault(activity.Id) ?? Dimension.Profiles);
}

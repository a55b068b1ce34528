using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>A campaign as users write it (contract section 2): activities on a canvas joined by transitions.</summary>
public sealed record CampaignDocument(
    string Name,
    string? Description,
    Schedule Schedule,
    IReadOnlyDictionary<string, VariableValue> Variables,
    IReadOnlyList<Activity> Activities,
    IReadOnlyList<Transition> Transitions,
    ErrorPolicy? OnError = null)
{
    /// <summary>What its executions do when an activity fails: <see cref="OnError"/>, else suspend and tell no one.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ErrorPolicy ErrorPolicy => OnError ?? ErrorPolicy.Default;

    /// <summary>The activities reachable from <paramref name="port"/> of <paramref name="from"/>, each once, nearest first.</summary>
    public IReadOnlyList<string> Downstream(string from, string port)
    {
        var reached = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(Transitions.Where(t => t.From == from && t.Port == port).Select(t => t.To));
        while (queue.TryDequeue(out var id))
        {
            if (!seen.Add(id))
                continue;
            reached.Add(id);
            foreach (var next in Transitions.Where(t => t.From == id))
                queue.Enqueue(next.To);
        }
        return reached;
    }
}

/// <summary>An edge of the canvas: the population leaving <see cref="From"/> by <see cref="Port"/> enters <see cref="To"/>.</summary>
public sealed record Transition(string From, string Port, string To)
{
    public const string DefaultPort = "out";
}

/// <summary>A campaign variable: a string, a whole number, a number or a bool.</summary>
[JsonConverter(typeof(VariableValueJsonConverter))]
public sealed record VariableValue(object Value)
{
    public Expressions.ExprType Type => Value switch
    {
        long => Expressions.ExprType.Int,
        double => Expressions.ExprType.Number,
        bool => Expressions.ExprType.Bool,
        _ => Expressions.ExprType.String,
    };
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AsapSchedule), "asap")]
[JsonDerivedType(typeof(OnceSchedule), "once")]
[JsonDerivedType(typeof(RecurringSchedule), "recurring")]
[JsonDerivedType(typeof(SignalSchedule), "signal")]
public abstract record Schedule;

/// <summary>Runs once, at once, when published.</summary>
public sealed record AsapSchedule : Schedule;

/// <summary>Runs once at <see cref="At"/> (UTC).</summary>
public sealed record OnceSchedule(DateTime At) : Schedule;

/// <summary>
/// Runs at each occurrence of <see cref="Cron"/> in <see cref="TimeZone"/> (IANA), between <see cref="From"/> and
/// <see cref="Until"/>; occurrences missed while no node ran follow <see cref="CatchUp"/>.
/// </summary>
public sealed record RecurringSchedule(string Cron, string TimeZone, DateTime? From, DateTime? Until, CatchUp CatchUp = CatchUp.Latest) : Schedule;

/// <summary>
/// What a recurring campaign does with occurrences it missed (its nodes were down): run the most recent one once and
/// skip the older ones (<see cref="Latest"/>), run them all in a row (<see cref="All"/>), or skip them all
/// (<see cref="None"/>: an occurrence more than <see cref="Grace"/> late is missed). Skipped occurrences are logged.
/// </summary>
public enum CatchUp
{
    Latest,
    All,
    None,
}

public static class CatchUpPolicy
{
    /// <summary>How late an occurrence may start and still not count as missed under <see cref="CatchUp.None"/>.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);
}

/// <summary>Runs on each <c>POST /api/campaigns/{id}/trigger</c>, or when another campaign's end signals it.</summary>
public sealed record SignalSchedule : Schedule;

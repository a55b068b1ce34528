using System.Globalization;
using System.Text.Json;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// What the batch endpoints (<c>/api/feedback</c>, <c>/api/events</c>) share: a JSON array of at most so many items,
/// refused whole with every problem at its path, and an optional <c>at</c> of each item.
/// </summary>
public static class BatchItems
{
    /// <summary>How far ahead of the node's clock <c>at</c> may be: clocks differ, but not by days.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromHours(1);

    /// <summary>The body, or the answer refusing it: not JSON, or an array of more than <paramref name="maxItems"/> items.</summary>
    public static async Task<(JsonDocument? Body, IResult? Problem)> ReadAsync(HttpRequest request, string what, int maxItems, CancellationToken cancel)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, $"{what} body", cancel);
        if (body?.RootElement is { ValueKind: JsonValueKind.Array } items && items.GetArrayLength() > maxItems)
        {
            var count = items.GetArrayLength();
            body.Dispose();
            return (null, Problems.Invalid($"one {what} request holds at most {maxItems} items; nothing was recorded",
                [new { path = "$", message = $"holds {count} items; send them in requests of at most {maxItems}" }]));
        }
        return (body, problem);
    }

    /// <summary>
    /// Reads each item of <paramref name="root"/>, an array of <paramref name="shape"/>, with its path (<c>$[3]</c>); what
    /// <paramref name="read"/> finds wrong (a field, or null for the whole item) goes to <paramref name="errors"/> at that path.
    /// </summary>
    public static void Each(JsonElement root, string shape, List<object> errors, Action<JsonElement, string, Action<string?, string>> read)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new { path = "$", message = $"must be an array of {shape}" });
            return;
        }
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            var path = $"$[{index++}]";
            read(item, path, (field, message) => errors.Add(new { path = field is null ? path : $"{path}.{field}", message }));
        }
    }

    /// <summary>An item's <c>at</c>: the node's time when absent; <paramref name="error"/> hears when it is no timestamp or too far ahead.</summary>
    public static DateTimeOffset At(JsonElement item, TimeProvider clock, Action<string, string> error)
    {
        var at = clock.GetUtcNow();
        if (item.TryGetProperty("at", out var given) && !(given.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(given.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at)))
            error("at", "must be an ISO 8601 timestamp");
        else if (at > clock.GetUtcNow() + ClockSkew)
            error("at", "must not be in the future (by the node's clock, give or take an hour)");
        return at.ToUniversalTime();
    }

    /// <summary>The 400 refusing a body with <paramref name="errors"/>, naming what its items are.</summary>
    public static IResult Invalid(List<object> errors, string item) =>
        Problems.Invalid($"{errors.Count} {item} item{(errors.Count == 1 ? " is" : "s are")} invalid; nothing was recorded", errors);
}

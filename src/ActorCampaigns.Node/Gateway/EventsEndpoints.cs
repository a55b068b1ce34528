using System.Text.Json;
using System.Text.RegularExpressions;
using ActorCampaigns.Data.Conversions;
using ActorCampaigns.Engine.Executions;
using Microsoft.OpenApi;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// <c>POST /api/events</c>: what profiles did that campaigns aim at, told by the sender's systems:
/// <c>[{ profileId, name, at?, value?, properties? }]</c>. A body with any bad item is refused whole, each problem
/// with its path, and records nothing; the events of a good one are committed (by group commit, as feedback) before
/// the answer. An event names a profile that exists: one for an unknown profile is an error, not silently kept.
/// </summary>
public static partial class EventsEndpoints
{
    /// <summary>Items in one request: more go in several, and a request's check of the profiles stays bounded.</summary>
    private const int MaxItems = 10_000;

    private const int MaxNameLength = 100;

    private const int MaxPropertiesBytes = 4_096;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = ActorCampaigns.Domain.Campaigns.CampaignFormat.Encoder };

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]*$")]
    private static partial Regex EventName();

    public static void MapEventsEndpoints(this WebApplication app) =>
        app.MapPost("/api/events", async (HttpRequest request, ConversionWriter writer, EngineServices services, CancellationToken cancel) =>
        {
            var (body, problem) = await BatchItems.ReadAsync(request, "events", MaxItems, cancel);
            if (body is null)
                return problem!;
            using (body)
            {
                var (events, paths, errors) = Read(body.RootElement, services.Clock);
                if (errors.Count == 0)
                {
                    var existing = await services.Profiles.ExistingAsync(events.Select(e => e.Profile).Distinct().ToList(), cancel);
                    errors.AddRange(events.Select((e, i) => (e, i)).Where(p => !existing.Contains(p.e.Profile))
                        .Select(p => (object)new { path = $"{paths[p.i]}.profileId", message = $"no profile has id {p.e.Profile}" }));
                }
                if (errors.Count > 0)
                    return BatchItems.Invalid(errors, "event");
                await writer.RecordAsync(events, CancellationToken.None);
                return Results.Ok(new { recorded = events.Count });
            }
        }).WithTags("events").WithSummary("Records what profiles did (a purchase, a sign-up): conversion events that campaigns measure")
            .ReadsBody("application/json", "[{ \"profileId\", \"name\", \"at\"?, \"value\"?, \"properties\"? }], at most 10,000 items", JsonSchemaType.Array)
            .Answers(StatusCodes.Status200OK, 400);

    /// <returns>The events, the path of each in the body, and every problem found.</returns>
    private static (List<ConversionEvent> Events, List<string> Paths, List<object> Errors) Read(JsonElement root, TimeProvider clock)
    {
        var (events, paths, errors) = (new List<ConversionEvent>(), new List<string>(), new List<object>());
        if (root.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new { path = "$", message = "must be an array of { profileId, name, at?, value?, properties? }" });
            return (events, paths, errors);
        }
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            var path = $"$[{index++}]";
            var before = errors.Count;
            void Error(string field, string message) => errors.Add(new { path = $"{path}.{field}", message });
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new { path, message = "must be an object { profileId, name, at?, value?, properties? }" });
                continue;
            }
            foreach (var field in item.EnumerateObject().Where(f => f.Name is not ("profileId" or "name" or "at" or "value" or "properties")))
                Error(field.Name, "is not a field of an event (profileId, name, at, value, properties)");
            long profile = 0;
            if (!item.TryGetProperty("profileId", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out profile))
                Error("profileId", "must be a profile's id, a whole number");
            var name = item.TryGetProperty("name", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString()! : null;
            if (name is null || name.Length > MaxNameLength || !EventName().IsMatch(name))
                Error("name", $"must be a name of at most {MaxNameLength} characters: a letter, then letters, digits, '_', '.' or '-' (purchase, trial.started)");
            var at = BatchItems.At(item, clock, Error);
            double? value = null;
            if (item.TryGetProperty("value", out var worth) && worth.ValueKind != JsonValueKind.Null)
            {
                if (worth.ValueKind == JsonValueKind.Number && worth.TryGetDouble(out var number) && double.IsFinite(number))
                    value = number;
                else
                    Error("value", "must be a number");
            }
            string? properties = null;
            if (item.TryGetProperty("properties", out var details) && details.ValueKind != JsonValueKind.Null)
            {
                // Kept compact, as JSON of its own: the same object told with other spacing is stored the same.
                properties = JsonSerializer.Serialize(details, Compact);
                if (details.ValueKind != JsonValueKind.Object || System.Text.Encoding.UTF8.GetByteCount(properties) > MaxPropertiesBytes)
                    Error("properties", $"must be a JSON object of at most {MaxPropertiesBytes:N0} bytes");
            }
            if (errors.Count == before)
            {
                events.Add(new ConversionEvent(profile, name!, at, value, properties));
                paths.Add(path);
            }
        }
        return (events, paths, errors);
    }
}

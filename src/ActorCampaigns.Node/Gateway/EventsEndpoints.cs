using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Conversions;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;
using Microsoft.OpenApi;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// <c>POST /api/events</c>: what profiles did that campaigns aim at, told by the sender's systems:
/// <c>[{ profileId, name, at?, value?, properties? }]</c>. A body with any bad item is refused whole, each problem
/// with its path, and records nothing; the events of a good one are committed (by group commit, as feedback) before
/// the answer. An event names a profile that exists: one for an unknown profile is an error, not silently kept.
/// </summary>
public static class EventsEndpoints
{
    /// <summary>Items in one request: more go in several, and a request's check of the profiles stays bounded.</summary>
    private const int MaxItems = 10_000;

    private const int MaxPropertiesBytes = 4_096;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = ActorCampaigns.Domain.Campaigns.CampaignFormat.Encoder };


    /// <summary>Errors an import answers with, at most: the count of rejected lines is whole.</summary>
    private const int MaxImportErrors = 1_000;

    /// <summary>Unknown fields of one event named in its errors, at most.</summary>
    private const int MaxUnknownFields = 5;

    /// <summary>
    /// The largest value an event may have: a sum over millions of events stays far from the largest double (two of 1e308
    /// made every report and every <c>sum(did(...))</c> fail for good).
    /// </summary>
    private const double MaxValue = 1e15;

    public static void MapEventsEndpoints(this WebApplication app)
    {
        MapEvents(app);
        MapImport(app);
    }

    private static void MapEvents(WebApplication app) =>
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

    /// <summary>
    /// <c>POST /api/events/import</c>: a file of events (CSV, or JSON lines with <c>Content-Type: application/x-ndjson</c>),
    /// each line checked as <c>/api/events</c> checks an item: good lines are recorded, bad ones rejected with their line
    /// number and why, as a profile import does.
    /// </summary>
    private static void MapImport(WebApplication app) =>
        app.MapPost("/api/events/import", async (HttpRequest request, ConversionWriter writer, EngineServices services, CancellationToken cancel) =>
        {
            // The CSV reader reads synchronously; the body is spooled to a temporary file first, asynchronously.
            var spool = Path.GetTempFileName();
            try
            {
                await using (var file = File.Create(spool))
                    await request.Body.CopyToAsync(file, cancel);
                await using var input = File.OpenRead(spool);
                var jsonLines = request.ContentType?.Split(';')[0].Trim() is "application/x-ndjson" or "application/jsonl";
                var (recorded, rejected, errors) = (0L, 0L, new List<(long Line, string Reason)>());
                void Reject(long line, string reason)
                {
                    rejected++;
                    if (errors.Count < MaxImportErrors)
                        errors.Add((line, reason));
                }
                var batch = new List<(long Line, ConversionEvent Event)>();
                async Task FlushAsync()
                {
                    var existing = await services.Profiles.ExistingAsync(batch.Select(b => b.Event.Profile).Distinct().ToList(), cancel);
                    foreach (var (line, unknown) in batch.Where(b => !existing.Contains(b.Event.Profile)))
                        Reject(line, $"profileId: no profile has id {unknown.Profile}");
                    var known = batch.Where(b => existing.Contains(b.Event.Profile)).Select(b => b.Event).ToList();
                    await writer.RecordAsync(known, CancellationToken.None);
                    recorded += known.Count;
                    batch.Clear();
                }
                foreach (var line in jsonLines ? EventImport.JsonLines(input) : EventImport.Csv(input))
                {
                    var problems = new List<string>();
                    if (line.Error is { } error)
                        Reject(line.Number, Bounded(error));
                    else if (ReadEvent(line.Item, services.Clock, (field, message) => problems.Add(field is null ? message : $"{field}: {message}")) is { } read)
                        batch.Add((line.Number, read));
                    else
                        Reject(line.Number, Bounded(string.Join("; ", problems)));
                    if (batch.Count == MaxItems)
                        await FlushAsync();
                }
                await FlushAsync();
                // Unknown profiles are found a batch at a time, after the lines' own problems: the answer lists them in line order.
                return Results.Ok(new { recorded, rejected, errors = errors.OrderBy(e => e.Line).Select(e => new { line = e.Line, reason = e.Reason }) });
            }
            catch (FormatException refused)
            {
                return Problems.Invalid("the events file was refused", [new { message = refused.Message }]);
            }
            catch (Exception e) when (DiskFull.Is(e))
            {
                return Problems.DiskFull($"{DiskFull.Reason}: the events file could not be received; send it again once there is space",
                    new() { ["recorded"] = 0 });
            }
            finally
            {
                File.Delete(spool);
            }
        }).WithTags("events").WithSummary("Imports conversion events from a CSV or JSON lines file, rejecting bad lines with their number and why")
            .ReadsBody("text/csv", "UTF-8 CSV with a header naming profileId, name and any of at, value, properties; or JSON lines (application/x-ndjson), an event per line",
                JsonSchemaType.String)
            .Answers(StatusCodes.Status200OK, 400, 413);

    /// <summary>A rejected line's reason, at most 500 characters: a thousand reasons stay small.</summary>
    private static string Bounded(string reason) => reason.Length <= 500 ? reason : reason[..500] + "…";

    /// <returns>The events, the path of each in the body, and every problem found.</returns>
    private static (List<ConversionEvent> Events, List<string> Paths, List<object> Errors) Read(JsonElement root, TimeProvider clock)
    {
        var (events, paths, errors) = (new List<ConversionEvent>(), new List<string>(), new List<object>());
        BatchItems.Each(root, "{ profileId, name, at?, value?, properties? }", errors, (item, path, error) =>
        {
            if (ReadEvent(item, clock, error) is { } read)
            {
                events.Add(read);
                paths.Add(path);
            }
        });
        return (events, paths, errors);
    }

    /// <summary>One event as the API and the import files give it, or null with each problem told to <paramref name="error"/> (its field, or null for the whole item).</summary>
    public static ConversionEvent? ReadEvent(JsonElement item, TimeProvider clock, Action<string?, string> error)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            error(null, "must be an object { profileId, name, at?, value?, properties? }");
            return null;
        }
        var valid = true;
        void Error(string field, string message)
        {
            valid = false;
            error(field, message);
        }
        // A few unknown fields are named, not thousands: an item of a million fields would make a million errors.
        var unknown = item.EnumerateObject().Where(f => f.Name is not ("profileId" or "name" or "at" or "value" or "properties")).Take(MaxUnknownFields + 1).ToList();
        foreach (var field in unknown.Take(MaxUnknownFields))
            Error(field.Name.Length > 100 ? field.Name[..100] + "…" : field.Name, "is not a field of an event (profileId, name, at, value, properties)");
        if (unknown.Count > MaxUnknownFields)
        {
            valid = false;
            error(null, $"has more than {MaxUnknownFields} fields an event does not have");
        }
        long profile = 0;
        if (!item.TryGetProperty("profileId", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out profile))
            Error("profileId", "must be a profile's id, a whole number");
        var name = item.TryGetProperty("name", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString()! : null;
        if (name is null || !ConversionEvents.IsName(name))
            Error("name", $"must be a name of at most {ConversionEvents.MaxNameLength} characters: a letter, then letters, digits, '_', '.' or '-' (purchase, trial.started)");
        var at = BatchItems.At(item, clock, Error);
        double? value = null;
        if (item.TryGetProperty("value", out var worth) && worth.ValueKind != JsonValueKind.Null)
        {
            if (worth.ValueKind == JsonValueKind.Number && worth.TryGetDouble(out var number) && Math.Abs(number) <= MaxValue)
                value = number;
            else
                Error("value", $"must be a number between -{MaxValue:0e0} and {MaxValue:0e0}");
        }
        string? properties = null;
        if (item.TryGetProperty("properties", out var details) && details.ValueKind != JsonValueKind.Null)
        {
            // Kept compact, as JSON of its own: the same object told with other spacing is stored the same.
            properties = JsonSerializer.Serialize(details, Compact);
            if (details.ValueKind != JsonValueKind.Object || System.Text.Encoding.UTF8.GetByteCount(properties) > MaxPropertiesBytes)
                Error("properties", $"must be a JSON object of at most {MaxPropertiesBytes:N0} bytes");
        }
        return valid ? new ConversionEvent(profile, name!, at, value, properties) : null;
    }
}

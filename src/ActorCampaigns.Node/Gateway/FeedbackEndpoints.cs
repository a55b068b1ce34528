using System.Globalization;
using System.Text.Json;
using ActorCampaigns.Channels;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// <c>POST /api/feedback</c>: what providers tell of messages, <c>[{ messageId, event, at?, reason? }]</c> with event
/// <c>delivered</c>, <c>bounced</c> (reason) or <c>complaint</c> (a spam report: it also unsubscribes the profile from
/// email). A body with any bad item is refused whole, listing every problem, and records nothing.
/// </summary>
public static class FeedbackEndpoints
{
    public static void MapFeedbackEndpoints(this WebApplication app) =>
        app.MapPost("/api/feedback", async (HttpRequest request, FeedbackWriter feedback, EngineServices services, CancellationToken cancel) =>
        {
            JsonDocument body;
            try
            {
                body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancel);
            }
            catch (JsonException e)
            {
                return Problems.Invalid("the feedback body is not JSON", [new { message = e.Message }]);
            }
            using (body)
            {
                var (events, errors) = Read(body.RootElement, services.Clock);
                if (errors.Count > 0)
                    return Problems.Invalid($"{errors.Count} feedback item{(errors.Count == 1 ? " is" : "s are")} invalid; nothing was recorded", errors);
                foreach (var complaint in events.Where(e => e.Kind == FeedbackKind.Complained).ToList())
                {
                    await services.Profiles.WithdrawConsentAsync(complaint.Profile, "emailOptIn", cancel);
                    events.Add(complaint with { Kind = FeedbackKind.Unsubscribed, Detail = "email" });
                }
                await feedback.RecordAsync(events, CancellationToken.None);
                return Results.Ok(new { recorded = events.Count });
            }
        });

    private static (List<FeedbackEvent> Events, List<object> Errors) Read(JsonElement root, TimeProvider clock)
    {
        var (events, errors) = (new List<FeedbackEvent>(), new List<object>());
        if (root.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new { path = "$", message = "must be an array of { messageId, event, at?, reason? }" });
            return (events, errors);
        }
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            var path = $"$[{index++}]";
            void Error(string field, string message) => errors.Add(new { path = $"{path}.{field}", message });
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new { path, message = "must be an object { messageId, event, at?, reason? }" });
                continue;
            }
            var message = Text(item, "messageId") is { } id ? MessageId.Parse(id) : null;
            if (message is null)
                Error("messageId", "must be a message id as the outbox wrote it (campaign.execution.activity.profile)");
            FeedbackKind? kind = Text(item, "event") switch
            {
                "delivered" => FeedbackKind.Delivered,
                "bounced" => FeedbackKind.Bounced,
                "complaint" => FeedbackKind.Complained,
                _ => null,
            };
            if (kind is null)
                Error("event", "must be delivered, bounced or complaint");
            var at = clock.GetUtcNow();
            if (item.TryGetProperty("at", out var given) && !(given.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(given.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at)))
                Error("at", "must be an ISO 8601 timestamp");
            var reason = Text(item, "reason");
            if (item.TryGetProperty("reason", out var reasonValue) && (reasonValue.ValueKind != JsonValueKind.String || reason!.Length > 500))
                Error("reason", "must be text of at most 500 characters");
            if (message is not null && kind is not null)
                events.Add(new FeedbackEvent(message.Campaign, message.Execution, message.Activity, message.Profile, kind.Value, at.ToUniversalTime(),
                    kind == FeedbackKind.Bounced ? reason : null));
        }
        return (events, errors);
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

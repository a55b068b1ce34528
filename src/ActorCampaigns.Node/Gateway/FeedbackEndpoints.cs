using System.Text.Json;
using ActorCampaigns.Channels;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Telemetry;
using Microsoft.OpenApi;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// <c>POST /api/feedback</c>: what providers tell of messages, <c>[{ messageId, event, at?, reason? }]</c> with event
/// <c>delivered</c>, <c>bounced</c> (reason) or <c>complaint</c> (a spam report: it also unsubscribes the profile from
/// email). A body with any bad item is refused whole, listing every problem, and records nothing. An event about a
/// message the ledger never sent is counted as <c>unknown</c> and dropped: anyone could otherwise withdraw a
/// profile's consent or skew a report by naming a message that does not exist.
/// </summary>
public static class FeedbackEndpoints
{
    /// <summary>Items in one request: a provider sends more in several, and a request's check of the ledger stays bounded.</summary>
    private const int MaxItems = 10_000;

    public static void MapFeedbackEndpoints(this WebApplication app) =>
        app.MapPost("/api/feedback", async (HttpRequest request, FeedbackWriter feedback, EngineServices services, CancellationToken cancel) =>
        {
            var (body, problem) = await BatchItems.ReadAsync(request, "feedback", MaxItems, cancel);
            if (body is null)
                return problem!;
            using (body)
            {
                var (events, alerts, errors) = Read(body.RootElement, services.Clock);
                if (errors.Count > 0)
                    return BatchItems.Invalid(errors, "feedback");
                var sent = await services.Ledger.SentAtAsync(events.Select(e => e.Message).ToList(), cancel);
                var known = events.Where(e => sent.ContainsKey(e.Message)).Select(e => e.Event).ToList();
                // Events about alerts and proofs (a bounce of an alert email) name no profile: counted with the unknown, recorded nowhere.
                var unknown = events.Count - known.Count + alerts;
                foreach (var complaint in known.Where(e => e.Kind == FeedbackKind.Complained).ToList())
                {
                    await services.Profiles.WithdrawConsentAsync(complaint.Profile, "emailOptIn", cancel);
                    known.Add(complaint with { Kind = FeedbackKind.Unsubscribed, Detail = "email" });
                }
                await feedback.RecordAsync(known, CancellationToken.None);
                foreach (var kind in known.GroupBy(e => e.Kind))
                    CampaignMetrics.FeedbackEvents.Add(kind.Count(), new KeyValuePair<string, object?>("event", kind.Key.ToString().ToLowerInvariant()));
                return Results.Ok(new { recorded = known.Count, unknown });
            }
        }).WithTags("feedback").WithSummary("Records providers' events about sent messages: delivered, bounced, complaint")
            .ReadsBody("application/json", "[{ \"messageId\", \"event\": delivered | bounced | complaint, \"at\"?, \"reason\"? }], at most 10,000 items", JsonSchemaType.Array)
            .Answers(StatusCodes.Status200OK, 400);

    /// <summary>Each event with the message it is about (its entity row too, for a message per row).</summary>
    private static (List<(FeedbackEvent Event, MessageKey Message)> Events, int Alerts, List<object> Errors) Read(JsonElement root, TimeProvider clock)
    {
        var (events, alerts, errors) = (new List<(FeedbackEvent, MessageKey)>(), 0, new List<object>());
        BatchItems.Each(root, "{ messageId, event, at?, reason? }", errors, (item, _, error) =>
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                error(null, "must be an object { messageId, event, at?, reason? }");
                return;
            }
            var id = Text(item, "messageId");
            var message = id is null ? null : MessageId.Parse(id);
            if (message is null && id is not null && (MessageId.IsAlert(id) || MessageId.IsProof(id)))
            {
                alerts++;
                return;
            }
            if (message is null)
                error("messageId", "must be a message id as the outbox wrote it (campaign.execution.activity.profile, and .row for a message per entity row)");
            FeedbackKind? kind = Text(item, "event") switch
            {
                "delivered" => FeedbackKind.Delivered,
                "bounced" => FeedbackKind.Bounced,
                "complaint" => FeedbackKind.Complained,
                _ => null,
            };
            if (kind is null)
                error("event", "must be delivered, bounced or complaint");
            var at = BatchItems.At(item, clock, error);
            var reason = Text(item, "reason");
            if (item.TryGetProperty("reason", out var reasonValue) && (reasonValue.ValueKind != JsonValueKind.String || reason!.Length > 500))
                error("reason", "must be text of at most 500 characters");
            if (message is not null && kind is not null)
                events.Add((new FeedbackEvent(message.Campaign, message.Execution, message.Activity, message.Profile, kind.Value, at,
                    kind == FeedbackKind.Bounced ? reason : null), new MessageKey(message.Campaign, message.Execution, message.Activity, message.Profile, message.Row)));
        });
        return (events, alerts, errors);
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

using ActorCampaigns.Channels.Tracking;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Telemetry;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// What people's mail clients reach: the open pixel, clicks and one-click unsubscribe (RFC 8058). A token that does
/// not verify gets 404 and records nothing; a click leads only to the link its signed token names. Opens and clicks
/// are answered once queued for the next batch of feedback, not once committed: a mail client neither waits for the
/// answer nor retries without one. An unsubscribe is answered once done. Opens and clicks by machines (privacy proxies,
/// link scanners) are recorded apart (<see cref="MachineFeedback"/>).
/// </summary>
public static class TrackingEndpoints
{
    /// <summary>A transparent 1×1 GIF.</summary>
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static void MapTrackingEndpoints(this WebApplication app)
    {
        app.MapGet("/t/o/{token}", async (string token, HttpRequest request, LinkTracking tracking, MachineAgents machines, FeedbackWriter feedback,
            EngineServices services) =>
        {
            if (tracking.Tokens.Verify(token, TrackingPurpose.Message) is not { } claim)
                return Results.NotFound();
            // A privacy proxy's fetch is known by its user agent here; an open too soon after the send, as it is written.
            await feedback.EnqueueAsync([Event(claim, FeedbackKind.Opened, services.Clock) with { Machine = machines.IsMachine(request.Headers.UserAgent) }]);
            CampaignMetrics.TrackingEvents.Add(1, new KeyValuePair<string, object?>("event", "open"));
            return new PixelResult();
        }).WithTags("tracking").WithSummary("Open pixel: records an open and answers a 1x1 GIF");
        app.MapGet("/t/c/{token}", async (string token, HttpResponse response, LinkTracking tracking, FeedbackWriter feedback, EngineServices services) =>
        {
            if (tracking.Tokens.VerifyClick(token) is not { Link: { } link } claim
                || !Uri.TryCreate(link, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
                return Results.NotFound();
            await feedback.EnqueueAsync([Event(claim, FeedbackKind.Clicked, services.Clock, link) with { Links = claim.Links }]);
            CampaignMetrics.TrackingEvents.Add(1, new KeyValuePair<string, object?>("event", "click"));
            response.Headers.CacheControl = "no-store";
            return Results.Redirect(target.AbsoluteUri);
        }).WithTags("tracking").WithSummary("Click: records it and redirects (302) to the link the message held");
        // A GET (a person, or a mail scanner following links) only asks; the POST, from the page or from the mail
        // client's one-click (List-Unsubscribe-Post), unsubscribes.
        app.MapGet("/t/u/{token}", (string token, LinkTracking tracking) =>
            tracking.Tokens.Verify(token, TrackingPurpose.Message) is null
                ? Results.NotFound()
                : Page("Unsubscribe", "<p>Stop receiving these emails?</p><form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>"))
            .WithTags("tracking").WithSummary("Unsubscribe page: asks, changes nothing");
        app.MapPost("/t/u/{token}", async (string token, LinkTracking tracking, FeedbackWriter feedback, EngineServices services, CancellationToken cancel) =>
        {
            if (tracking.Tokens.Verify(token, TrackingPurpose.Message) is not { } claim)
                return Results.NotFound();
            await services.Profiles.WithdrawConsentAsync(claim.Profile, "emailOptIn", cancel);
            await feedback.RecordAsync([Event(claim, FeedbackKind.Unsubscribed, services.Clock, "email")]);
            CampaignMetrics.TrackingEvents.Add(1, new KeyValuePair<string, object?>("event", "unsubscribe"));
            return Page("Unsubscribed", "<p>You will not receive these emails any more.</p>");
        }).DisableAntiforgery().WithTags("tracking").WithSummary("Unsubscribes the profile from email (one-click, RFC 8058)");
    }

    /// <summary>The pixel, headers and body written at once: one send per open (a file result wrote them in two).</summary>
    private sealed class PixelResult : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.ContentType = "image/gif";
            context.Response.ContentLength = Pixel.Length;
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.Body.WriteAsync(Pixel).AsTask();
        }
    }

    private static FeedbackEvent Event(TrackingClaim claim, FeedbackKind kind, TimeProvider clock, string? detail = null) =>
        new(claim.Campaign, claim.Execution, claim.Activity, claim.Profile, kind, clock.GetUtcNow(), detail);

    private static IResult Page(string title, string body) => Results.Content(
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>",
        "text/html; charset=utf-8");
}

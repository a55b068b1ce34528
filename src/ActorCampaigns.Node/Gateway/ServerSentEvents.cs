using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Node.Gateway;

/// <summary>A live feed as Server-Sent Events: the campaign feed of the gateway and the operator's membership feed.</summary>
public static class ServerSentEvents
{
    /// <summary>An idle feed gets a comment this often, so proxies and clients see it is alive.</summary>
    private static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(15);

    /// <summary>Sends the headers of an event stream at once, so the client knows the feed is open before any event.</summary>
    public static async Task BeginAsync(HttpResponse response, CancellationToken cancel)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(cancel);
    }

    /// <summary>
    /// Writes each event (its whole text, <c>event: ...\ndata: ...\n\n</c>) as it comes, a keep-alive comment when
    /// idle, until <paramref name="events"/> ends or the client goes away.
    /// </summary>
    public static async Task StreamAsync(HttpResponse response, Source<string, NotUsed> events, IMaterializer materializer, CancellationToken cancel)
    {
        try
        {
            await events
                .Select(text => (string?)text)
                .KeepAlive<string?, string?, NotUsed>(KeepAliveEvery, () => null)
                .SelectAsync(1, async text =>
                {
                    await response.WriteAsync(text ?? ": keep-alive\n\n", cancel);
                    await response.Body.FlushAsync(cancel);
                    return NotUsed.Instance;
                })
                .RunWith(Sink.Ignore<NotUsed>(), materializer);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}

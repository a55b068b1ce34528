using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ActorCampaigns.TestSupport;

/// <summary>One request the webhook server received: its idempotency key and JSON body.</summary>
public sealed record WebhookRequest(string? IdempotencyKey, JsonElement Body, string? Authorization = null);

/// <summary>
/// A real HTTP server on a loopback port standing for an SMS or push provider: it records every request and answers
/// what <see cref="Answer"/> says for it (by default 202), given how many times that idempotency key came before.
/// </summary>
public sealed class TestWebhookServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly Task _serving;

    public ConcurrentQueue<WebhookRequest> Received { get; } = new();

    /// <summary>The status for a request and the number of earlier requests with its key.</summary>
    public Func<WebhookRequest, int, HttpStatusCode> Answer { get; set; } = (_, _) => HttpStatusCode.Accepted;

    public string Url { get; }

    public TestWebhookServer()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/messages/";
        }
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>
    /// Messages accepted (2xx), once per idempotency key; read when asked (a copy kept at each request could be replaced
    /// by an older one from a request answered at the same time, and lose the last messages).
    /// </summary>
    public IReadOnlyList<WebhookRequest> Accepted => _accepted.Values.ToList();

    private readonly ConcurrentDictionary<string, WebhookRequest> _accepted = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
                var request = new WebhookRequest(context.Request.Headers["Idempotency-Key"], body.RootElement.Clone(), context.Request.Headers["Authorization"]);
                Received.Enqueue(request);
                var earlier = _attempts.AddOrUpdate(request.IdempotencyKey ?? "", 0, (_, n) => n + 1);
                var status = Answer(request, earlier);
                if ((int)status < 300)
                {
                    _accepted.TryAdd(request.IdempotencyKey ?? "", request);
                }
                context.Response.StatusCode = (int)status;
                context.Response.Close();
            });
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}

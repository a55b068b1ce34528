using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ActorCampaigns.Cli;

/// <summary>
/// The HTTP conversation with one node: its operator endpoint and its gateway API. Every way it can go wrong ends as
/// a <see cref="CommandFailure"/> with one line saying what happened.
/// </summary>
public sealed class NodeClient : IDisposable
{
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;

    public NodeClient(Uri baseAddress, string? key)
    {
        Address = $"{baseAddress.Host}:{baseAddress.Port}";
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        if (key is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    /// <summary>host:port, as the operator gave it.</summary>
    public string Address { get; }

    /// <summary><c>host:port</c> or <c>http://host:port</c>; null when it is neither.</summary>
    public static Uri? ParseAddress(string text)
    {
        var candidate = text.Contains("://", StringComparison.Ordinal) ? text : $"http://{text}";
        return Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && !uri.IsDefaultPort
               && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query)
            ? uri
            : null;
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancel) => SendAsync(HttpMethod.Get, path, null, cancel);

    public Task<JsonElement> PostAsync(string path, CancellationToken cancel, HttpContent? body = null) => SendAsync(HttpMethod.Post, path, body, cancel);

    /// <summary>A request that may take long (an import): no time limit but the operator's Ctrl+C.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? body, CancellationToken cancel, bool bounded = true)
    {
        using var within = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (bounded)
            within.CancelAfter(AnswerWithin);
        using var request = new HttpRequestMessage(method, path) { Content = body };
        using var response = await ExchangeAsync(request, HttpCompletionOption.ResponseContentRead, within.Token, cancel);
        return await ReadAsync(response, within.Token);
    }

    /// <summary>Server-Sent Events from <paramref name="path"/>: each event's data, until the stream ends or the operator stops it.</summary>
    public async IAsyncEnumerable<JsonElement> EventsAsync(string path, [EnumeratorCancellation] CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await ExchangeAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel, cancel);
        if (!response.IsSuccessStatusCode)
            await ReadAsync(response, cancel);
        await using var stream = await response.Content.ReadAsStreamAsync(cancel);
        using var reader = new StreamReader(stream);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancel);
            }
            catch (IOException e)
            {
                throw new CommandFailure($"the node at {Address} closed the stream: {e.Message}", ExitCodes.Unreachable);
            }
            if (line is null)
                yield break;
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                yield return JsonDocument.Parse(line[6..]).RootElement.Clone();
        }
    }

    private async Task<HttpResponseMessage> ExchangeAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken within,
        CancellationToken operatorCancel)
    {
        try
        {
            return await _http.SendAsync(request, completion, within);
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is SocketException socket ? SocketReason(socket) : e.Message;
            throw new CommandFailure($"cannot reach a node at {Address}: {reason}", ExitCodes.Unreachable);
        }
        catch (OperationCanceledException) when (!operatorCancel.IsCancellationRequested)
        {
            throw new CommandFailure($"the node at {Address} did not answer within {AnswerWithin.TotalSeconds:0} s", ExitCodes.Unreachable);
        }
    }

    private static string SocketReason(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (is the node running, and is this its HTTP port?)",
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "no such host",
        SocketError.TimedOut => "the connection timed out",
        _ => socket.Message,
    };

    /// <summary>The JSON of a successful answer; a problem answer becomes a failure saying what the node said.</summary>
    private async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        var text = await response.Content.ReadAsStringAsync(cancel);
        var media = response.Content.Headers.ContentType?.MediaType ?? "";
        JsonElement? json = null;
        if (media.EndsWith("json", StringComparison.Ordinal))
        {
            try
            {
                json = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
            }
        }
        if (response.IsSuccessStatusCode && (json is not null || text.Length == 0))
            return json ?? default;
        if (json is not { ValueKind: JsonValueKind.Object } problem)
            throw new CommandFailure($"the service at {Address} is not an ActorCampaigns node (it answered {(int)response.StatusCode}{(media.Length > 0 ? $" {media}" : "")})");
        var title = problem.TryGetProperty("title", out var t) ? t.GetString() : response.ReasonPhrase;
        var details = problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? errors.EnumerateArray().Select(Detail).Where(d => d != title).ToList()
            : [];
        var code = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? ExitCodes.Unauthorized : ExitCodes.Failed;
        throw new CommandFailure(title ?? $"the node answered {(int)response.StatusCode}", code, details) { Problem = problem };
    }

    private static string Detail(JsonElement error) =>
        error.TryGetProperty("path", out var path)
            ? $"{path.GetString()}: {error.GetProperty("message").GetString()}"
            : error.TryGetProperty("message", out var message) ? message.GetString() ?? "" : error.ToString();

    public void Dispose() => _http.Dispose();
}

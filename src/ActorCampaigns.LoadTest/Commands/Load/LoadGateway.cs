using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ActorCampaigns.LoadTest.Commands.Load;

/// <summary>The gateway a load run drives: every call timed, every refusal an error naming the call and the answer.</summary>
public sealed class LoadGateway(Uri gateway, string? key, ApiLatency latency) : IDisposable
{
    private readonly HttpClient _http = Client(gateway, key);

    public Uri Address => gateway;

    private static HttpClient Client(Uri gateway, string? key)
    {
        var http = new HttpClient { BaseAddress = gateway, Timeout = Timeout.InfiniteTimeSpan };
        if (key is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    public Task<JsonElement> PostAsync(string call, string path, string? json, CancellationToken cancel) =>
        SendAsync(call, HttpMethod.Post, path, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"), cancel);

    /// <summary>
    /// Publishes a campaign as a client that has read the figures does: the first ask of a one-shot campaign answers
    /// 409 with its estimate and a confirmation token, the second confirms with it (timed as the one call).
    /// </summary>
    public Task<JsonElement> PublishAsync(string campaign, CancellationToken cancel) =>
        latency.TimeAsync("POST /api/campaigns/{id}/publish", async () =>
        {
            using var ask = await _http.PostAsync($"/api/campaigns/{campaign}/publish", null, cancel);
            var text = await ask.Content.ReadAsStringAsync(cancel);
            var path = $"/api/campaigns/{campaign}/publish";
            if (ask.StatusCode == HttpStatusCode.Conflict && JsonDocument.Parse(text).RootElement.TryGetProperty("confirmToken", out var token))
            {
                path += $"?confirm={token.GetString()}";
                using var confirmed = await _http.PostAsync(path, null, cancel);
                (ask.StatusCode, text) = (confirmed.StatusCode, await confirmed.Content.ReadAsStringAsync(cancel));
            }
            if (!((int)ask.StatusCode is >= 200 and < 300))
                throw new InvalidOperationException($"POST {path}: the gateway answered {(int)ask.StatusCode}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        });

    public Task<JsonElement> GetAsync(string call, string path, CancellationToken cancel) => SendAsync(call, HttpMethod.Get, path, null, cancel);

    public Task<JsonElement> SendAsync(string call, HttpMethod method, string path, HttpContent? body, CancellationToken cancel) =>
        latency.TimeAsync(call, async () =>
        {
            using var request = new HttpRequestMessage(method, path) { Content = body };
            using var response = await _http.SendAsync(request, cancel);
            var text = await response.Content.ReadAsStringAsync(cancel);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{call} {path}: the gateway answered {(int)response.StatusCode}: {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        });

    /// <summary>
    /// Follows a campaign's status over Server-Sent Events until <paramref name="done"/> holds for one; the last status.
    /// A feed the gateway closes early is opened again.
    /// </summary>
    public async Task<JsonElement> FollowAsync(string campaign, Func<JsonElement, bool> done, Action<JsonElement> seen, CancellationToken cancel)
    {
        while (true)
        {
            using var response = await _http.GetAsync($"/api/campaigns/{campaign}/events", HttpCompletionOption.ResponseHeadersRead, cancel);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"events of {campaign}: the gateway answered {(int)response.StatusCode}");
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
            while (await reader.ReadLineAsync(cancel) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                    continue;
                var status = JsonDocument.Parse(line[6..]).RootElement.Clone();
                seen(status);
                if (done(status))
                    return status;
            }
        }
    }

    public void Dispose() => _http.Dispose();
}

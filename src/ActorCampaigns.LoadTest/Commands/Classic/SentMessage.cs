using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;

namespace ActorCampaigns.LoadTest.Commands.Classic;

/// <summary>
/// A message as the comparison sees it: its channel, its id and its text. The text is an email's subject, an SMS's
/// text, a push's body; not an email's html, which a node rewrites for tracking (links, pixel, unsubscribe URL).
/// </summary>
public sealed record SentMessage(string Channel, string Id, string Text)
{
    private static readonly Dictionary<string, string> TextFields = new() { ["email"] = "subject", ["sms"] = "text", ["push"] = "body" };

    private static string TextField(string channel) => TextFields.GetValueOrDefault(channel)
        ?? throw new InvalidOperationException($"the comparison knows the text of email, sms and push messages, not of '{channel}' messages");

    /// <summary>One campaign's messages in a node's outbox folder (a <c>&lt;channel&gt;.jsonl</c> file per channel, every campaign's messages).</summary>
    public static async IAsyncEnumerable<SentMessage> FromOutboxAsync(string folder, string campaign, [EnumeratorCancellation] CancellationToken cancel)
    {
        foreach (var file in Directory.GetFiles(folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var channel = Path.GetFileNameWithoutExtension(file);
            var field = TextField(channel);
            await foreach (var line in File.ReadLinesAsync(file, cancel))
            {
                using var message = JsonDocument.Parse(line);
                var root = message.RootElement;
                if (root.GetProperty("campaignId").GetString() == campaign)
                    yield return new SentMessage(channel, root.GetProperty("messageId").GetString()!, root.TryGetProperty(field, out var text) ? text.GetString() ?? "" : "");
            }
        }
    }

    /// <summary>
    /// Messages kept in a file of their own, one JSON object a line, to be read again once the node that sent them is
    /// gone: its outbox holds every campaign's messages with their whole content, many times larger.
    /// </summary>
    public static async Task SaveAsync(IAsyncEnumerable<SentMessage> messages, string path)
    {
        await using var file = new StreamWriter(path);
        await foreach (var message in messages)
            await file.WriteLineAsync(JsonSerializer.Serialize(message));
    }

    public static async IAsyncEnumerable<SentMessage> FromFileAsync(string path, [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var line in File.ReadLinesAsync(path, cancel))
            yield return JsonSerializer.Deserialize<SentMessage>(line) ?? throw new InvalidDataException($"{path}: a line that is no message: {line}");
    }

    /// <summary>The classic execution's messages, as its message table holds them.</summary>
    public static async IAsyncEnumerable<SentMessage> FromTableAsync(string connectionString, [EnumeratorCancellation] CancellationToken cancel)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancel);
        var text = $"CASE channel {string.Join(" ", TextFields.Select(f => $"WHEN '{f.Key}' THEN content->>'{f.Value}'"))} END";
        await using var command = new NpgsqlCommand($"SELECT channel, message_id, COALESCE({text}, '') FROM {ClassicCanvas.Messages}", connection) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
            yield return new SentMessage(reader.GetString(0), reader.GetString(1), reader.GetString(2));
    }
}

namespace ActorCampaigns.LoadTest.Commands.Classic;

/// <summary>
/// The engine's messages against the classic execution's, per channel: the same set of message ids, each with the
/// same text. Compared by <see cref="MessageDigest"/>s, at any size; where they differ, the messages of each channel's
/// first few differing buckets are read again from both sides, and the first few that differ are named: one
/// difference per channel, its messages on the lines after it.
/// </summary>
public static class MessageComparison
{
    private const int Examples = 5;

    public static async Task<List<string>> DifferencesAsync(Func<IAsyncEnumerable<SentMessage>> engine, Func<IAsyncEnumerable<SentMessage>> classic)
    {
        var (engineDigests, classicDigests) = (await DigestsAsync(engine()), await DigestsAsync(classic()));
        var differences = new List<(string Channel, string Summary)>();
        var reread = new Dictionary<string, HashSet<int>>();
        foreach (var channel in engineDigests.Keys.Union(classicDigests.Keys).Order(StringComparer.Ordinal))
        {
            var (ours, theirs) = (engineDigests.GetValueOrDefault(channel) ?? new(), classicDigests.GetValueOrDefault(channel) ?? new());
            var buckets = ours.Differing(theirs).ToList();
            if (buckets.Count == 0)
                continue;
            differences.Add((channel, $"{channel} messages: engine {ours.Count:N0}, classic {theirs.Count:N0}; ids or texts differ in {buckets.Count:N0} of {MessageDigest.Buckets:N0} buckets of message ids"));
            reread[channel] = buckets.Take(Examples).ToHashSet();
        }
        if (differences.Count == 0)
            return [];
        var named = Named(await InAsync(engine(), reread), await InAsync(classic(), reread));
        return differences.Select(d => string.Join("\n  ", named[d.Channel].Prepend(d.Summary))).ToList();
    }

    private static async Task<Dictionary<string, MessageDigest>> DigestsAsync(IAsyncEnumerable<SentMessage> messages)
    {
        var digests = new Dictionary<string, MessageDigest>();
        await foreach (var message in messages)
        {
            if (!digests.TryGetValue(message.Channel, out var digest))
                digests[message.Channel] = digest = new MessageDigest();
            digest.Add(message.Id, message.Text);
        }
        return digests;
    }

    /// <summary>The messages in the given buckets of their channel, each id with its texts (more than one: sent more than once).</summary>
    private static async Task<Dictionary<(string Channel, string Id), List<string>>> InAsync(IAsyncEnumerable<SentMessage> messages, Dictionary<string, HashSet<int>> buckets)
    {
        var found = new Dictionary<(string, string), List<string>>();
        await foreach (var message in messages)
        {
            if (!buckets.TryGetValue(message.Channel, out var reread) || !reread.Contains(MessageDigest.Bucket(message.Id)))
                continue;
            if (!found.TryGetValue((message.Channel, message.Id), out var texts))
                found[(message.Channel, message.Id)] = texts = [];
            texts.Add(message.Text);
        }
        return found;
    }

    /// <summary>Per channel, its first few messages (by id) that differ.</summary>
    private static ILookup<string, string> Named(Dictionary<(string Channel, string Id), List<string>> engine, Dictionary<(string Channel, string Id), List<string>> classic) =>
        engine.Keys.Union(classic.Keys)
            .Select(key => (key, Engine: engine.GetValueOrDefault(key) ?? [], Classic: classic.GetValueOrDefault(key) ?? []))
            .Where(m => !m.Engine.Order(StringComparer.Ordinal).SequenceEqual(m.Classic.Order(StringComparer.Ordinal)))
            .GroupBy(m => m.key.Channel)
            .SelectMany(g => g.OrderBy(m => m.key.Id, StringComparer.Ordinal).Take(Examples))
            .ToLookup(m => m.key.Channel, m => $"message {m.key.Id}: engine {Texts(m.Engine)}, classic {Texts(m.Classic)}");

    private static string Texts(List<string> texts) => texts.Count switch
    {
        0 => "did not send it",
        1 => $"'{texts[0]}'",
        _ => $"sent it {texts.Count} times ({string.Join(", ", texts.Select(t => $"'{t}'"))})",
    };
}

using System.Collections.Concurrent;
using System.Text;

namespace ActorCampaigns.Channels.Outbox;

/// <summary>
/// The outbox, the provider of every channel the node names no other for (<see cref="For"/>): every message is appended as one JSON line to <c>&lt;folder&gt;/&lt;channel&gt;.jsonl</c> and
/// flushed to disk before the batch counts as sent. A batch retried after a crash first reads what the file holds
/// from where it ended when the batch was claimed, and appends only the messages not there yet.
/// </summary>
public sealed class OutboxProvider(string folder)
{
    private readonly ConcurrentDictionary<string, ChannelFile> _files = new();
    private readonly ConcurrentDictionary<string, OutboxFile> _providers = new();

    /// <summary>The provider of a channel that has no other: its file here.</summary>
    public IMessageSender For(string channel) => _providers.GetOrAdd(channel, c => new OutboxFile(this, c));

    /// <summary>One channel's file: appends take turns.</summary>
    private sealed class ChannelFile
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public bool Repaired { get; set; }
    }

    public string PathOf(string channel) => Path.Combine(folder, $"{channel}.jsonl");

    /// <summary>
    /// Where the file ends, between two appends and once a line torn by a crash is dropped: what a claim notes before its
    /// batch is written, always at the start of a line, and never past where a retried batch may start.
    /// </summary>
    public async Task<long> EndAsync(string channel, CancellationToken cancellationToken = default)
    {
        var channelFile = _files.GetOrAdd(channel, _ => new ChannelFile());
        await channelFile.Gate.WaitAsync(cancellationToken);
        try
        {
            var path = PathOf(channel);
            Repair(channelFile, path);
            return File.Exists(path) ? new FileInfo(path).Length : 0;
        }
        finally
        {
            channelFile.Gate.Release();
        }
    }

    private static void Repair(ChannelFile channelFile, string path)
    {
        if (channelFile.Repaired)
            return;
        DropUnfinishedLine(path);
        channelFile.Repaired = true;
    }

    public async Task AppendAsync(string channel, IReadOnlyCollection<OutboundMessage> messages, long? retryFrom, CancellationToken cancellationToken = default)
    {
        using var lines = OutboxLines.Of(messages);
        await AppendAsync(channel, lines, retryFrom, cancellationToken);
    }

    /// <param name="retryFrom">Where the file ended when the batch was claimed, for a batch retried after a crash: the lines already there are not appended again.</param>
    public async Task AppendAsync(string channel, OutboxLines lines, long? retryFrom, CancellationToken cancellationToken = default)
    {
        var channelFile = _files.GetOrAdd(channel, _ => new ChannelFile());
        await channelFile.Gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(folder);
            var path = PathOf(channel);
            Repair(channelFile, path);
            IEnumerable<ReadOnlyMemory<byte>> missing = retryFrom is { } offset ? lines.Except(await MessageIdsFromAsync(path, offset, cancellationToken)) : [lines.Written];
            await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
            var end = file.Length;
            try
            {
                foreach (var part in missing)
                    await file.WriteAsync(part, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            catch
            {
                // A write refused part-way (a full disk) leaves some of the batch, maybe half a line: the file goes back to
                // where it ended, so the retry appends the whole batch and no reader meets a torn line.
                channelFile.Repaired = false;
                file.SetLength(end);
                throw;
            }
        }
        finally
        {
            channelFile.Gate.Release();
        }
    }

    /// <summary>A crash in the middle of a write can leave a last line without its end; it is dropped, its batch is retried.</summary>
    private static void DropUnfinishedLine(string path)
    {
        if (!File.Exists(path))
            return;
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var end = file.Length;
        var probe = new byte[1];
        while (end > 0)
        {
            file.Position = end - 1;
            file.ReadExactly(probe);
            if (probe[0] == (byte)'\n')
                break;
            end--;
        }
        if (end != file.Length)
            file.SetLength(end);
    }

    private static async Task<HashSet<string>> MessageIdsFromAsync(string path, long offset, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(path))
            return ids;
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Position = Math.Min(offset, file.Length);
        using var reader = new StreamReader(file, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
            ids.Add(OutboxLines.MessageIdOf(Encoding.UTF8.GetBytes(line)));
        return ids;
    }
}

namespace ActorCampaigns.LoadTest.Commands.Classic;

/// <summary>
/// One channel's messages, taken in any order, as a digest that fits in memory at any size: per bucket of message ids
/// (a hash of the id picks one of <see cref="Buckets"/>), how many messages and the sum, modulo 2^64, of a 64-bit hash
/// of each message's id and text. Equal digests: the same message ids, each with the same text (a message sent twice
/// counts twice). Where they differ, the differing buckets say which few messages to read again.
/// </summary>
public sealed class MessageDigest
{
    public const int Buckets = 1024;

    private readonly long[] _counts = new long[Buckets];
    private readonly ulong[] _sums = new ulong[Buckets];

    public long Count { get; private set; }

    public void Add(string id, string text)
    {
        var bucket = Bucket(id);
        _counts[bucket]++;
        _sums[bucket] += Mix(Fnv(Fnv(Fnv(FnvOffset, id), "\n"), text));
        Count++;
    }

    public static int Bucket(string id) => (int)(Mix(Fnv(FnvOffset, id)) % Buckets);

    /// <summary>The buckets holding messages that differ between the two digests, in bucket order.</summary>
    public IEnumerable<int> Differing(MessageDigest other) =>
        Enumerable.Range(0, Buckets).Where(b => _counts[b] != other._counts[b] || _sums[b] != other._sums[b]);

    private const ulong FnvOffset = 14695981039346656037UL;

    /// <summary>FNV-1a over the text's UTF-16 code units, continued from <paramref name="hash"/>.</summary>
    private static ulong Fnv(ulong hash, string text)
    {
        foreach (var c in text)
            hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }

    /// <summary>MurmurHash3's 64-bit finalizer: every input bit reaches every output bit, so sums of hashes do not cancel by pattern.</summary>
    private static ulong Mix(ulong hash)
    {
        hash = (hash ^ (hash >> 33)) * 0xff51afd7ed558ccdUL;
        hash = (hash ^ (hash >> 33)) * 0xc4ceb9fe1a85ec53UL;
        return hash ^ (hash >> 33);
    }
}

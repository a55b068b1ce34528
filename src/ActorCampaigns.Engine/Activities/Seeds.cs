namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Seeds for random orders: the same execution, activity and purpose always give the same seed, in every process
/// (unlike string.GetHashCode), so a random split or deduplication repeats exactly after a restart.
/// </summary>
public static class Seeds
{
    public static int For(string execution, string activity, string purpose)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in $"{execution}/{activity}/{purpose}")
            hash = (hash ^ c) * 1099511628211UL;
        return (int)(hash ^ (hash >> 32));
    }

    /// <summary>
    /// A profile's place in a random order: a multiplicative hash of its id (Knuth's 2654435761, a bijection on 32
    /// bits) mixed with the seed, ties by id. Integer arithmetic any SQL engine does the same way
    /// (<see cref="RandomKeySql"/>), so a database-side execution of the same campaign draws the same sample.
    /// </summary>
    public static long RandomKey(long id, int seed) => ((id * 2654435761L) ^ (uint)seed) & 0xFFFFFFFFL;

    /// <summary>
    /// <see cref="RandomKey"/> in PostgreSQL, over an id column (bigint), for any id. In C# the product wraps; in
    /// PostgreSQL a bigint product past 2^63 is an error (ids past 3.5e9, as 63-bit random ids are). The key keeps the
    /// product's low 32 bits, which only the id's low 32 bits decide: they are multiplied in two 16-bit halves, no
    /// product past 2^48, and summed modulo 2^32.
    /// </summary>
    public static string RandomKeySql(string id, int seed) =>
        $"(((({id} & 65535) * 2654435761 + (((({id} >> 16) & 65535) * 2654435761) & 65535) * 65536) # {(uint)seed}) & 4294967295)";

    /// <summary>
    /// A profile's place in [0, 2^32) under a key, spread evenly: ((id × 2654435761 mod 2^32) xor key) × 2146121005
    /// mod 2^32. The second multiplication carries every bit of the key into the high bits a bound compares: without
    /// it, which share of the key space a profile falls in hung on the key's top bits only (at 50 %, on one bit: half
    /// the keys picked the same half). In SQL the first product is taken as <see cref="RandomKeySql"/> does; the
    /// second, of two numbers below 2^32 and 2^31, stays below 2^63.
    /// </summary>
    public static long Spread(long id, int key) => RandomKey(id, key) * 2_146_121_005L & 0xFFFFFFFFL;

    /// <summary>A seeded Fisher-Yates shuffle of row indexes.</summary>
    public static int[] Shuffled(IEnumerable<int> rows, int seed)
    {
        var array = rows.ToArray();
        var random = new Random(seed);
        for (var i = array.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (array[i], array[j]) = (array[j], array[i]);
        }
        return array;
    }
}

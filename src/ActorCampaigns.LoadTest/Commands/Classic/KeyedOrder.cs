using ActorCampaigns.Engine.Activities;

namespace ActorCampaigns.LoadTest.Commands.Classic;

/// <summary>
/// The engine's keyed random order (<see cref="Seeds.RandomKey"/>) in PostgreSQL, for any bigint id. The engine
/// multiplies the id by 2654435761 in C#, where a long wraps; in PostgreSQL a bigint product past 2^63 is an error
/// (ids past 3.5e9, as 63-bit random ids are), so <see cref="Seeds.RandomKeySql"/> holds for small ids only. The key
/// keeps the product's low 32 bits, which only the id's low 32 bits decide: they are multiplied here in two 16-bit
/// halves, no product past 2^48, and summed modulo 2^32.
/// </summary>
public static class KeyedOrder
{
    public static string Sql(string id, int seed) =>
        $"(((({id} & 65535) * 2654435761 + (((({id} >> 16) & 65535) * 2654435761) & 65535) * 65536) # {(uint)seed}) & 4294967295)";
}

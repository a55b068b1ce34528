using ActorCampaigns.Domain.Campaigns;
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Deduplication as the population streams by in id order, for the usual method (lowest, by id): the first
/// <c>keep</c> profiles of each key tuple are kept, later ones are duplicates, a profile with a null key is kept.
/// It remembers a 128-bit hash of each key tuple (XxHash128; for 10 million distinct keys the chance of any
/// collision is about 10^-25), not the keys themselves, so memory is some 32 bytes per distinct key whatever
/// the keys' length, and the population is never held whole.
/// </summary>
/// <param name="population">How many profiles arrive, so the table of keys is sized once.</param>
public sealed class LowestIdDeduplication(DeduplicateActivity dedup, long population)
{
    private readonly Dictionary<UInt128, int> _kept = new((int)Math.Min(population, Array.MaxLength / 2));
    private readonly ArrayBufferWriter<byte> _key = new();

    public static bool Applies(DeduplicateActivity dedup) => dedup.Method == Domain.Campaigns.DeduplicateMethod.Lowest && dedup.By == "id";

    /// <summary>The next batch of the population (ids ascending, after those of the previous batch), split into kept and duplicates.</summary>
    public (long[] Kept, long[] Duplicates) Next(ProfileBatch batch)
    {
        var keys = dedup.Keys.Select(batch.ValuesOf).ToArray();
        var (kept, duplicates) = (new List<long>(batch.Count), new List<long>());
        for (var row = 0; row < batch.Count; row++)
        {
            if (!TryHash(keys, row, out var hash))
            {
                kept.Add(batch.Ids[row]);
                continue;
            }
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_kept, hash, out _);
            if (count < dedup.Keep)
            {
                count++;
                kept.Add(batch.Ids[row]);
            }
            else
            {
                duplicates.Add(batch.Ids[row]);
            }
        }
        return (kept.ToArray(), duplicates.ToArray());
    }

    /// <summary>The hash of a row's key tuple, each value tagged with its type; false when a value is null.</summary>
    private bool TryHash(object?[][] keys, int row, out UInt128 hash)
    {
        _key.ResetWrittenCount();
        foreach (var column in keys)
        {
            switch (column[row])
            {
                case null:
                    hash = default;
                    return false;
                case string text:
                    var length = Encoding.UTF8.GetByteCount(text);
                    Write((byte)'s', length);
                    Encoding.UTF8.GetBytes(text, _key.GetSpan(length));
                    _key.Advance(length);
                    break;
                case long whole:
                    Write((byte)'l', whole);
                    break;
                case double number:
                    // 0.0 = -0.0, as SQL compares them. A column has one type, so a long never meets a double here.
                    Write((byte)'n', BitConverter.DoubleToInt64Bits(number == 0 ? 0 : number));
                    break;
                case bool flag:
                    Write((byte)'b', flag ? 1 : 0);
                    break;
                case DateOnly date:
                    Write((byte)'d', date.DayNumber);
                    break;
                case DateTime instant:
                    Write((byte)'t', instant.Ticks);
                    break;
                case var other:
                    throw new NotSupportedException($"a deduplication key of type {other.GetType().Name}");
            }
        }
        hash = XxHash128.HashToUInt128(_key.WrittenSpan);
        return true;
    }

    private void Write(byte tag, long value)
    {
        var span = _key.GetSpan(9);
        span[0] = tag;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], value);
        _key.Advance(9);
    }
}

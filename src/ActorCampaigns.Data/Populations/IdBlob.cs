namespace ActorCampaigns.Data.Populations;

/// <summary>
/// Sorted profile ids as a compact blob: the first id zigzag-encoded, then each gap to the previous id, all as
/// LEB128 varints. Ids of a generated base take one or two bytes each instead of eight.
/// </summary>
public static class IdBlob
{
    public static byte[] Encode(ReadOnlySpan<long> ids)
    {
        // At most 10 bytes an id; a batch's worth is a large object, so it is borrowed, not allocated.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ids.Length * 10);
        try
        {
            return buffer.AsSpan(0, Write(ids, buffer)).ToArray();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Write(ReadOnlySpan<long> ids, byte[] buffer)
    {
        var length = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            if (i > 0 && ids[i] <= ids[i - 1])
                throw new ArgumentException($"ids must be strictly increasing: {ids[i]} follows {ids[i - 1]}", nameof(ids));
            var value = i == 0 ? (ulong)((ids[0] << 1) ^ (ids[0] >> 63)) : (ulong)(ids[i] - ids[i - 1]);
            while (value >= 0x80)
            {
                buffer[length++] = (byte)(value | 0x80);
                value >>= 7;
            }
            buffer[length++] = (byte)value;
        }
        return length;
    }

    public static long[] Decode(ReadOnlySpan<byte> blob, int count)
    {
        var ids = new long[count];
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            ulong value = 0;
            var shift = 0;
            byte b;
            do
            {
                if (position == blob.Length || shift > 63)
                    throw new InvalidDataException($"id blob ends or overflows at id {i} of {count}");
                b = blob[position++];
                value |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            }
            while (b >= 0x80);
            ids[i] = i == 0 ? (long)(value >> 1) ^ -(long)(value & 1) : ids[i - 1] + (long)value;
        }
        if (position != blob.Length)
            throw new InvalidDataException($"id blob has {blob.Length - position} bytes after its {count} ids");
        return ids;
    }
}

using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Channels.Outbox;
using CsCheck;

namespace ActorCampaigns.Channels.Tests;

/// <summary>
/// The cluster outbox's COPY rows against any text a template or an attribute can hold: each row is eight fields in
/// the table's column order, text as UTF-8 (a lone surrogate as U+FFFD), the profile as a big-endian bigint, and the
/// content one valid JSON object of the message's fields. (PostgreSQL itself reads them in the cluster tests.)
/// </summary>
public sealed class OutboxRowsProperties
{
    /// <summary>The fields of each row, read back as PostgreSQL reads binary COPY rows.</summary>
    private static List<byte[][]> Read(ReadOnlySpan<byte> rows)
    {
        var read = new List<byte[][]>();
        while (!rows.IsEmpty)
        {
            var fields = new byte[BinaryPrimitives.ReadInt16BigEndian(rows)][];
            rows = rows[2..];
            for (var f = 0; f < fields.Length; f++)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(rows);
                fields[f] = rows.Slice(4, length).ToArray();
                rows = rows[(4 + length)..];
            }
            read.Add(fields);
        }
        return read;
    }

    [Fact]
    public void Every_row_holds_the_messages_values_in_the_tables_column_order()
    {
        Gen.Select(OutboxLinesProperties.Text, OutboxLinesProperties.Text, OutboxLinesProperties.Text, Gen.Long[long.MinValue, long.MaxValue]).Array[1, 30].Sample(messages =>
        {
            using var rows = new OutboxRows("email");
            var outbound = messages.Select(m => new OutboundMessage(OutboundMessage.IdFor("c-1", "e-1", "mail", m.Item4), "c-1", "e-1", "mail", m.Item4,
                m.Item1, [new("subject", m.Item2), new("html", m.Item3)])).ToList();
            foreach (var message in outbound)
                rows.Add(message);

            var read = Read(rows.Written.Span);
            Assert.Equal(outbound.Count, read.Count);
            for (var i = 0; i < read.Count; i++)
            {
                var fields = read[i];
                Assert.Equal([outbound[i].MessageId, "email", "c-1", "e-1", "mail"], fields[..5].Select(Encoding.UTF8.GetString));
                Assert.Equal(outbound[i].ProfileId, BinaryPrimitives.ReadInt64BigEndian(fields[5]));
                Assert.Equal(OutboxLinesProperties.AsWritten(outbound[i].To), Encoding.UTF8.GetString(fields[6]));
                using var content = JsonDocument.Parse(fields[7]);
                Assert.Equal(["subject", "html"], content.RootElement.EnumerateObject().Select(p => p.Name));
                Assert.Equal(OutboxLinesProperties.AsWritten(outbound[i].Content[0].Value), content.RootElement.GetProperty("subject").GetString());
                Assert.Equal(OutboxLinesProperties.AsWritten(outbound[i].Content[1].Value), content.RootElement.GetProperty("html").GetString());
            }
            Assert.Equal(outbound.Select(m => m.ProfileId), rows.Profiles);
        });
    }
}

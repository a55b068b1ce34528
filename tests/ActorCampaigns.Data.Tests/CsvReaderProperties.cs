using System.Text;
using ActorCampaigns.Data.Csv;
using CsCheck;

namespace ActorCampaigns.Data.Tests;

/// <summary>The CSV reader against generated input: random bytes, and generated rows some of which are corrupted.</summary>
public class CsvReaderProperties
{
    /// <summary>Byte runs that are never text: never valid UTF-8 whatever valid text follows them, or a NUL.</summary>
    private static readonly byte[][] NotText = [[0xFF], [0xC3], [0x80], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0]];

    /// <summary>Stands for a byte run of <see cref="NotText"/> in generated field text (a private-use character).</summary>
    private const char Corrupt = '\uE000';

    private static readonly Gen<string> Field = Gen.OneOf("a", "b", ",", "\"", "\r", "\n", " ", "é", "😀").Array[0, 12].Select(string.Concat);

    private static readonly Gen<Row> Rows = Gen.Select(Field.Array[2, 5], Gen.Bool.Array[5], Gen.Bool, Gen.Int[0, 30], Gen.Int[0, NotText.Length - 1])
        .Select((fields, quote, crlf, corrupt, bad) => new Row(fields, quote, crlf, corrupt < fields.Length ? (corrupt, bad) : null));

    [Fact]
    public void Random_bytes_never_throw_and_give_records_in_line_order_within_the_limits()
    {
        Gen.Select(Gen.Byte.Array[0, 4_000], Gen.Int[1, 9]).Sample((bytes, read) =>
        {
            var records = ReadAll(new Trickle(bytes, read));
            Assert.True(records.Zip(records.Skip(1), (a, b) => a.Line < b.Line).All(up => up), "lines go up");
            Assert.All(records, r => Assert.InRange(r.Fields.Count, 1, CsvReader.MaxFields));
            Assert.Equal(records, ReadAll(new MemoryStream(bytes)), RecordComparer.Instance);
        }, iter: 2_000);
    }

    [Fact]
    public void Exactly_the_corrupted_rows_are_rejected_and_every_other_row_comes_back_whole_on_its_line()
    {
        Gen.Select(Rows.Array[1, 30], Gen.Int[1, 9]).Sample((rows, read) =>
        {
            var file = new CsvFile();
            file.Write(new Row(["h1", "h2"], new bool[5], false, null));
            var expected = rows.Select(file.Write).ToList();
            var records = ReadAll(new Trickle(file.Bytes.ToArray(), read));
            Assert.Equal(expected.Count + 1, records.Count);
            foreach (var (want, got) in expected.Zip(records.Skip(1), (want, got) => (want, got)))
            {
                Assert.Equal(want.Line, got.Line);
                Assert.Equal(want.Error, got.Error);
                if (want.Error is null)
                    Assert.Equal(want.Fields, got.Fields);
            }
        }, iter: 500);
    }

    private static List<CsvRecord> ReadAll(Stream utf8) => new CsvReader(utf8).ReadAll().ToList();

    private sealed record Row(string[] Fields, bool[] Quote, bool CrLf, (int Field, int Bytes)? Corrupted);

    private sealed record Expected(long Line, string? Error, string?[] Fields);

    /// <summary>Writes rows as RFC 4180 text and works out what the reader must give for each.</summary>
    private sealed class CsvFile
    {
        public List<byte> Bytes { get; } = [];
        private long _lines = 1;
        private int _lineStart;

        public Expected Write(Row row)
        {
            var (line, error) = (_lines, (string?)null);
            var fields = new string?[row.Fields.Length];
            for (var i = 0; i < row.Fields.Length; i++)
            {
                if (i > 0)
                    Bytes.Add((byte)',');
                var text = row.Corrupted?.Field == i ? Corrupt + row.Fields[i] : row.Fields[i];
                var quoted = row.Quote[i] || text.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (i == 0 && row.Fields.Length == 1);
                fields[i] = quoted ? text : text.Length == 0 ? null : text;
                if (quoted)
                    Bytes.Add((byte)'"');
                foreach (var c in (quoted ? text.Replace("\"", "\"\"") : text).EnumerateRunes())
                {
                    if (c.Value == Corrupt)
                    {
                        var bad = NotText[row.Corrupted!.Value.Bytes];
                        var where = _lines == line ? "the line" : $"line {_lines}";
                        error = bad is [0]
                            ? $"a NUL character (U+0000) in {where}: a CSV file is text"
                            : $"not valid UTF-8 (byte 0x{bad[0]:X2} at byte offset {Bytes.Count - _lineStart} of {where})";
                        Bytes.AddRange(bad);
                        continue;
                    }
                    Add(c);
                }
                if (quoted)
                    Bytes.Add((byte)'"');
            }
            if (row.CrLf)
                Bytes.Add((byte)'\r');
            Add(new Rune('\n'));
            return new Expected(line, error, fields);
        }

        private void Add(Rune c)
        {
            Span<byte> utf8 = stackalloc byte[4];
            Bytes.AddRange(utf8[..c.EncodeToUtf8(utf8)]);
            if (c.Value == '\n')
                (_lines, _lineStart) = (_lines + 1, Bytes.Count);
        }
    }

    /// <summary>A stream that gives at most a few bytes a read, so characters and bad bytes straddle reads.</summary>
    private sealed class Trickle(byte[] bytes, int most) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, most));
    }

    private sealed class RecordComparer : IEqualityComparer<CsvRecord>
    {
        public static readonly RecordComparer Instance = new();

        public bool Equals(CsvRecord? x, CsvRecord? y) =>
            x!.Line == y!.Line && x.Error == y.Error && x.Fields.SequenceEqual(y.Fields);

        public int GetHashCode(CsvRecord record) => record.Line.GetHashCode();
    }
}

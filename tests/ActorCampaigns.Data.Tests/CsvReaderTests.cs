using System.Text;
using ActorCampaigns.Data.Csv;

namespace ActorCampaigns.Data.Tests;

public class CsvReaderTests
{
    private static List<CsvRecord> Read(string text) => ReadBytes(Encoding.UTF8.GetBytes(text));

    private static List<CsvRecord> ReadBytes(byte[] bytes) => new CsvReader(new MemoryStream(bytes)).ReadAll().ToList();

    /// <summary>Bytes written as characters U+0000 to U+00FF, one byte each, as printf's <c>\xC3</c> writes them.</summary>
    private static byte[] Raw(string bytes) => Encoding.Latin1.GetBytes(bytes);

    [Fact]
    public void Quoted_fields_hold_commas_quotes_and_line_breaks_and_lines_are_counted()
    {
        var records = Read("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",\"\"\n\nlast,\n");
        Assert.Equal([1L, 2L, 3L, 6L], records.Select(r => r.Line));
        Assert.Equal(["x, y", "say \"hi\""], records[1].Fields);
        Assert.Equal(["two\nlines", ""], records[2].Fields);
        Assert.Equal(["last", null], records[3].Fields);
        Assert.All(records, r => Assert.Null(r.Error));
    }

    [Fact]
    public void An_oversized_field_is_an_error_for_its_record_only()
    {
        var records = Read($"id,x\n1,{new string('a', CsvReader.MaxFieldLength + 10)}\n2,ok\n");
        Assert.Contains("longer than", records[1].Error);
        Assert.InRange(records[1].Fields[1]!.Length, 1, CsvReader.MaxFieldLength);
        Assert.Equal((3L, null, "ok"), (records[2].Line, records[2].Error, records[2].Fields[1]));
    }

    [Fact]
    public void Too_many_fields_is_an_error()
    {
        var records = Read("id\n" + string.Join(",", Enumerable.Range(0, CsvReader.MaxFields + 5)) + "\n");
        Assert.Contains($"more than {CsvReader.MaxFields} fields", records[1].Error);
    }

    [Theory]
    [InlineData("1,ab\"c\n", "a quote inside an unquoted field")]
    [InlineData("1,\"ab\"c\n", "unexpected character 'c' after a closing quote")]
    [InlineData("1,\"ab\"😀\n", "unexpected character '\\uD83D' after a closing quote")]
    [InlineData("1,\"ab\"\0\n", "a NUL character (U+0000) in the line")]
    [InlineData("1,\"never closed\n2,x\n", "never closed")]
    public void Malformed_quoting_is_reported(string line, string message)
    {
        var records = Read("id,x\n" + line);
        Assert.Contains(message, records[1].Error);
    }

    [Fact]
    public void A_line_with_a_byte_that_is_not_utf8_is_an_error_for_that_line_only()
    {
        var records = ReadBytes(Raw("id,email\n9101,ok1@x.com\n9102,\u00C3(@x.com\n9103,ok3@x.com\n"));
        Assert.Equal([1L, 2L, 3L, 4L], records.Select(r => r.Line));
        Assert.Equal("not valid UTF-8 (byte 0xC3 at byte offset 5 of the line)", records[2].Error);
        Assert.Equal([null, null, null], records.Where((_, i) => i != 2).Select(r => r.Error));
        Assert.Equal(["9103", "ok3@x.com"], records[3].Fields);
    }

    [Fact]
    public void A_bad_byte_on_a_later_line_of_a_quoted_field_names_that_line_and_the_lines_after_keep_their_numbers()
    {
        var records = ReadBytes(Raw("id,note\n1,\"first\nsecond \u00FF\"\n2,\"\u00C3\u00A9t\u00C3\u00A9\"\n"));
        Assert.Equal([1L, 2L, 4L], records.Select(r => r.Line));
        Assert.Equal("not valid UTF-8 (byte 0xFF at byte offset 7 of line 3)", records[1].Error);
        Assert.Equal((null, "été"), (records[2].Error, records[2].Fields[1]));
    }

    [Theory]
    [InlineData("1,ab\u00E2\u0082", 0xE2, 4)]
    [InlineData("1,\u00C0\u00AF,x\n", 0xC0, 2)]
    [InlineData("1,\u00ED\u00A0\u0080\n", 0xED, 2)]
    [InlineData("1,x\u0080\n", 0x80, 3)]
    public void Truncated_overlong_surrogate_and_stray_continuation_bytes_are_not_utf8(string line, int value, int offset)
    {
        var records = ReadBytes(Raw("id,x\n" + line + "2,ok\n"));
        Assert.Equal($"not valid UTF-8 (byte 0x{value:X2} at byte offset {offset} of the line)", records[1].Error);
    }

    [Fact]
    public void A_utf8_bom_is_skipped_and_characters_split_across_reads_are_decoded()
    {
        var lines = Enumerable.Range(0, 30_000).Select(i => $"{i},é😀€");
        var records = ReadBytes([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("id,x\n" + string.Join("\n", lines))]);
        Assert.Equal(["id", "x"], records[0].Fields);
        Assert.All(records, r => Assert.Null(r.Error));
        Assert.All(records.Skip(1), r => Assert.Equal("é😀€", r.Fields[1]));
        Assert.Equal(30_001, records[^1].Line);
    }

    [Fact]
    public void A_nul_character_is_an_error_for_its_line()
    {
        var records = Read("id,x\n1,a\0b\n2,\"x\0\"\n3,ok\n");
        Assert.Contains("a NUL character (U+0000) in the line", records[1].Error);
        Assert.Contains("a NUL character (U+0000) in the line", records[2].Error);
        Assert.Equal((4L, null), (records[3].Line, records[3].Error));
        var text = new CsvReader(new StringReader("id\n1\0\n2\n")).ReadAll().ToList();
        Assert.Equal([null, "a NUL character (U+0000) in the line: a CSV file is text", null], text.Select(r => r.Error));
    }

    [Fact]
    public void A_line_over_the_limit_is_an_error_and_the_next_line_keeps_its_number()
    {
        var field = new string('x', 60_000);
        var records = Read("id,x\n" + string.Join(",", Enumerable.Repeat(field, 20)) + "\n2,ok\n");
        Assert.Equal($"the line is longer than {CsvReader.MaxRecordLength} characters", records[1].Error);
        Assert.Equal((3L, null, "ok"), (records[2].Line, records[2].Error, records[2].Fields[1]));
    }

    [Fact]
    public void A_quote_left_open_at_the_end_of_the_file_rejects_its_line_and_the_lines_it_swallowed_are_read_again()
    {
        var records = Read("id,x\n1,\"open\n2,b\n3,\"\"c\n4,d");
        Assert.Equal([1L, 2L, 3L, 4L, 5L], records.Select(r => r.Line));
        Assert.Equal("the quote opening field 2 on line 2 is never closed before the end of the file", records[1].Error);
        Assert.Equal((null, "b"), (records[2].Error, records[2].Fields[1]));
        Assert.Equal("unexpected character 'c' after a closing quote (field 2)", records[3].Error);
        Assert.Equal((null, "d"), (records[4].Error, records[4].Fields[1]));
    }

    [Fact]
    public void Formula_like_text_is_just_data()
    {
        var records = Read("id,x\n1,=cmd|' /C calc'!A0\n2,\"@SUM(1+1)*cmd|' /C calc'!A0\"\n");
        Assert.Equal(["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"], records.Skip(1).Select(r => r.Fields[1]));
        Assert.All(records, r => Assert.Null(r.Error));
    }
}

using ActorCampaigns.Data.Csv;

namespace ActorCampaigns.Data.Tests;

public class CsvReaderTests
{
    private static List<CsvRecord> Read(string text) => new CsvReader(new StringReader(text)).ReadAll().ToList();

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
    [InlineData("1,\"never closed\n2,x\n", "never closed")]
    public void Malformed_quoting_is_reported(string line, string message)
    {
        var records = Read("id,x\n" + line);
        Assert.Contains(message, records[1].Error);
    }
}

using ActorCampaigns.Data.Samples;

namespace ActorCampaigns.LoadTest.Tests;

/// <summary>The import command as a user runs it: a real process, a generated file with bad lines, then a re-import.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-import-").FullName;

    [Fact]
    public async Task Import_reports_rejected_lines_keeps_the_good_ones_and_a_reimport_updates()
    {
        var csv = Path.Combine(_folder, "profiles.csv");
        var data = Path.Combine(_folder, "data");
        var (generated, _) = await LoadTestProcess.RunAsync("generate", "--profiles", "40000", "--seed", "3", "--ids", "dense", "--out", csv);
        Assert.Equal(0, generated);
        var lines = (await File.ReadAllLinesAsync(csv)).ToList();
        lines.Insert(101, "100,dup@example.com,,,,,,,,,,,,,,");
        lines.Insert(5, "oops,x,,,,,,,,,,,,,,");
        await File.WriteAllLinesAsync(csv, lines);

        var (first, output) = await LoadTestProcess.RunAsync("import", csv, "--data-dir", data);
        Assert.Equal(3, first);
        Assert.Contains("imported 40,000, updated 0, rejected 2", output);
        Assert.Contains("line 6: id: 'oops' is not a valid int", output);
        Assert.Contains("line 103: duplicate id 100: already on an earlier line of this file", output);

        var (second, again) = await LoadTestProcess.RunAsync("import", csv, "--data-dir", data);
        Assert.Equal(3, second);
        Assert.Contains("imported 0, updated 40,000, rejected 2", again);

        var (counted, count) = await LoadTestProcess.RunAsync("count", "--data-dir", data, "--filter", "id <= 1000 and country is not null");
        Assert.Equal(0, counted);
        Assert.Contains("1,000 profiles match", count);
    }

    [Fact]
    public async Task A_line_that_is_not_utf8_is_reported_and_a_file_that_is_not_text_is_refused()
    {
        var csv = Path.Combine(_folder, "latin1.csv");
        var data = Path.Combine(_folder, "data");
        await File.WriteAllBytesAsync(csv, System.Text.Encoding.Latin1.GetBytes("id,city\n1,Paris\n2,Orl\u00E9ans\n3,Lyon\n"));
        var (code, output) = await LoadTestProcess.RunAsync("import", csv, "--data-dir", data);
        Assert.Equal(3, code);
        Assert.Contains("imported 2, updated 0, rejected 1", output);
        Assert.Contains("line 3: not valid UTF-8 (byte 0xE9 at byte offset 5 of the line)", output);

        await File.WriteAllBytesAsync(csv, new byte[1_000]);
        var (refused, why) = await LoadTestProcess.RunAsync("import", csv, "--data-dir", data);
        Assert.Equal(3, refused);
        Assert.Contains("bad CSV header: a NUL character (U+0000) in the line: a CSV file is text", why);
    }

    [Theory]
    [InlineData(new[] { "count", "--data-dir", "DATA", "--filter", "country = " }, "filter \"country = \": column 11: expected a value")]
    [InlineData(new[] { "import", "missing.csv", "--data-dir", "DATA" }, "no such file: missing.csv")]
    [InlineData(new[] { "generate", "--profiles", "10", "--out", "x.csv", "--colour", "red" }, "unknown option --colour")]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    public async Task Bad_command_lines_give_one_clear_error(string[] arguments, string message)
    {
        var (code, output) = await LoadTestProcess.RunAsync(arguments.Select(a => a.Replace("DATA", Path.Combine(_folder, "data"))).ToArray());
        Assert.Equal(2, code);
        Assert.Contains($"error: {message}", output);
        Assert.DoesNotContain("   at ", output);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

namespace ActorCampaigns.LoadTest.Tests;

/// <summary>The canvas benchmark as a user runs it, at a size a test can afford: a real process (which starts a node process) writing its section.</summary>
public sealed class BenchCanvasCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-bench-").FullName;

    [Fact]
    public async Task Bench_canvas_runs_the_shared_canvas_and_writes_its_figures_into_its_section()
    {
        var document = Path.Combine(_folder, "benchmarks.md");
        await File.WriteAllTextAsync(document, "# Benchmarks\n\nkept before\n");
        var (exitCode, output) = await LoadTestProcess.RunAsync("bench", "canvas", "--profiles", "5k,20000", "--campaigns", "2", "--canvas", SharedCanvas.Path(), "--out", document);
        Assert.True(exitCode == 0, output);

        var written = await File.ReadAllTextAsync(document);
        Assert.Contains("kept before", written);
        Assert.Contains("<!-- bench:canvas -->", written);
        foreach (var size in new[] { "5,000", "20,000" })
        foreach (var campaign in new[] { "1st", "2nd" })
            Assert.Matches($@"\| {size} \| {campaign} \| [\d.]+ \| [\d,]+ \| [\d,]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|", written);
        // Run on a node process, over ids with gaps, each activity with the time it completed.
        Assert.Contains("whose ids are spread with gaps", written);
        Assert.Matches(@"- split: [\d,]+ → control [\d,]+, email [\d,]+, sms [\d,]+, complement [\d,]+ \(done at \+[\d.]+ s\)", written);
        // Each channel's messages leave by out: the figure for "messages sent" is their sum, and the end activity's input.
        var mail = long.Parse(System.Text.RegularExpressions.Regex.Match(written, @"20,000 profiles, 2nd campaign[^|]*?- mail: [\d,]+ → out ([\d,]+)").Groups[1].Value.Replace(",", ""));
        var sent = long.Parse(System.Text.RegularExpressions.Regex.Match(written, @"\| 20,000 \| 2nd \| [\d.]+ \| [\d,]+ \| ([\d,]+) \|").Groups[1].Value.Replace(",", ""));
        Assert.InRange(mail, 1, sent);
        var results = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, "results", "canvas.json"))).RootElement;
        Assert.Equal(4, results.GetProperty("figures").GetArrayLength()); // two sizes, two campaigns each
        Assert.Equal(sent, results.GetProperty("figures")[3].GetProperty("messages").GetInt64());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

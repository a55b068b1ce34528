namespace ActorCampaigns.LoadTest.Tests;

/// <summary>The engine against the classic SQL execution, at a size a test can afford: both must give the same outputs.</summary>
public sealed class BenchClassicCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-classic-test-").FullName;

    [Fact]
    public async Task The_classic_sql_execution_gives_the_engines_outputs_and_both_times_are_written_with_their_ratio()
    {
        var document = Path.Combine(_folder, "benchmarks.md");
        var (exitCode, output) = await LoadTestProcess.RunAsync("bench", "classic", "--profiles", "30k", "--canvas", SharedCanvas.Path(), "--out", document);
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("DIFFERENT", output);
        var written = await File.ReadAllTextAsync(document);
        Assert.Matches(@"\| 30,000 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+× \| [\d.]+× \| same \|", written);
        Assert.Contains("- `split.control`: ", written);
        Assert.Contains("- `mail.messages`: ", written);
        Assert.Contains("sparse ids", written);
        Assert.Contains("UNLOGGED work tables", written);
        Assert.Contains("`shared_buffers=2GB`, `work_mem=256MB`", written);
        Assert.Contains("set of message ids", written);
        var results = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, "results", "classic.json"))).RootElement;
        var figures = Assert.Single(results.GetProperty("figures").EnumerateArray());
        Assert.True(figures.GetProperty("sameOutputs").GetBoolean());
        Assert.Equal(30_000, figures.GetProperty("profiles").GetInt64());
        Assert.Equal("sparse", figures.GetProperty("ids").GetString());
        Assert.Empty(figures.GetProperty("differences").EnumerateArray());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

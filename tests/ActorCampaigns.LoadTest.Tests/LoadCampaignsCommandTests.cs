using System.Text.Json;

namespace ActorCampaigns.LoadTest.Tests;

/// <summary>The campaign load run as a user runs it, small: a real process starting its own node, checking itself by SQL.</summary>
public sealed class LoadCampaignsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-load-test-").FullName;

    [Theory]
    [InlineData(null, "sparse")]
    [InlineData("random64", "random64")]
    public async Task Load_campaigns_runs_them_through_the_gateway_and_finds_every_count_equal_to_plain_sql(string? asked, string ids)
    {
        var document = Path.Combine(_folder, "benchmarks.md");
        var json = Path.Combine(_folder, "load.json");
        var (exitCode, output) = await LoadTestProcess.RunAsync(["load", "campaigns", "--campaigns", "4", "--profiles", "6000", "--minutes", "5",
            "--out", document, "--json", json, .. asked is null ? Array.Empty<string>() : ["--ids", asked]]);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"generated 6,000 profiles (seed 1, {ids} ids)", output);
        Assert.Contains("checked against plain SQL: all 4 campaigns exact", output);

        var written = await File.ReadAllTextAsync(document);
        Assert.Matches(@"\| 4 \| 6,000 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d,]+ \| [\d,]+ \| [\d.]+ \| exact \|", written);
        foreach (var call in new[] { "POST /api/profiles/import", "POST /api/campaigns", "POST /api/campaigns/{id}/test", "POST /api/campaigns/{id}/publish" })
            Assert.Matches($@"\| `{System.Text.RegularExpressions.Regex.Escape(call)}` \| [\d,]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|", written);
        var result = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement;
        Assert.True(result.GetProperty("exact").GetBoolean());
        Assert.Equal(ids, result.GetProperty("ids").GetString());
        // Slices follow the ids as generated: each campaign gets its share of the profiles.
        Assert.Equal([1500L, 1500, 1500, 1500], result.GetProperty("profilesPerCampaign").EnumerateArray().Select(p => p.GetInt64()));
        Assert.Equal(4, result.GetProperty("campaignSeconds").EnumerateObject().Count());
        Assert.InRange(result.GetProperty("messages").GetInt64(), 1, 6000);
    }

    [Fact]
    public async Task Load_tracking_hits_the_outbox_urls_at_the_rate_asked_and_finds_every_event_recorded()
    {
        var document = Path.Combine(_folder, "benchmarks.md");
        var json = Path.Combine(_folder, "tracking.json");
        var (exitCode, output) = await LoadTestProcess.RunAsync("load", "tracking", "--rate", "500", "--seconds", "4", "--out", document, "--json", json);
        Assert.True(exitCode == 0, output);
        Assert.Contains("every event was recorded (2,000 rows in feedback_events)", output);
        Assert.Matches(@"\| 500 \| 4 \| 16 \| 2,000 \| [\d,]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0 \| 2,000 of 2,000 \|", await File.ReadAllTextAsync(document));
        var result = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement;
        // A steady rate: 2,000 events due over 4 s take about 4 s, not as fast as the node can go.
        Assert.InRange(result.GetProperty("achieved").GetDouble(), 400, 520);
    }

    [Fact]
    public async Task Load_runs_stay_on_this_machine_and_within_their_bounds()
    {
        var (remote, said) = await LoadTestProcess.RunAsync("load", "campaigns", "--gateway", "http://203.0.113.7:5080", "--data-dir", _folder);
        Assert.Equal(2, remote);
        Assert.Contains("--gateway must be on this machine (loopback)", said);
        var (huge, told) = await LoadTestProcess.RunAsync("load", "campaigns", "--profiles", "100M");
        Assert.Equal(2, huge);
        Assert.Contains("a load run is bounded", told);
        var (long_, said2) = await LoadTestProcess.RunAsync("load", "tracking", "--seconds", "3600");
        Assert.Equal(2, long_);
        Assert.Contains("a load run is bounded", said2);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

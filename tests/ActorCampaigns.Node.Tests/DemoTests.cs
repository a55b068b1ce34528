using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>The README's demo: a node started with --demo on an empty data dir imports samples and runs a campaign.</summary>
public sealed class DemoTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-demo-").FullName;

    [Fact]
    public async Task The_demo_imports_samples_tests_publishes_and_follows_the_sample_campaign()
    {
        await using var node = await NodeProcess.StartAsync(_dataDir, ["--demo"], ("DemoProfiles", "20000"));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!node.Log.Contains("demo: done") && !node.Log.Contains("demo failed") && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        var log = node.Log;
        Assert.Contains("demo: imported 20,000, updated 0, rejected 0", log);
        Assert.Contains("execution e-1 completed", log);
        Assert.Contains("execution e-2 completed", log);
        Assert.Matches(@"mail\s+held", log);
        Assert.Matches(@"mail\s+completed", log);
        var sent = File.ReadLines(Path.Combine(_dataDir, "outbox", "email.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(sent);
        Assert.All(sent, m => Assert.Equal("e-2", m.GetProperty("executionId").GetString()));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}

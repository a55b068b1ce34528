namespace ActorCampaigns.LoadTest.Tests;

/// <summary>The delivery benchmark as a user runs it, small: a real SMTP server in its process, a real node process for tracking.</summary>
public sealed class BenchDeliveryCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-bench-delivery-").FullName;

    [Fact]
    public async Task Bench_delivery_sends_every_message_stores_every_event_and_writes_its_section()
    {
        var document = Path.Combine(_folder, "benchmarks.md");
        var (exitCode, output) = await LoadTestProcess.RunAsync("bench", "delivery", "--messages", "300", "--events", "2000", "--out", document);
        Assert.True(exitCode == 0, output);
        var written = await File.ReadAllTextAsync(document);
        Assert.Matches(@"\| SMTP delivery [^|]*\| 300 messages \| [\d.]+ \| [\d,]+ \| 300 received by the server \|", written);
        Assert.Matches(@"\| tracking ingestion [^|]*\| 2,000 events \| [\d.]+ \| [\d,]+ \| 2,000 found in feedback_events \|", written);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

using System.Text.Json;

namespace ActorCampaigns.Node.Tests;

/// <summary>A node process of its own, in a data dir of its own, whose clock the test moves forward (<c>POST /testing/clock/advance</c>).</summary>
/// <param name="settings">Node settings besides the clock control.</param>
public abstract class ClockedNode(string name, params (string Name, string Value)[] settings) : IAsyncLifetime
{
    protected string DataDir { get; } = Directory.CreateTempSubdirectory($"actorcampaigns-{name}-").FullName;

    protected NodeProcess Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await NodeProcess.StartAsync(DataDir, [("ClockControl", "true"), .. settings]);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }

    /// <summary>The messages of a campaign in a channel's outbox file, whole lines only (the node may be writing the last one).</summary>
    protected List<JsonElement> Outbox(string channel, string campaign)
    {
        var path = Path.Combine(DataDir, "outbox", $"{channel}.jsonl");
        var text = File.Exists(path) ? File.ReadAllText(path) : "";
        return text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(m => m.GetProperty("campaignId").GetString() == campaign).ToList();
    }

    /// <summary>Moves the node's clock forward (at least a second); the node's time after.</summary>
    protected async Task<DateTimeOffset> AdvanceAsync(TimeSpan by) =>
        (await Node.SendAsync(HttpMethod.Post, $"/testing/clock/advance?by=PT{Math.Max(1, (long)by.TotalSeconds)}S")).Body.GetProperty("now").GetDateTimeOffset();
}

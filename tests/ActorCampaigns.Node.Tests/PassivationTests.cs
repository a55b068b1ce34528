using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// A campaign with nothing scheduled, running or waiting passivates and is no longer remembered: a node that holds
/// thousands of finished campaigns and drafts restarts as fast as an empty one and idles as one, while a campaign
/// scheduled ahead still starts at its hour, woken by the node.
/// </summary>
public sealed class PassivationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-passivate-").FullName;

    /// <summary>Idle campaigns passivate after 2 s here (30 s by default), so the test need not wait long for it.</summary>
    private static readonly (string Name, string Value)[] Settings = [("Engine__PassivateIdleAfter", "00:00:02")];

    private const string Draft = """
        { "name": "Draft", "schedule": { "type": "asap" },
          "activities": [ { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" } ], "transitions": [] }
        """;

    private static async Task<string> CreateAsync(NodeProcess node, string canvas)
    {
        var (created, body) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", canvas);
        Assert.Equal(HttpStatusCode.Created, created);
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>Publishes an asap campaign (nothing to select on an empty profile store) and waits for it to complete.</summary>
    private static async Task CompleteAsync(NodeProcess node, string id)
    {
        Assert.Equal(HttpStatusCode.OK, (await node.PublishAsync(id)).Status);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while ((await node.StatusAsync(id)).GetProperty("status").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, $"campaign {id} did not complete: {await node.StatusAsync(id)}");
            await Task.Delay(100);
        }
    }

    /// <summary>Campaign entities running on the node now.</summary>
    private static async Task<int> EntitiesAsync(NodeProcess node)
    {
        var (status, region) = await node.SendAsync(HttpMethod.Get, "/operator/sharding/campaign/region");
        Assert.Equal(HttpStatusCode.OK, status);
        return region.GetProperty("shards").EnumerateArray().Sum(s => s.GetProperty("entities").GetInt32());
    }

    private static async Task AwaitEntitiesAsync(NodeProcess node, Func<int, bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        int entities;
        while (!condition(entities = await EntitiesAsync(node)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the node still runs {entities} campaign entities");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task A_node_holding_2000_completed_and_draft_campaigns_restarts_in_under_10_s_and_idles_under_2_percent_of_a_core()
    {
        const int Campaigns = 2_000, Completed = 400;
        var ids = new string[Campaigns];
        await using (var first = await NodeProcess.StartAsync(_dataDir, Settings))
        {
            var created = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, Campaigns), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                ids[i] = await CreateAsync(first, Draft.Replace("\"Draft\"", $"\"Idle {i}\""));
                if (i < Completed)
                    await CompleteAsync(first, ids[i]);
            });
            output.WriteLine($"{Campaigns} campaigns created ({Completed} completed) in {created.Elapsed.TotalSeconds:F1} s");
            // Every one of them passivates once idle: none is remembered for the next start.
            await AwaitEntitiesAsync(first, entities => entities == 0, TimeSpan.FromSeconds(60));
            await first.SignalAsync("TERM");
            Assert.NotNull(await first.ExitCodeWithinAsync(TimeSpan.FromSeconds(30)));
        }

        var started = Stopwatch.StartNew();
        await using var second = await NodeProcess.StartAsync(_dataDir, Settings);
        // A passivated campaign answers: it wakes on its next command or query.
        var status = await second.StatusAsync(ids[^1]);
        var ready = started.Elapsed;
        Assert.Equal("draft", status.GetProperty("status").GetString());
        Assert.Equal("completed", (await second.StatusAsync(ids[0])).GetProperty("status").GetString());

        // Idle: past the start's own work, what the node uses over 10 s. That work lasts longer than it seems: a fresh
        // node sampled in 10 s windows from 4 s after its start used 3.0 %, 2.3 %, 2.3 %, then 1.1-1.5 % of a core
        // (2026-12-02, 2 cores); measured 5 s after the start, this test failed at 2.2 % on the commit before entities too.
        await Task.Delay(TimeSpan.FromSeconds(30));
        var (before, measured) = (second.CpuSeconds(), Stopwatch.StartNew());
        await Task.Delay(TimeSpan.FromSeconds(10));
        var share = (second.CpuSeconds() - before) / measured.Elapsed.TotalSeconds;
        var entities = await EntitiesAsync(second);
        output.WriteLine($"restart: ready and answering in {ready.TotalSeconds:F2} s; idle CPU {share:P2} of one core; {entities} campaign entities running");
        Assert.True(ready < TimeSpan.FromSeconds(10), $"the node took {ready.TotalSeconds:F1} s to answer after a restart");
        Assert.True(share < 0.02, $"the idle node used {share:P1} of a core");
        Assert.Equal(0, entities);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}

using System.Diagnostics;
using System.Net;
using ActorCampaigns.LoadTest.Postgres;
using Npgsql;
using Xunit.Abstractions;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>
/// A node of a cluster that has run for months: 2,000 executions ended, on PostgreSQL. Its campaigns passivated, so a
/// restart replays none of them: the node is ready, and answers about a campaign with a hundred executions, in under 10 s.
/// </summary>
public sealed class OldExecutionsRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Campaigns = 20, ExecutionsEach = 100;

    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-old-executions-").FullName;
    private TemporaryPostgres? _postgres;

    public async Task InitializeAsync() => _postgres = await TemporaryPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private (string, string)[] Settings() =>
    [
        ("Postgres", new NpgsqlConnectionStringBuilder(_postgres!.ConnectionString) { MaxPoolSize = 80 }.ToString()),
        ("Engine__PassivateIdleAfter", "00:00:02"),
    ];

    /// <summary>Runs a campaign's test executions one after the other, each until it completed.</summary>
    private static async Task RunAsync(NodeProcess node, string id, int executions)
    {
        for (var run = 0; run < executions; run++)
        {
            var (status, started) = await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/test");
            Assert.Equal(HttpStatusCode.OK, status);
            var execution = started.GetProperty("execution").GetString();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await node.StatusAsync(id)).GetProperty("executions")[0] is var latest
                && (latest.GetProperty("id").GetString() != execution || latest.GetProperty("state").GetString() != "completed"))
            {
                Assert.True(DateTime.UtcNow < deadline, $"execution {execution} of {id} did not complete: {latest}");
                await Task.Delay(20);
            }
        }
    }

    private static async Task<int> EntitiesAsync(NodeProcess node)
    {
        var (_, region) = await node.SendAsync(HttpMethod.Get, "/operator/sharding/campaign/region");
        return region.GetProperty("shards").EnumerateArray().Sum(s => s.GetProperty("entities").GetInt32());
    }

    [Fact]
    public async Task A_node_on_postgresql_with_2000_ended_executions_restarts_ready_in_under_10_s()
    {
        var ids = new string[Campaigns];
        var dataDir = Path.Combine(_folder, "node");
        await using (var first = await NodeProcess.StartAsync(dataDir, Settings()))
        {
            Assert.Equal(HttpStatusCode.OK, (await first.SendAsync(HttpMethod.Post, "/api/profiles/import", "id,email\n1,a@x.io\n2,b@x.io\n", "text/csv")).Status);
            var made = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, Campaigns), new ParallelOptions { MaxDegreeOfParallelism = Campaigns }, async (i, _) =>
            {
                var (created, body) = await first.SendAsync(HttpMethod.Post, "/api/campaigns",
                    $$"""{ "name": "Daily {{i}}", "activities": [ { "id": "all", "type": "buildAudience", "filter": "email is not null" } ], "transitions": [] }""");
                Assert.Equal(HttpStatusCode.Created, created);
                ids[i] = body.GetProperty("id").GetString()!;
                await RunAsync(first, ids[i], ExecutionsEach);
            });
            output.WriteLine($"{Campaigns * ExecutionsEach} executions run in {made.Elapsed.TotalSeconds:F1} s");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await EntitiesAsync(first) is var running && running > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{running} campaigns did not passivate");
                await Task.Delay(250);
            }
            await first.SignalAsync("TERM");
            Assert.NotNull(await first.ExitCodeWithinAsync(TimeSpan.FromSeconds(30)));
        }

        var restarted = Stopwatch.StartNew();
        await using var second = await NodeProcess.StartAsync(dataDir, Settings());
        var executions = (await second.StatusAsync(ids[^1])).GetProperty("executions").GetArrayLength();
        var ready = restarted.Elapsed;
        output.WriteLine($"restart: ready and answering in {ready.TotalSeconds:F2} s");
        Assert.Equal(ExecutionsEach, executions);
        Assert.True(ready < TimeSpan.FromSeconds(10), $"the node took {ready.TotalSeconds:F1} s to be ready and answer after a restart");
    }
}

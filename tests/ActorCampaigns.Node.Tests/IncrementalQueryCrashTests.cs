using System.Net;
using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Audiences;
using ActorCampaigns.Data.Profiles;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// A node killed while an incremental query runs, and profiles imported before it restarts, ids interleaving with the
/// old ones: the execution resumed outputs exactly the rows it claimed, and the next one the rest.
/// </summary>
public sealed class IncrementalQueryCrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-incremental-crash-").FullName;

    private static readonly (string Name, string Value) SmallBatches = ("BatchSize", "100");

    private const string Canvas = """
        { "name": "New French profiles", "schedule": { "type": "signal" }, "activities": [
            { "id": "fresh", "type": "incrementalQuery", "filter": "country = 'FR'" },
            { "id": "keep", "type": "saveAudience", "audience": "fresh-french" } ],
          "transitions": [ { "from": "fresh", "to": "keep" } ] }
        """;

    /// <summary>Profiles with ids a CRM could have: spread, with gaps; even indexes French.</summary>
    private async Task ImportAsync(IEnumerable<int> indexes)
    {
        var store = new SqliteProfileStore(new SqliteDatabase(Path.Combine(_dataDir, "data.db")));
        await store.InitializeAsync();
        var csv = "id,email,country,emailOptIn\n" + string.Concat(indexes.Select(i => $"{7_919L * i + i % 5},p{i}@example.com,{(i % 2 == 0 ? "FR" : "DE")},true\n"));
        using var reader = new StringReader(csv);
        await store.ImportCsvAsync(reader);
        SqliteConnection.ClearAllPools();
    }

    private long Count(string sql, string campaign)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$campaign", campaign);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private HashSet<long> Claims(string campaign, string execution)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT row_id FROM incremental_rows WHERE campaign = $campaign AND execution = $execution";
        command.Parameters.AddWithValue("$campaign", campaign);
        command.Parameters.AddWithValue("$execution", execution);
        using var reader = command.ExecuteReader();
        var ids = new HashSet<long>();
        while (reader.Read())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    private async Task<List<long>> SavedAsync()
    {
        var saved = new List<long>();
        await foreach (var batch in new AudienceStore(new SqliteDatabase(Path.Combine(_dataDir, "data.db"))).ReadAsync("fresh-french"))
            saved.AddRange(batch);
        SqliteConnection.ClearAllPools();
        return saved;
    }

    private static async Task<JsonElement> CompletedAsync(NodeProcess node, string campaign, int executions)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var all = (await node.StatusAsync(campaign)).GetProperty("executions").EnumerateArray()
                .OrderBy(e => e.GetProperty("startedAt").GetDateTimeOffset()).ToList();
            if (all.Count == executions && all[^1].GetProperty("state").GetString() == "completed")
                return all[^1];
            Assert.True(DateTime.UtcNow < deadline, $"execution {executions} of {campaign} did not complete:\n{node.Log}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_execution_killed_while_it_claims_outputs_its_claims_once_after_restart_though_profiles_came_in_between()
    {
        await ImportAsync(Enumerable.Range(0, 60_000).Where(i => i % 3 != 2)); // 20,000 French
        string campaign;
        await using (var first = await NodeProcess.StartAsync(_dataDir, SmallBatches))
        {
            var (status, created) = await first.SendAsync(HttpMethod.Post, "/api/campaigns", Canvas);
            Assert.True(status == HttpStatusCode.Created, created.ToString());
            campaign = created.GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await first.PublishAsync(campaign)).Status);
            Assert.Equal(HttpStatusCode.OK, (await first.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/trigger", "{}")).Status);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Count("SELECT COUNT(*) FROM incremental_rows WHERE campaign = $campaign", campaign) == 0 && DateTime.UtcNow < deadline)
                await Task.Delay(5);
            first.Kill();
        }
        var claimedBefore = Count("SELECT COUNT(*) FROM incremental_rows WHERE campaign = $campaign", campaign);
        var closedBefore = Count("SELECT COUNT(*) FROM incremental_claimed WHERE campaign = $campaign", campaign) > 0;
        output.WriteLine($"killed with {claimedBefore} rows claimed, claims {(closedBefore ? "whole" : "not whole")}");
        Assert.InRange(claimedBefore, 1, 20_000);

        // 10,000 French profiles more while the node is down, their ids between the old ones.
        await ImportAsync(Enumerable.Range(0, 60_000).Where(i => i % 3 == 2));

        await using var second = await NodeProcess.StartAsync(_dataDir, SmallBatches);
        var resumed = await CompletedAsync(second, campaign, 1);
        var execution = resumed.GetProperty("id").GetString()!;
        var claims = Claims(campaign, execution);
        var saved = await SavedAsync();
        Assert.Equal(saved.Count, saved.Distinct().Count()); // none output twice
        Assert.True(claims.SetEquals(saved), $"output {saved.Count} rows, claimed {claims.Count}");
        Assert.Equal(claims.Count, resumed.GetProperty("activities").GetProperty("fresh").GetProperty("out").GetProperty("out").GetInt64());

        Assert.Equal(HttpStatusCode.OK, (await second.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/trigger", "{}")).Status);
        var next = await CompletedAsync(second, campaign, 2);
        var nextClaims = Claims(campaign, next.GetProperty("id").GetString()!);
        Assert.True(nextClaims.SetEquals(await SavedAsync()));
        Assert.Empty(claims.Intersect(nextClaims));
        Assert.Equal(30_000, claims.Count + nextClaims.Count); // every French profile, once
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}

using System.Text.Json;
using ActorCampaigns.Data.Samples;
using ActorCampaigns.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// The benchmark canvas on a node over profiles numbered as real exports number them, with gaps or as random 63-bit
/// ids in no order, read in batches (10,000 by default) that span ranges with gaps: every activity's input and every
/// port's count are the ones plain SQL gives over the same profiles.
/// </summary>
public sealed class RealisticIdsTests : IDisposable
{
    private const int Profiles = 30_000;
    private const int Seed = 3;

    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-ids-").FullName;

    [Theory]
    [InlineData(IdLayout.Sparse)]
    [InlineData(IdLayout.Random64)]
    public async Task The_benchmark_canvas_gives_every_port_the_count_plain_sql_gives(IdLayout ids)
    {
        await SampleProfiles.ImportAsync(_dataDir, Profiles, Seed, ids);
        var canvas = await File.ReadAllTextAsync(SharedCanvas.Path());
        JsonElement execution;
        await using (var node = await NodeProcess.StartAsync(_dataDir))
            execution = (await node.StatusAsync(await CampaignRuns.RunAsync(node, canvas))).GetProperty("executions")[0];

        var database = Path.Combine(_dataDir, "data.db");
        var generator = new ProfileGenerator(Seed, ids);
        Assert.Equal(Enumerable.Range(1, Profiles).Select(i => generator.IdOf(i)).Order(), await IdsAsync(database));
        var expected = await BenchCanvasSql.CountsAsync(database, execution.GetProperty("id").GetString()!, canvas);
        // Every rule of the canvas is met by some profiles: only the channels the split feeds by consent and address exclude none.
        Assert.Equal(["mail.excluded", "text.excluded"], expected.Where(e => e.Value == 0 && !e.Key.EndsWith(" in", StringComparison.Ordinal)).Select(e => e.Key).Order());

        var found = new Dictionary<string, long>();
        foreach (var activity in execution.GetProperty("activities").EnumerateObject())
        {
            found[$"{activity.Name} in"] = activity.Value.GetProperty("in").GetInt64();
            foreach (var port in activity.Value.GetProperty("out").EnumerateObject())
                found[$"{activity.Name}.{port.Name}"] = port.Value.GetInt64();
            foreach (var reason in activity.Value.GetProperty("excluded").EnumerateObject())
                found[$"{activity.Name} excluded as {reason.Name}"] = reason.Value.GetInt64();
        }
        Assert.Equal(Lines(expected), Lines(found));
    }

    private static IEnumerable<string> Lines(Dictionary<string, long> counts) => counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value:N0}");

    private static async Task<List<long>> IdsAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM profiles ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}

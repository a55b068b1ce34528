using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>An entity's rows imported through a node process and targeted by a campaign, against plain SQL over the node's database.</summary>
public sealed class EntityTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-entities-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync() => _node = await NodeProcess.StartAsync(_dataDir);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> ImportAsync(string path, string csv) =>
        _node.SendAsync(HttpMethod.Post, path, new StringContent(csv, Encoding.UTF8, "text/csv"));

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Bookings_imported_over_HTTP_are_picked_by_a_campaign_with_their_profiles_attributes_as_plain_SQL_picks_them()
    {
        var profiles = new StringBuilder("id,email,country,emailOptIn\n");
        for (var i = 0; i < 1_000; i++)
            profiles.Append(CultureInfo.InvariantCulture, $"{10_007L * i + 5},p{i}@example.com,{(i % 3 == 0 ? "FR" : "DE")},true\n");
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync("/api/profiles/import", profiles.ToString())).Status);
        var bookings = new StringBuilder("id,profileId:link(profiles),amount:number\n");
        for (var b = 0; b < 5_000; b++)
            bookings.Append(CultureInfo.InvariantCulture, $"{77_000_000L + 131L * b},{10_007L * (b * 7 % 1_000) + 5},{b * 37 % 300}\n");
        bookings.Append("1,5,not a number\n");
        var (status, answer) = await ImportAsync("/api/entities/bookings/import", bookings.ToString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((5_000, 1, 5_002), (answer.GetProperty("imported").GetInt32(), answer.GetProperty("rejected").GetInt32(),
            answer.GetProperty("errors")[0].GetProperty("line").GetInt32()));
        var listed = (await _node.SendAsync(HttpMethod.Get, "/api/entities")).Body[0];
        Assert.Equal(("bookings", "profileId", 5_000), (listed.GetProperty("name").GetString(), listed.GetProperty("link").GetString(), listed.GetProperty("rows").GetInt32()));

        var campaign = await CampaignRuns.RunAsync(_node, """
            { "name": "French bookings over 100", "activities": [
                { "id": "rows", "type": "buildAudience", "entity": "bookings", "filter": "profile.country = 'FR' and amount > 100" },
                { "id": "done", "type": "end" } ],
              "transitions": [ { "from": "rows", "to": "done" } ] }
            """, "test");
        var picked = (await _node.StatusAsync(campaign)).GetProperty("executions")[0].GetProperty("activities").GetProperty("rows").GetProperty("out").GetProperty("out").GetInt64();
        var expected = Scalar("SELECT COUNT(*) FROM entity_bookings b JOIN profiles p ON p.id = b.\"profileId\" WHERE p.country = 'FR' AND b.amount > 100");
        Assert.True(expected > 1_000, $"{expected}");
        Assert.Equal(expected, picked);

        // The canvas's preview of the transition shows bookings, read from their table, not profiles of the same ids.
        var (previewed, preview) = await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{campaign}/transitions/rows/out?limit=5");
        Assert.Equal(HttpStatusCode.OK, previewed);
        Assert.Equal(5, preview.GetProperty("profiles").GetArrayLength());
        Assert.All(preview.GetProperty("profiles").EnumerateArray(), row =>
        {
            Assert.True(row.GetProperty("id").GetInt64() >= 77_000_000, row.ToString());
            Assert.True(row.GetProperty("amount").GetDouble() > 100, row.ToString());
            Assert.False(row.TryGetProperty("email", out _), row.ToString());
        });
    }

    [Fact]
    public async Task Hostile_files_and_names_get_a_clear_error_each_and_the_node_stays_healthy()
    {
        var wide = "id,profileId:link(profiles)," + string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"c{i}")) + "\n1,1\n";
        var (status, problem) = await ImportAsync("/api/entities/wide/import", wide);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("more than 1024 fields", problem.ToString());

        var (longLine, answer) = await ImportAsync("/api/entities/trips/import", "id,profileId:link(profiles),note\n1,5,ok\n2,5," + new string('x', 10 * 1024 * 1024) + "\n3,5,ok\n");
        Assert.Equal(HttpStatusCode.OK, longLine);
        Assert.Equal((2, 1, 3), (answer.GetProperty("imported").GetInt32(), answer.GetProperty("rejected").GetInt32(), answer.GetProperty("errors")[0].GetProperty("line").GetInt32()));

        foreach (var name in new[] { "..%2Fprofiles", "Bookings", "profiles", "a%3Bdrop%20table%20profiles" })
        {
            var (refused, why) = await ImportAsync($"/api/entities/{name}/import", "id,profileId:link(profiles)\n1,5\n");
            Assert.True(refused == HttpStatusCode.BadRequest, $"{name}: {refused} {why}");
            Assert.Contains("is not an entity name", why.ToString());
        }
        var (_, missing) = await ImportAsync("/api/entities/rooms/import", "id,floor:int\n1,2\n");
        Assert.Contains("declares the column that links each row to its profile", missing.ToString());

        var names = (await _node.SendAsync(HttpMethod.Get, "/api/entities")).Body.EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal(["trips"], names);
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Get, "/health/ready")).Status);
    }
}

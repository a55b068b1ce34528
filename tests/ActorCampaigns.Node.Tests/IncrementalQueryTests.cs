using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>An incremental query run three times by a node process over data added between runs: each row out once, checked by plain SQL.</summary>
public sealed class IncrementalQueryTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-incremental-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync() => _node = await NodeProcess.StartAsync(_dataDir);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private async Task ImportAsync(string path, string csv) =>
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, path, new StringContent(csv, Encoding.UTF8, "text/csv"))).Status);

    /// <summary>Triggers the campaign and returns what its activity <paramref name="activity"/> output in that execution, once it completed.</summary>
    private async Task<long> TriggerAsync(string campaign, string activity, int execution)
    {
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/trigger", "{}")).Status);
        return await CompletedAsync(campaign, activity, execution);
    }

    /// <summary>What the activity output in the campaign's <paramref name="execution"/>th execution, once it completed.</summary>
    private async Task<long> CompletedAsync(string campaign, string activity, int execution)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var executions = (await _node.StatusAsync(campaign)).GetProperty("executions").EnumerateArray()
                .OrderBy(e => e.GetProperty("startedAt").GetDateTimeOffset()).ToList();
            if (executions.Count == execution && executions[^1].GetProperty("state").GetString() == "completed")
                return executions[^1].GetProperty("activities").GetProperty(activity).GetProperty("out").GetProperty("out").GetInt64();
            Assert.True(DateTime.UtcNow < deadline, $"execution {execution} of {campaign} did not complete");
            await Task.Delay(100);
        }
    }

    private Dictionary<string, long> Claimed(string campaign)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT execution, COUNT(*) FROM incremental_rows WHERE campaign = $campaign GROUP BY execution";
        command.Parameters.AddWithValue("$campaign", campaign);
        using var reader = command.ExecuteReader();
        var claimed = new Dictionary<string, long>();
        while (reader.Read())
            claimed[reader.GetString(0)] = reader.GetInt64(1);
        return claimed;
    }

    private static string Profiles(IEnumerable<int> indexes) =>
        "id,email,country,emailOptIn\n" + string.Concat(indexes.Select(i => $"{7_919L * i + i % 5},p{i}@example.com,{(i % 2 == 0 ? "FR" : "DE")},true\n"));

    [Fact]
    public async Task New_profiles_by_id_and_new_bookings_by_their_time_are_each_output_once_over_three_executions()
    {
        // Ids interleave between imports, as a CRM's do: new ones are not all above the old ones.
        await ImportAsync("/api/profiles/import", Profiles(Enumerable.Range(0, 300).Where(i => i % 3 != 2)));
        var (_, created) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "New French profiles", "schedule": { "type": "signal" }, "activities": [
                { "id": "fresh", "type": "incrementalQuery", "filter": "country = 'FR'" }, { "id": "done", "type": "end" } ],
              "transitions": [ { "from": "fresh", "to": "done" } ] }
            """);
        var campaign = created.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _node.PublishAsync(campaign)).Status);

        // A test before any live run shows what is new and claims nothing.
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/test")).Status);
        var tested = await CompletedAsync(campaign, "fresh", 1);
        Assert.Empty(Claimed(campaign));
        var outputs = new List<long> { await TriggerAsync(campaign, "fresh", 2) };
        Assert.Equal(tested, outputs[0]);
        await ImportAsync("/api/profiles/import", Profiles(Enumerable.Range(0, 300).Where(i => i % 3 == 2 && i < 150)));
        outputs.Add(await TriggerAsync(campaign, "fresh", 3));
        await ImportAsync("/api/profiles/import", Profiles(Enumerable.Range(150, 150).Where(i => i % 3 == 2)));
        outputs.Add(await TriggerAsync(campaign, "fresh", 4));

        int French(IEnumerable<int> indexes) => indexes.Count(i => i % 2 == 0);
        Assert.Equal([French(Enumerable.Range(0, 300).Where(i => i % 3 != 2)), French(Enumerable.Range(0, 150).Where(i => i % 3 == 2)),
            French(Enumerable.Range(150, 150).Where(i => i % 3 == 2))], outputs);
        var claimed = Claimed(campaign);
        Assert.Equal(outputs.Order(), claimed.Values.Order());
        Assert.Equal(150, claimed.Values.Sum()); // every French profile, once
    }

    [Fact]
    public async Task New_bookings_by_their_booking_time_are_output_once_and_late_arrivals_below_the_mark_are_not()
    {
        await ImportAsync("/api/profiles/import", Profiles(Enumerable.Range(0, 10)));
        static string Bookings(int from, int count, DateTime at) => "id,profileId:link(profiles),bookedAt:timestamp\n" + string.Concat(Enumerable.Range(from, count)
            .Select(b => $"{9_000 + b * 13},{7_919L * (b % 10) + b % 10 % 5},{at.AddMinutes(b).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\n"));
        var day = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        await ImportAsync("/api/entities/bookings/import", Bookings(0, 40, day));
        var (_, created) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "New bookings", "schedule": { "type": "signal" }, "activities": [
                { "id": "fresh", "type": "incrementalQuery", "entity": "bookings", "by": "bookedAt" }, { "id": "done", "type": "end" } ],
              "transitions": [ { "from": "fresh", "to": "done" } ] }
            """);
        var campaign = created.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _node.PublishAsync(campaign)).Status);

        var first = await TriggerAsync(campaign, "fresh", 1);
        await ImportAsync("/api/entities/bookings/import", Bookings(40, 25, day));
        // Booked before the mark but imported late: a high-water mark does not see them (by id would).
        await ImportAsync("/api/entities/bookings/import", Bookings(100, 5, day.AddDays(-1)));
        var second = await TriggerAsync(campaign, "fresh", 2);
        var third = await TriggerAsync(campaign, "fresh", 3);
        Assert.Equal((40L, 25L, 0L), (first, second, third));
    }
}

using System.Text;
using System.Net.Http.Json;
using System.Text.Json;
using ActorCampaigns.Node.Reports;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// A node with a global control group of 10 %: a marketing email leaves out exactly the profiles the keyed hash puts in
/// the group (asked of the database in plain SQL), as <c>globalControl</c>; a transactional email reaches them all.
/// </summary>
public sealed class GlobalControlGroupTests : IAsyncLifetime
{
    private const int Profiles = 2_000;
    private const int Seed = 7;
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-control-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync() =>
        _node = await NodeProcess.StartAsync(_dataDir, ("GlobalControlGroup__Percent", "10"), ("GlobalControlGroup__Seed", Seed.ToString()));

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    /// <summary>
    /// The control group by its definition: the id times Knuth's constant, xor the key the seed gives, low 32 bits,
    /// times 2146121005, low 32 bits, below 10 % of 2^32.
    /// </summary>
    private async Task<List<long>> ControlGroupAsync()
    {
        var key = (uint)new Engine.Activities.Channel.GlobalControlGroup(10, Seed).Key;
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Pooling=false");
        connection.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT id FROM (SELECT "id" AS id, "id" * 2654435761 AS product FROM profiles)
            WHERE ((((product | {key}) - (product & {key})) & 4294967295) * 2146121005) & 4294967295 < 429496730 ORDER BY id
            """;
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    private static IEnumerable<long> Ids => Enumerable.Range(1, Profiles).Select(i => i * 7919L + i % 13);

    /// <summary>The profiles, ids with gaps, each with an address and consent to email.</summary>
    private async Task ImportAsync()
    {
        var csv = new StringBuilder("id,email,emailOptIn\n");
        foreach (var (id, i) in Ids.Select((id, i) => (id, i + 1)))
            csv.Append($"{id},p{i}@example.com,true\n");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv")).Status);
    }

    [Fact]
    public async Task Marketing_messages_leave_out_the_global_control_group_and_transactional_ones_do_not()
    {
        await ImportAsync();
        var id = await CampaignRuns.RunAsync(_node, """
            { "name": "Sale and receipts", "activities": [
                { "id": "all", "type": "buildAudience" },
                { "id": "sale", "type": "email", "content": { "from": "shop@example.com", "subject": "Sale", "html": "<p>Sale</p>" } },
                { "id": "receipt", "type": "email", "category": "transactional", "content": { "from": "shop@example.com", "subject": "Receipt", "html": "<p>Thanks</p>" } } ],
              "transitions": [ { "from": "all", "to": "sale" }, { "from": "all", "to": "receipt" } ] }
            """);
        var control = await ControlGroupAsync();
        Assert.InRange(control.Count, 150, 250);

        var activities = (await _node.StatusAsync(id)).GetProperty("executions")[0].GetProperty("activities");
        Assert.Equal(control.Count, activities.GetProperty("sale").GetProperty("excluded").GetProperty("globalControl").GetInt64());
        Assert.Equal(Profiles - control.Count, activities.GetProperty("sale").GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(Profiles, activities.GetProperty("receipt").GetProperty("out").GetProperty("out").GetInt64());
        var mailed = File.ReadLines(Path.Combine(_dataDir, "outbox", "email.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(m => (Activity: m.GetProperty("messageId").GetString()!.Split('.')[2], Profile: m.GetProperty("profileId").GetInt64())).ToList();
        Assert.Empty(mailed.Where(m => m.Activity == "sale").Select(m => m.Profile).Intersect(control));
        Assert.Equal(Profiles, mailed.Count(m => m.Activity == "receipt"));
    }

    [Fact]
    public async Task The_report_compares_the_conversion_of_those_sent_with_that_of_the_control_group_held_back()
    {
        await ImportAsync();
        var id = await CampaignRuns.RunAsync(_node, """
            { "name": "Sale", "activities": [
                { "id": "all", "type": "buildAudience" },
                { "id": "sale", "type": "email", "conversion": { "event": "purchase" }, "content": { "from": "shop@example.com", "subject": "Sale", "html": "<p>Sale</p>" } } ],
              "transitions": [ { "from": "all", "to": "sale" } ] }
            """);
        var control = await ControlGroupAsync();
        var sent = Ids.Except(control).ToList();
        // Every fifth profile sent buys, and every tenth of the control group.
        var buyers = sent.Where((_, i) => i % 5 == 0).Concat(control.Where((_, i) => i % 10 == 0)).ToList();
        var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/events",
            JsonSerializer.Serialize(buyers.Select(p => new { profileId = p, name = "purchase", value = 20 })));
        Assert.True(status == System.Net.HttpStatusCode.OK, body.ToString());

        var report = await _node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/report");
        var sale = report.GetProperty("channels")[0];
        var held = sale.GetProperty("globalControl");
        var (sentBuyers, heldBuyers) = ((sent.Count + 4) / 5, (control.Count + 9) / 10);
        Assert.Equal((control.Count, heldBuyers), (held.GetProperty("held").GetInt64(), held.GetProperty("converted").GetInt64()));
        Assert.Equal(sentBuyers, sale.GetProperty("total").GetProperty("converted").GetInt64());
        var expected = ControlComparison.Of(ChannelMetrics.None with { Sent = sent.Count, Converted = sentBuyers }, control.Count, heldBuyers);
        Assert.Equal(expected.Lift, held.GetProperty("lift").GetDouble());
        Assert.InRange(held.GetProperty("lift").GetDouble(), 0.8, 1.2);
        Assert.True(held.GetProperty("liftLow").GetDouble() < 1 && held.GetProperty("liftHigh").GetDouble() > 1);
    }
}

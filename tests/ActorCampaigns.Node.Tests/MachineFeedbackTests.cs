using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// Opens and clicks of machines against a node process: a gateway fetching the pixel on receipt, Apple's privacy proxy,
/// a scanner following every link. The report counts them apart and retargeting counts people unless asked.
/// </summary>
public sealed class MachineFeedbackTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-machines-").FullName;

    private const string Mailing = """
        { "name": "Autumn", "activities": [
            { "id": "all", "type": "buildAudience" },
            { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Autumn",
              "html": "<html><body><a href=\"https://shop.example/a\">A</a> <a href=\"https://shop.example/b\">B</a> <a href=\"https://shop.example/c\">C</a></body></html>" } } ],
          "transitions": [ { "from": "all", "to": "mail" } ] }
        """;

    private const string Person = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Opens_on_receipt_from_a_privacy_proxy_and_clicks_on_every_link_at_once_are_a_machines_counted_apart()
    {
        // 60 profiles with gaps in their ids, as a CRM exports them.
        var csv = new StringBuilder("id,email,emailOptIn\n");
        for (var i = 0; i < 60; i++)
            csv.Append($"{7_919L * i + i % 5 + 3},p{i}@example.com,true\n");
        var store = new SqliteProfileStore(new SqliteDatabase(Path.Combine(_dataDir, "data.db")));
        await store.InitializeAsync();
        Assert.Equal(60, (await store.ImportCsvAsync(new StringReader(csv.ToString()))).Imported);
        SqliteConnection.ClearAllPools();

        // Within 30 s of its send an open is a machine's: the test opens at once, then a minute later by the node's clock.
        await using var node = await NodeProcess.StartAsync(_dataDir, ("ClockControl", "true"), ("Tracking__MachineOpenSeconds", "30"));
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = node.Http.BaseAddress };
        var campaign = await CampaignRuns.RunAsync(node, Mailing);
        var messages = File.ReadAllLines(Path.Combine(_dataDir, "outbox", "email.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("html").GetString()!).ToList();
        Assert.Equal(60, messages.Count);
        string Open(int m) => TrackedUrls.Open().Match(messages[m]).Value;
        List<string> Links(int m) => TrackedUrls.Click().Matches(messages[m]).Select(c => c.Value).ToList();
        async Task GetAsync(string url, string agent)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("User-Agent", agent);
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{url}: {response.StatusCode}");
        }

        // On receipt: a gateway fetches the pixel of messages 0-9; a scanner follows all three links of messages 10-14 at once.
        foreach (var m in Enumerable.Range(0, 10))
            await GetAsync(Open(m), Person);
        foreach (var m in Enumerable.Range(10, 5))
            await Task.WhenAll(Links(m).Select(link => GetAsync(link, Person)));
        await node.SendAsync(HttpMethod.Post, "/testing/clock/advance?by=PT60S");
        // A minute on: Apple's proxy (the bare agent) fetches 20-29, people open 30-39, click one link of 40-44 and two of 45-49.
        foreach (var m in Enumerable.Range(20, 10))
            await GetAsync(Open(m), "Mozilla/5.0");
        foreach (var m in Enumerable.Range(30, 10))
            await GetAsync(Open(m), Person);
        foreach (var m in Enumerable.Range(40, 10))
            foreach (var link in Links(m).Take(m < 45 ? 1 : 2))
                await GetAsync(link, Person);

        var expected = new Dictionary<string, long>
        {
            ["opened"] = 10, ["uniqueOpened"] = 10, ["clicked"] = 15, ["uniqueClicked"] = 10,
            ["machineOpened"] = 20, ["uniqueMachineOpened"] = 20, ["machineClicked"] = 15, ["uniqueMachineClicked"] = 5,
        };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Dictionary<string, long> figures;
        do
        {
            await Task.Delay(100);
            var total = (await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/report")).GetProperty("channels")[0].GetProperty("total");
            figures = expected.Keys.ToDictionary(k => k, k => total.GetProperty(k).GetInt64());
        }
        while (!figures.SequenceEqual(expected) && DateTime.UtcNow < deadline);
        Assert.Equal(expected, figures);

        // Retargeting counts people unless told otherwise.
        var retarget = await CampaignRuns.RunAsync(node, """
            { "name": "Follow-up", "activities": [
                { "id": "all", "type": "buildAudience" },
                { "id": "split", "type": "split", "allowOverlap": true, "subsets": [
                    { "name": "opened", "filter": "opened('*')" }, { "name": "openedAny", "filter": "opened('*', 'P7D', machine: true)" },
                    { "name": "clicked", "filter": "clicked('*')" }, { "name": "clickedAny", "filter": "clicked('*', machine: true)" } ] } ],
              "transitions": [ { "from": "all", "to": "split" } ] }
            """, "test");
        var split = (await node.StatusAsync(retarget)).GetProperty("executions")[0].GetProperty("activities").GetProperty("split").GetProperty("out");
        Assert.Equal((10L, 30L, 10L, 15L), (split.GetProperty("opened").GetInt64(), split.GetProperty("openedAny").GetInt64(),
            split.GetProperty("clicked").GetInt64(), split.GetProperty("clickedAny").GetInt64()));

        using var csvReport = await node.Http.GetAsync($"/api/campaigns/{campaign}/report?format=csv");
        var lines = (await csvReport.Content.ReadAsStringAsync()).TrimEnd().Split('\n');
        Assert.EndsWith(",machineOpened,uniqueMachineOpened,machineClicked,uniqueMachineClicked", lines[0]);
        Assert.EndsWith(",20,20,15,5", lines[^1]);
    }
}

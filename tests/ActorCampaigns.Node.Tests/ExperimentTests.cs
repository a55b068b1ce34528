using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Engine.Activities;
using ActorCampaigns.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// An experiment end to end on a node process whose clock the test moves: 20,000 profiles with gaps in their ids,
/// arms a and b of 10 % each, clicks made through the real tracked URLs of the outbox, the window passes, and the
/// held-back profiles go down the winner's path; every count checked against plain SQL over the node's database.
/// </summary>
public sealed class ExperimentTests(ITestOutputHelper output) : IDisposable
{
    private const int Profiles = 20_000;

    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-experiment-").FullName;

    internal static string Canvas(string name, string throttle = "") => $$"""
        { "name": "{{name}}", "activities": [
            { "id": "all", "type": "buildAudience", "filter": "email is not null" },
            { "id": "exp", "type": "experiment", "arms": [ { "name": "a", "percent": 10 }, { "name": "b", "percent": 10 } ],
              "metric": "clicked", "window": "P1D", "minimumPerArm": 500 },
            { "id": "mail-a", "type": "email", "content": { "from": "shop@example.com", "subject": "A", "html": "<p><a href=\"https://shop.example/a\">A</a></p>" } },
            { "id": "mail-b", "type": "email"{{throttle}}, "content": { "from": "shop@example.com", "subject": "B", "html": "<p><a href=\"https://shop.example/b\">B</a></p>" } },
            { "id": "end-b", "type": "end" } ],
          "transitions": [ { "from": "all", "to": "exp" }, { "from": "exp", "port": "a", "to": "mail-a" }, { "from": "exp", "port": "b", "to": "mail-b" },
            { "from": "mail-b", "to": "end-b" } ] }
        """;

    /// <summary>20,000 profiles, each with an email and consent, ids 7,919 apart and more (a CRM export, not 1..N).</summary>
    internal static async Task ImportAsync(string dataDir)
    {
        var csv = new StringBuilder("id,email,emailOptIn\n");
        for (var i = 0; i < Profiles; i++)
            csv.Append($"{7_919L * i + i % 5 + 3},p{i}@example.com,true\n");
        var store = new SqliteProfileStore(new SqliteDatabase(Path.Combine(dataDir, "data.db")));
        await store.InitializeAsync();
        using (var reader = new StringReader(csv.ToString()))
            Assert.Equal(Profiles, (await store.ImportCsvAsync(reader)).Imported);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task The_arm_clicked_more_wins_and_the_held_back_profiles_get_its_message()
    {
        await ImportAsync(_dataDir);
        await using var node = await NodeProcess.StartAsync(_dataDir, ("ClockControl", "true"));
        var id = await CampaignRuns.PublishAsync(node, Canvas("Subject test"));
        var execution = await AwaitDecisionPendingAsync(node, id);
        var waiting = await node.StatusAsync(id);
        Assert.Equal(new[] { "mail-a", "mail-b", "end-b" }.Select(x => Activity(waiting, x)).Max(x => x.GetProperty("completedAt").GetDateTime()).AddDays(1),
            Activity(waiting, "exp").GetProperty("decidesAt").GetDateTime());
        var report = await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/report");
        Assert.Equal(Activity(waiting, "exp").GetProperty("decidesAt").GetDateTime(),
            Assert.Single(report.GetProperty("experiments").EnumerateArray()).GetProperty("decidesAt").GetDateTime());
        var (a, b) = (Messages(id, "mail-a"), Messages(id, "mail-b"));
        // A profile of arm b unsubscribes before the decision: its first-wave message stays counted as sent.
        using (var unsubscribe = await new HttpClient().PostAsync(b[^1].GetProperty("unsubscribeUrl").GetString(),
                   new FormUrlEncodedContent([KeyValuePair.Create("List-Unsubscribe", "One-Click")])))
            Assert.Equal(HttpStatusCode.OK, unsubscribe.StatusCode);
        await ClickAsync(node, a.Take(a.Count / 20).ToList());
        await ClickAsync(node, b.Take(b.Count * 3 / 10).ToList());
        await AwaitClicksAsync(node, id, a.Count / 20 + b.Count * 3 / 10);

        await node.SendAsync(HttpMethod.Post, "/testing/clock/advance?by=P1DT1M");
        var status = await AwaitCompletedAsync(node, id);
        var decision = Decision(status);
        output.WriteLine(decision.ToString());
        Assert.Equal(("b", "best"), (decision.GetProperty("winner").GetString(), decision.GetProperty("reason").GetString()));

        var arms = await ArmsBySqlAsync(id, execution);
        Assert.InRange(arms["a"], 1_800, 2_200);
        Assert.InRange(arms["b"], 1_800, 2_200);
        Assert.Equal(Profiles, arms.Values.Sum());
        var experiment = Activity(status, "exp").GetProperty("out");
        // The held-back profiles moved from holdback to b.
        Assert.Equal((Profiles, arms["a"], arms["b"] + arms["holdback"], 0L), (Activity(status, "exp").GetProperty("in").GetInt64(),
            experiment.GetProperty("a").GetInt64(), experiment.GetProperty("b").GetInt64(), experiment.GetProperty("holdback").GetInt64()));
        Assert.Equal(arms["holdback"], decision.GetProperty("heldBack").GetInt64());
        var figures = decision.GetProperty("arms").EnumerateArray().ToDictionary(x => x.GetProperty("name").GetString()!);
        Assert.Equal((arms["a"], (long)a.Count / 20), (figures["a"].GetProperty("reached").GetInt64(), figures["a"].GetProperty("successes").GetInt64()));
        Assert.Equal((arms["b"], (long)b.Count * 3 / 10), (figures["b"].GetProperty("reached").GetInt64(), figures["b"].GetProperty("successes").GetInt64()));

        // Each profile of arm a got A once; each of arm b and of the held back got B once, and nobody got both.
        Assert.Equal(await ProfilesBySqlAsync(id, execution, "a"), Recipients(id, "mail-a"));
        Assert.Equal(await ProfilesBySqlAsync(id, execution, "b", "holdback"), Recipients(id, "mail-b"));
        Assert.Equal(arms["b"] + arms["holdback"], Messages(id, "mail-b").Count);
        Assert.Equal(arms["a"], Messages(id, "mail-a").Count);
        Assert.Equal(arms["b"] + arms["holdback"], Activity(status, "mail-b").GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(arms["b"] + arms["holdback"], Activity(status, "end-b").GetProperty("in").GetInt64());
        Assert.Equal(Profiles, await ScalarAsync($"SELECT COUNT(*) FROM sends se JOIN sendings sg ON sg.id = se.sending WHERE sg.campaign = '{id}'"));
        var logs = await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/logs");
        var log = string.Join("\n", logs.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("message").GetString()));
        Assert.Contains("experiment decided: 'b' wins", log);
        report = await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/report");
        var reported = Assert.Single(report.GetProperty("experiments").EnumerateArray());
        Assert.Equal((execution, decision.GetRawText()), (reported.GetProperty("execution").GetString(), reported.GetProperty("decision").GetRawText()));

        // The same run where the arms do equally well: nothing is clear, and the fallback (the first arm) wins.
        var even = await CampaignRuns.PublishAsync(node, Canvas("Even test"));
        var evenExecution = await AwaitDecisionPendingAsync(node, even);
        var (evenA, evenB) = (Messages(even, "mail-a"), Messages(even, "mail-b"));
        await ClickAsync(node, [.. evenA.Take(evenA.Count / 10), .. evenB.Take(evenB.Count / 10)]);
        await AwaitClicksAsync(node, even, evenA.Count / 10 + evenB.Count / 10);
        await node.SendAsync(HttpMethod.Post, "/testing/clock/advance?by=P1DT1M");
        var evenStatus = await AwaitCompletedAsync(node, even);
        var evenDecision = Decision(evenStatus);
        output.WriteLine(evenDecision.ToString());
        Assert.Equal(("a", "fallback"), (evenDecision.GetProperty("winner").GetString(), evenDecision.GetProperty("reason").GetString()));
        // The profile that unsubscribed is excluded from this campaign, whichever arm it is in.
        Assert.Equal(await ProfilesBySqlAsync(even, evenExecution, ["a", "holdback"], optedIn: true), Recipients(even, "mail-a"));
        Assert.Equal(await ProfilesBySqlAsync(even, evenExecution, ["b"], optedIn: true), Recipients(even, "mail-b"));
    }

    [Fact]
    public async Task Killed_after_the_decision_it_keeps_the_decision_and_sends_nothing_twice()
    {
        await ImportAsync(_dataDir);
        string id, execution, decided;
        long sentAtKill;
        await using (var first = await NodeProcess.StartAsync(_dataDir, ("ClockControl", "true")))
        {
            // B at 1,500 messages a second: its second wave takes about ten seconds, time to be killed in.
            id = await CampaignRuns.PublishAsync(first, Canvas("Killed test", throttle: ", \"throttle\": 1500"));
            execution = await AwaitDecisionPendingAsync(first, id);
            var b = Messages(id, "mail-b");
            await ClickAsync(first, b.Take(b.Count / 4).ToList());
            await AwaitClicksAsync(first, id, b.Count / 4);
            await first.SendAsync(HttpMethod.Post, "/testing/clock/advance?by=P1DT1M");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            JsonElement decision;
            while ((decision = Activity(await first.StatusAsync(id), "exp").GetProperty("decision")).ValueKind == JsonValueKind.Null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no decision:\n{first.Log}");
                await Task.Delay(20);
            }
            // Right after the decision, b's path shows its first wave's counts while it runs again.
            var decidedStatus = await first.StatusAsync(id);
            first.Kill();
            decided = decision.GetRawText();
            sentAtKill = Messages(id, "mail-b").Count;
            Assert.True(Activity(decidedStatus, "mail-b").GetProperty("out").GetProperty("out").GetInt64() >= b.Count, decidedStatus.ToString());
        }
        var arms = await ArmsBySqlAsync(id, execution);
        output.WriteLine($"killed with {sentAtKill} of {arms["b"] + arms["holdback"]} messages of B sent");
        Assert.True(sentAtKill < arms["b"] + arms["holdback"], "the node must be killed before the held-back wave is sent");

        await using var second = await NodeProcess.StartAsync(_dataDir);
        var status = await AwaitCompletedAsync(second, id);
        Assert.Equal(decided, Activity(status, "exp").GetProperty("decision").GetRawText());
        Assert.Equal(await ProfilesBySqlAsync(id, execution, "b", "holdback"), Recipients(id, "mail-b"));
        Assert.Equal(arms["b"] + arms["holdback"], Messages(id, "mail-b").Count);
        Assert.Equal(arms["a"], Messages(id, "mail-a").Count);
        Assert.Equal(Profiles, await ScalarAsync($"SELECT COUNT(*) FROM sends se JOIN sendings sg ON sg.id = se.sending WHERE sg.campaign = '{id}'"));
        Assert.Equal((arms["b"] + arms["holdback"], arms["b"] + arms["holdback"]), (Activity(status, "mail-b").GetProperty("out").GetProperty("out").GetInt64(),
            Activity(status, "end-b").GetProperty("in").GetInt64()));
    }

    [Fact]
    public async Task An_operator_forces_the_winner_with_a_reason_logged_with_their_key_and_hostile_bodies_are_refused()
    {
        await ImportAsync(_dataDir);
        await using var node = await NodeProcess.StartAsync(_dataDir, ("ApiKeys__0", "campaign-key"));
        node.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "campaign-key");
        var id = await CampaignRuns.PublishAsync(node, Canvas("Forced test"));
        var execution = await AwaitDecisionPendingAsync(node, id);
        async Task<(HttpStatusCode Status, string Body)> ForceAsync(string activity, string body, string campaign = "")
        {
            using var response = await node.Http.PostAsync($"/api/campaigns/{(campaign.Length > 0 ? campaign : id)}/experiments/{activity}/winner",
                new StringContent(body, Encoding.UTF8, "application/json"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        foreach (var (activity, body, status, says) in new[]
        {
            ("exp", """{ "arm": "c", "reason": "x" }""", HttpStatusCode.BadRequest, "'c' is not an arm of experiment 'exp' (a, b)"),
            ("exp", """{ "arm": "b" }""", HttpStatusCode.BadRequest, "$.reason"),
            ("exp", """{ "arm": "b", "reason": "   " }""", HttpStatusCode.BadRequest, "$.reason"),
            ("exp", $$"""{ "arm": "b", "reason": "{{new string('x', 501)}}" }""", HttpStatusCode.BadRequest, "more than 500"),
            ("exp", """{ "arm": "b", "reason": "x", "winner": "a" }""", HttpStatusCode.BadRequest, "unknown field 'winner'"),
            ("exp", """{ "arm": 2, "reason": "x" }""", HttpStatusCode.BadRequest, "$.arm"),
            ("exp", "[1]", HttpStatusCode.BadRequest, "must be an object"),
            ("exp", "{ \"arm\": ", HttpStatusCode.BadRequest, "not JSON"),
            ("mail-a", """{ "arm": "b", "reason": "x" }""", HttpStatusCode.NotFound, "no experiment 'mail-a'"),
            ("nope", """{ "arm": "b", "reason": "x" }""", HttpStatusCode.NotFound, "no experiment 'nope'"),
        })
        {
            var (answered, text) = await ForceAsync(activity, body);
            Assert.True(answered == status && text.Contains(says, StringComparison.Ordinal), $"{body}: {answered} {text}");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await ForceAsync("exp", """{ "arm": "b", "reason": "x" }""", campaign: "c-404")).Status);
        Assert.Null(Activity(await node.StatusAsync(id), "exp").GetProperty("decision").GetString());

        var (forced, answer) = await ForceAsync("exp", """{ "arm": "b", "reason": "legal approved b's wording" }""");
        Assert.True(forced == HttpStatusCode.OK, answer);
        var key = $"key {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("campaign-key"u8))[..12]}";
        var decision = JsonDocument.Parse(answer).RootElement.GetProperty("decision");
        Assert.Equal(("b", "forced", key, "legal approved b's wording"), (decision.GetProperty("winner").GetString(), decision.GetProperty("reason").GetString(),
            decision.GetProperty("forcedBy").GetString(), decision.GetProperty("explanation").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await ForceAsync("exp", """{ "arm": "a", "reason": "again" }""")).Status);

        var status2 = await AwaitCompletedAsync(node, id);
        Assert.Equal("b", Activity(status2, "exp").GetProperty("decision").GetProperty("winner").GetString());
        Assert.Equal(await ProfilesBySqlAsync(id, execution, "b", "holdback"), Recipients(id, "mail-b"));
        var logs = await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/logs");
        Assert.Contains(logs.GetProperty("lines").EnumerateArray(), l => l.GetProperty("message").GetString()!
            .Contains($"'b' wins (forced by {key}: legal approved b's wording)", StringComparison.Ordinal));
    }

    /// <summary>Waits until the arms' messages are all sent and the execution waits for the experiment's decision; returns the execution.</summary>
    internal static async Task<string> AwaitDecisionPendingAsync(NodeProcess node, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var status = await node.StatusAsync(id);
            var execution = status.GetProperty("executions")[0];
            // Waiting, and every activity on the arms' paths done: it says when it decides.
            if (execution.GetProperty("state").GetString() == "waiting" && Activity(status, "exp").GetProperty("decidesAt").ValueKind == JsonValueKind.String)
                return execution.GetProperty("id").GetString()!;
            Assert.True(DateTime.UtcNow < deadline, $"campaign {id} does not wait for its experiment: {status}\n{node.Log}");
            await Task.Delay(100);
        }
    }

    internal static async Task<JsonElement> AwaitCompletedAsync(NodeProcess node, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var status = await node.StatusAsync(id);
            if (status.GetProperty("executions")[0].GetProperty("state").GetString() == "completed")
                return status;
            Assert.True(DateTime.UtcNow < deadline, $"campaign {id} did not complete: {status}\n{node.Log}");
            await Task.Delay(100);
        }
    }

    /// <summary>Follows each message's tracked link once, as a reader's mail client would.</summary>
    private static async Task ClickAsync(NodeProcess node, IReadOnlyList<JsonElement> messages)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = node.Http.BaseAddress };
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (message, cancel) =>
        {
            var token = TrackedUrls.Click().Match(message.GetProperty("html").GetString()!).Groups["token"].Value;
            using var clicked = await browser.GetAsync($"/t/c/{token}", cancel);
            Assert.Equal(HttpStatusCode.Redirect, clicked.StatusCode);
        });
    }

    /// <summary>Waits until the node has recorded the clicks (feedback is written by group commit).</summary>
    private async Task AwaitClicksAsync(NodeProcess node, string id, long clicks)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ScalarAsync($"SELECT COUNT(*) FROM feedback_events WHERE campaign = '{id}' AND kind = 'clicked'") < clicks)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the node recorded fewer than {clicks} clicks");
            await Task.Delay(50);
        }
    }

    internal static JsonElement Activity(JsonElement status, string activity) => status.GetProperty("executions")[0].GetProperty("activities").GetProperty(activity);

    private static JsonElement Decision(JsonElement status) => Activity(status, "exp").GetProperty("decision");

    internal List<JsonElement> Messages(string campaign, string activity) =>
        File.ReadAllLines(Path.Combine(_dataDir, "outbox", "email.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(m => m.GetProperty("campaignId").GetString() == campaign && m.GetProperty("activityId").GetString() == activity).ToList();

    internal SortedSet<long> Recipients(string campaign, string activity) => [.. Messages(campaign, activity).Select(m => m.GetProperty("profileId").GetInt64())];

    /// <summary>Each profile's arm as plain SQL computes it from the experiment's key (<see cref="ExperimentArmsSql"/>).</summary>
    private static string ArmSql(string campaign, string execution) => ExperimentArmsSql.Arm(ExperimentArms.KeyOf(campaign, execution, "exp"), ("a", 10), ("b", 10));

    internal async Task<Dictionary<string, long>> ArmsBySqlAsync(string campaign, string execution)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ArmSql(campaign, execution)} AS arm, COUNT(*) FROM profiles WHERE email IS NOT NULL GROUP BY arm";
        await using var reader = await command.ExecuteReaderAsync();
        var arms = new Dictionary<string, long> { ["a"] = 0, ["b"] = 0, ["holdback"] = 0 };
        while (await reader.ReadAsync())
            arms[reader.GetString(0)] = reader.GetInt64(1);
        return arms;
    }

    internal Task<SortedSet<long>> ProfilesBySqlAsync(string campaign, string execution, params string[] arms) =>
        ProfilesBySqlAsync(campaign, execution, arms, optedIn: false);

    /// <param name="optedIn">Only those who still consent (those who unsubscribed since are excluded from a new campaign).</param>
    internal async Task<SortedSet<long>> ProfilesBySqlAsync(string campaign, string execution, string[] arms, bool optedIn)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id FROM profiles WHERE email IS NOT NULL {(optedIn ? "AND emailOptIn = 1" : "")} " +
            $"AND {ArmSql(campaign, execution)} IN ({string.Join(", ", arms.Select(a => $"'{a}'"))})";
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new SortedSet<long>();
        while (await reader.ReadAsync())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    internal async Task<long> ScalarAsync(string sql)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}

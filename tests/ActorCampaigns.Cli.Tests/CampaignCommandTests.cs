using System.Text.Json;

namespace ActorCampaigns.Cli.Tests;

/// <summary>A campaign's whole life through acctl against a real node: import, validate, create, test, publish, follow, report.</summary>
public sealed class CampaignCommandTests(OneNode node) : IClassFixture<OneNode>
{
    internal static AcctlResult Succeeded(AcctlResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
        return result;
    }

    internal static string CampaignId(AcctlResult created) =>
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(created.Out, @"^created (\S+) \(draft\)$", System.Text.RegularExpressions.RegexOptions.Multiline)).Groups[1].Value;

    [Fact]
    public async Task A_campaign_goes_from_a_file_to_its_report_with_every_step_shown()
    {
        Assert.Equal($"imported {OneNode.Profiles}, updated 0, rejected 0\n", Succeeded(node.FirstImport).Out);
        // The same file again changes nothing but says it has seen them all.
        Assert.Equal($"imported 0, updated {OneNode.Profiles}, rejected 0\n", Succeeded(await node.AcctlAsync("profiles", "import", node.ProfilesCsv())).Out);

        var file = node.Campaign("Winter sale");
        Assert.Equal("valid: Winter sale, 3 activities\n", Succeeded(await node.AcctlAsync("campaign", "validate", "-f", file)).Out);
        var id = CampaignId(Succeeded(await node.AcctlAsync("campaign", "create", "-f", file)));

        var shown = Succeeded(await node.AcctlAsync("campaign", "show", id)).Out;
        Assert.Contains($"{id} Winter sale: draft", shown);
        Assert.Matches(@"optin\s+buildAudience\s+mail, keep", shown);
        Assert.Matches(@"mail\s+email", shown);

        // Test mode: the channel is held with the number it would send; tail ends with the execution.
        Assert.Contains($"{id}: test accepted", Succeeded(await node.AcctlAsync("campaign", "test", id)).Out);
        var tested = Succeeded(await node.AcctlAsync("campaign", "tail", id)).Out;
        Assert.Matches(@"\(test\): completed", tested);
        Assert.Matches(@"mail\s+held\s+150\s+out 0", tested);

        // A one-shot campaign's publish shows what it sends; without a person to answer, it needs --yes.
        var unconfirmed = await node.AcctlAsync("campaign", "publish", id);
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains($"{id} sends about 150 messages (email 150): publish it with --yes", unconfirmed.Error);
        Assert.Contains("draft", Succeeded(await node.AcctlAsync("campaign", "show", id)).Out);
        var published = Succeeded(await node.AcctlAsync("campaign", "publish", id, "--yes")).Out;
        Assert.Contains($"{id} sends about 150 messages (email 150)", published);
        Assert.Contains($"{id}: publish accepted", published);
        var tail = Succeeded(await node.AcctlAsync("campaign", "tail", id)).Out;
        var lastFrame = tail[tail.LastIndexOf($"{id} Winter sale", StringComparison.Ordinal)..];
        Assert.Matches(@"\(live\): completed", lastFrame);
        Assert.Matches(@"optin\s+completed\s+0\s+out 150", lastFrame);
        Assert.Matches(@"mail\s+completed\s+150\s+out 150, excluded 0\s+0\s+0", lastFrame);

        var status = Succeeded(await node.AcctlAsync("campaign", "status", id)).Out;
        Assert.Matches(@"keep\s+completed\s+150", status);
        var json = JsonDocument.Parse(Succeeded(await node.AcctlAsync("campaign", "status", id, "--json")).Out).RootElement;
        Assert.Equal(150, json.GetProperty("executions")[0].GetProperty("activities").GetProperty("mail").GetProperty("out").GetProperty("out").GetInt64());

        Assert.Matches($@"{id}\s+Winter sale\s+completed\s+127\.0\.0\.1:\d+\s+e-\S+ \(live\)\s+completed\s+3/3\s+-?\s*150\s+150",
            Succeeded(await node.AcctlAsync("campaign", "list")).Out);
        Assert.Matches(@"mail\s+email\s+150\s+150\s+150\s+0", Succeeded(await node.AcctlAsync("campaign", "report", id)).Out);
        Assert.Matches(@"winter-sale\s+150", Succeeded(await node.AcctlAsync("audiences", "list")).Out);
    }

    [Fact]
    public async Task An_experiment_is_shown_waiting_then_its_winner_is_forced_and_its_figures_shown()
    {
        var file = node.File("experiment.json", """
            { "name": "Subject test", "activities": [
                { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
                { "id": "exp", "type": "experiment", "arms": [ { "name": "a", "percent": 25 }, { "name": "b", "percent": 25 } ], "metric": "opened", "window": "P7D" },
                { "id": "mail-a", "type": "email", "content": { "from": "s@example.com", "subject": "A", "html": "<p>A</p>" } },
                { "id": "mail-b", "type": "email", "content": { "from": "s@example.com", "subject": "B", "html": "<p>B</p>" } } ],
              "transitions": [ { "from": "optin", "to": "exp" }, { "from": "exp", "port": "a", "to": "mail-a" }, { "from": "exp", "port": "b", "to": "mail-b" } ] }
            """);
        var id = CampaignId(Succeeded(await node.AcctlAsync("campaign", "create", "-f", file)));
        Succeeded(await node.AcctlAsync("campaign", "publish", id, "--yes"));
        string status;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(status = Succeeded(await node.AcctlAsync("campaign", "status", id)).Out).Contains("exp decides at"))
        {
            Assert.True(DateTime.UtcNow < deadline, status);
            await Task.Delay(200);
        }
        Assert.Matches(@"\): waiting", status);
        Assert.Matches(@"exp\s+waiting\s+150", status);

        var usage = await node.AcctlAsync("campaign", "winner", id, "exp", "b");
        Assert.NotEqual(0, usage.ExitCode);
        Assert.Contains("--reason", usage.Error);
        var unknown = await node.AcctlAsync("campaign", "winner", id, "exp", "c", "--reason", "try");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("'c' is not an arm of experiment 'exp' (a, b)", unknown.Error);

        Assert.Matches($@"{id}: experiment exp of \S+ decided, 'b' wins",
            Succeeded(await node.AcctlAsync("campaign", "winner", id, "exp", "b", "--reason", "the brand team chose b")).Out);
        var tail = Succeeded(await node.AcctlAsync("campaign", "tail", id)).Out;
        Assert.Matches(@"exp: 'b' wins \(forced by key [0-9a-f]{12}: the brand team chose b\), \d+ held back sent its way", tail);
        Assert.Matches(@"  a: 0 of \d+ opened, 0\.0 % \[\d+\.\d–\d+\.\d\], best 0\.\d{3}", tail);
        Assert.Matches(@"mail-b\s+completed\s+\d+", tail);
    }

    [Fact]
    public async Task A_channel_waiting_for_its_recipients_local_time_is_shown_with_until_when_and_how_many()
    {
        // These profiles have no timezone: 23:59 in the node's zone, UTC, today or tomorrow.
        var file = node.File("morning.json", """
            { "name": "Morning", "activities": [ { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
                { "id": "mail", "type": "email", "sendAt": { "localTime": "23:59" }, "content": { "from": "s@example.com", "subject": "M", "html": "<p>M</p>" } } ],
              "transitions": [ { "from": "optin", "to": "mail" } ] }
            """);
        var id = CampaignId(Succeeded(await node.AcctlAsync("campaign", "create", "-f", file)));
        Succeeded(await node.AcctlAsync("campaign", "publish", id, "--yes"));
        string status;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(status = Succeeded(await node.AcctlAsync("campaign", "status", id)).Out).Contains("mail waits until"))
        {
            Assert.True(DateTime.UtcNow < deadline, status);
            await Task.Delay(200);
        }
        var until = new DateTimeOffset(DateTime.UtcNow.Date.AddMinutes(23 * 60 + 59), TimeSpan.Zero);
        until = until < DateTimeOffset.UtcNow ? until.AddDays(1) : until;
        Assert.Contains($"mail waits until {until.UtcDateTime:yyyy-MM-ddTHH:mm:ss}", status);
        Assert.Contains($", {OneNode.OptedIn} messages waiting", status);
        Succeeded(await node.AcctlAsync("campaign", "stop", id));
    }

    [Fact]
    public async Task A_running_campaign_is_paused_resumed_and_stopped_and_list_filters_by_status()
    {
        var id = CampaignId(Succeeded(await node.AcctlAsync("campaign", "create", "-f", node.Campaign("Slow sale", throttle: 5))));
        Succeeded(await node.AcctlAsync("campaign", "publish", id, "--yes"));

        Assert.Contains($"{id}: pause accepted", Succeeded(await node.AcctlAsync("campaign", "pause", id)).Out);
        Assert.Matches($@"{id}\s+Slow sale\s+paused", Succeeded(await node.AcctlAsync("campaign", "list", "--status", "paused")).Out);
        Assert.Contains($"{id}: resume accepted", Succeeded(await node.AcctlAsync("campaign", "resume", id)).Out);
        Assert.Contains($"{id}: stop accepted", Succeeded(await node.AcctlAsync("campaign", "stop", id)).Out);
        var stopped = Succeeded(await node.AcctlAsync("campaign", "list", "--status", "stopped")).Out;
        Assert.Contains(id, stopped);
        Assert.DoesNotContain("Winter sale", stopped);
    }

    [Fact]
    public async Task An_import_names_each_line_it_rejected_and_why()
    {
        // Not opted in, so the other tests' campaigns still reach 150.
        var file = node.File("some-bad.csv", "id,email,firstName,emailOptIn\n9001,a@example.com,A,false\nnot-a-number,b@example.com,B,false\n");
        var result = Succeeded(await node.AcctlAsync("profiles", "import", file));
        Assert.Matches(@"^imported 1, updated 0, rejected 1\n  line 3: .*id.*\n$", result.Out);
    }

    [Fact]
    public async Task An_invalid_document_is_refused_with_each_problem_and_its_path()
    {
        var file = node.File("broken.json", """
            { "name": "Broken", "activities": [ { "id": "all", "type": "buildAudience", "filter": "age > 3" },
                                                { "id": "x", "type": "nosuch" } ], "transitions": [] }
            """);
        var result = await node.AcctlAsync("campaign", "validate", "-f", file);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith("error: the campaign document has ", result.Error);
        Assert.Contains("  $.activities[0].filter: ", result.Error);
        Assert.Contains("  $.activities[1]", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }
}

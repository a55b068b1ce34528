namespace ActorCampaigns.Cli.Tests;

/// <summary><c>acctl profiles events import</c> uploads a CSV or JSON lines file of conversion events and says what the node recorded and rejected.</summary>
public sealed class ProfileEventsCommandTests(OneNode node) : IClassFixture<OneNode>
{
    [Fact]
    public async Task A_csv_file_is_recorded_but_for_its_bad_lines_which_are_listed_with_their_number_and_why()
    {
        var file = node.File("events.csv", """
            profileId,name,at,value,properties
            1,purchase,2026-11-30T10:00:00Z,42.5,"{""sku"": ""A-1"",
             ""note"": ""a, b""}"
            2,purchase,,10,
            9999,purchase,,,
            3,purchase,,ten,
            3,signup,,,
            """);
        var result = await node.AcctlAsync("profiles", "events", "import", file);
        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Equal("""
            recorded 3, rejected 2
              line 5: profileId: no profile has id 9999
              line 6: value: must be a number between -1e15 and 1e15

            """.ReplaceLineEndings("\n"), result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_json_lines_file_is_recorded_line_by_line_and_a_file_with_a_foreign_header_is_refused()
    {
        var lines = node.File("events.jsonl", """
            {"profileId": 4, "name": "purchase", "value": 3}

            {"profileId": 5, "name": "purchase",
            {"profileId": 6, "name": "trial.started", "properties": {"plan": "pro"}}
            """);
        var result = await node.AcctlAsync("profiles", "events", "import", lines);
        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.StartsWith("recorded 2, rejected 1\n  line 3: is not JSON:", result.Out.ReplaceLineEndings("\n"));

        var foreign = await node.AcctlAsync("profiles", "events", "import", node.File("foreign.csv", "id,event\n1,purchase\n"));
        Assert.NotEqual(0, foreign.ExitCode);
        Assert.Contains("the header must name profileId and name, and may name at, value and properties, each once; unknown: id, event",
            foreign.Out + foreign.Error);
    }
}

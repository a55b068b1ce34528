using System.Globalization;
using System.Text.Json;

namespace ActorCampaigns.Cli.Tests;

/// <summary>acctl campaign trace: where an execution spent its time, slowest activity first.</summary>
public sealed class TraceCommandTests(OneNode node) : IClassFixture<OneNode>
{
    private static string Ok(AcctlResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Out;
    }

    [Fact]
    public async Task The_slowest_activity_of_the_latest_execution_comes_first_with_its_counts()
    {
        // 150 emails at 100 a second: the email activity takes a second and a half, the others a moment.
        var id = Ok(await node.AcctlAsync("campaign", "create", "-f", node.Campaign("Traced sale", throttle: 100))).Split(' ')[1];
        Ok(await node.AcctlAsync("campaign", "publish", id, "--yes"));
        Assert.Matches(@"\(live\): completed", Ok(await node.AcctlAsync("campaign", "tail", id)));

        var lines = Ok(await node.AcctlAsync("campaign", "trace", id)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches($@"^{id} e-\d+ \(live, completed\), started \S+$", lines[0]);
        Assert.Matches(@"^ACTIVITY\s+KIND\s+STATE\s+SECONDS\s+IN\s+OUT", lines[1]);
        var mail = System.Text.RegularExpressions.Regex.Match(lines[2], @"^mail\s+email\s+completed\s+(\d+\.\d{3})\s+150\s+out 150, excluded 0$");
        Assert.True(mail.Success, lines[2]);
        Assert.InRange(double.Parse(mail.Groups[1].Value, CultureInfo.InvariantCulture), 1.2, 30);
        Assert.Equal(["keep", "optin"], lines.Skip(3).Select(l => l.Split(' ')[0]).Order());

        var json = JsonDocument.Parse(Ok(await node.AcctlAsync("campaign", "trace", id, "--json", "--top", "1"))).RootElement;
        var activities = json.GetProperty("activities").EnumerateArray().ToList();
        Assert.Equal(3, activities.Count);
        Assert.All(activities, a => Assert.False(a.GetProperty("estimated").GetBoolean()));
        Assert.Equal(activities.Select(a => a.GetProperty("seconds").GetDouble()).OrderDescending(), activities.Select(a => a.GetProperty("seconds").GetDouble()));
        Assert.Single(Ok(await node.AcctlAsync("campaign", "trace", id, "--top", "1")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2));

        var missing = await node.AcctlAsync("campaign", "trace", id, "--execution", "e-99");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"campaign '{id}' has no execution 'e-99'", missing.Error);
    }
}

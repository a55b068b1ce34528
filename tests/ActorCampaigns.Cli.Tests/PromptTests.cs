namespace ActorCampaigns.Cli.Tests;

/// <summary><c>acctl host:port</c> without a command: a prompt, as pbm opens one.</summary>
public sealed class PromptTests(OneNode node) : IClassFixture<OneNode>
{
    [Fact]
    public async Task Commands_piped_in_run_one_after_the_other_and_a_failing_one_does_not_end_the_session()
    {
        var result = await AcctlProcess.RunAsync([node.Address, "--key", OneNode.Key], "cluster leader\n\ncluster nonsense\n'cluster' unreachable\nhistory\nexit\n");
        Assert.Matches(@"^akka\.tcp://actorcampaigns@127\.0\.0\.1:\d+\nevery member is reachable\n", result.Out);
        Assert.Contains("error: unknown command 'cluster nonsense'", result.Error);
        Assert.Matches(@"1  cluster leader\n\s+2  cluster nonsense\n\s+3  'cluster' unreachable\n\s+4  history\n", result.Out);
    }

    [Fact]
    public async Task At_a_terminal_the_up_arrow_recalls_the_previous_command_and_tab_completes_words()
    {
        // Typed: "cluster leader", Enter; up arrow, Enter (the same again); "clu", Tab, "unr", Tab, Enter; "exit".
        var screen = await AcctlProcess.TypeAsync([node.Address, "--key", OneNode.Key], "cluster leader\n\u001b[A\nclu\tunr\t\nexit");
        Assert.Contains($"acctl connected to {node.Address}", screen);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(screen, @"\nakka\.tcp://actorcampaigns@127\.0\.0\.1:\d+\r?\n").Count);
        Assert.Contains("every member is reachable", screen);
    }
}

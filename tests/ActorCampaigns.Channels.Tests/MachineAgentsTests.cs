using ActorCampaigns.Channels.Tracking;

namespace ActorCampaigns.Channels.Tests;

public class MachineAgentsTests
{
    [Theory]
    [InlineData("Mozilla/5.0", true)] // Apple Mail Privacy Protection
    [InlineData(" mozilla/5.0 ", true)]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", false)]
    [InlineData("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", false)] // fetched on a person's open
    [InlineData(null, false)]
    [InlineData("", false)]
    public void By_default_only_apples_proxy_is_a_machine(string? agent, bool machine) =>
        Assert.Equal(machine, new MachineAgents(MachineAgents.Known).IsMachine(agent));

    [Theory]
    [InlineData("Barracuda Sentinel (EE)", true)]
    [InlineData("Mozilla/5.0 (compatible; Mimecast-URL-Protect/2.1)", true)]
    [InlineData("Mozilla/5.0 (Mimecast) Mozilla/5.0", false)]
    [InlineData("", true)]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", false)]
    public void Patterns_match_whole_agents_with_stars_for_any_characters(string agent, bool machine) =>
        Assert.Equal(machine, new MachineAgents(["Barracuda*", "*(compatible; Mimecast*)", ""]).IsMachine(agent));
}

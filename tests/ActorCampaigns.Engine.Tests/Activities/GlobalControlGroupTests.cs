using ActorCampaigns.Engine.Activities.Channel;

namespace ActorCampaigns.Engine.Tests.Activities;

public class GlobalControlGroupTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(50.5)]
    [InlineData(double.NaN)]
    public void A_percent_outside_0_to_50_is_refused_naming_the_setting(double percent) =>
        Assert.Contains("ActorCampaigns:GlobalControlGroup:Percent must be between 0 and 50",
            Assert.Throws<ArgumentOutOfRangeException>(() => new GlobalControlGroup(percent, 1)).Message);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 5_000)]
    [InlineData(50, 50_000)]
    public void The_group_holds_its_share_of_ids_with_gaps_and_its_seed_picks_which(double percent, int expected)
    {
        var ids = Enumerable.Range(1, 100_000).Select(i => i * 7_919L + i % 13 + (i > 50_000 ? 40_000_000_000L : 0)).ToList();
        var group = new GlobalControlGroup(percent, 42);
        var held = ids.Where(group.Holds).ToList();
        Assert.InRange(held.Count, expected * 0.95, expected * 1.05 + 1);
        if (percent > 0)
            Assert.NotEqual(held, ids.Where(new GlobalControlGroup(percent, 43).Holds).ToList());
    }
}

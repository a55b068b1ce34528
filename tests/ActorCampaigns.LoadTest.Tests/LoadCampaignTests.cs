using ActorCampaigns.Data.Samples;
using ActorCampaigns.LoadTest.Commands.Load;

namespace ActorCampaigns.LoadTest.Tests;

public sealed class LoadCampaignTests
{
    [Theory]
    [InlineData(IdLayout.Dense, 10_007, 7)]
    [InlineData(IdLayout.Sparse, 10_007, 7)]
    [InlineData(IdLayout.Random64, 10_007, 7)]
    [InlineData(IdLayout.Random64, 3, 5)]
    public void Slices_share_the_generated_ids_evenly_whatever_their_layout(IdLayout layout, long profiles, int campaigns)
    {
        var generator = new ProfileGenerator(1, layout);
        var ids = Enumerable.Range(1, (int)profiles).Select(i => generator.IdOf(i)).ToList();
        var slices = LoadCampaign.Slices(campaigns, profiles, generator);

        var held = slices.Select(s => ids.Where(id => id > s.After && id <= s.Through).ToList()).ToList();
        Assert.Equal(ids.Order(), held.SelectMany(h => h).Order());
        Assert.All(held, h => Assert.InRange(h.Count, profiles / campaigns, profiles / campaigns + 1));
        Assert.Equal(Enumerable.Range(1, campaigns), slices.Select(s => s.Number));
    }

    [Fact]
    public void Dense_ids_are_sliced_as_one_to_n_always_was()
    {
        var slices = LoadCampaign.Slices(4, 6_000, new ProfileGenerator(1, IdLayout.Dense));
        Assert.Equal([(0L, 1_500L), (1_500, 3_000), (3_000, 4_500), (4_500, 6_000)], slices.Select(s => (s.After, s.Through)));
    }
}

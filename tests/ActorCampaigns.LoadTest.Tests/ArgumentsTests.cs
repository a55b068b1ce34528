using ActorCampaigns.LoadTest.Commands;

namespace ActorCampaigns.LoadTest.Tests;

public class ArgumentsTests
{
    [Theory]
    [InlineData("10M", 10_000_000)]
    [InlineData("250k", 250_000)]
    [InlineData("100K", 100_000)]
    [InlineData("1_000", 1_000)]
    public void Counts_accept_suffixes(string text, long expected) =>
        Assert.Equal(expected, new Arguments(["--profiles", text]).Count("profiles", 1));

    [Theory]
    [InlineData("-5")]
    [InlineData("ten")]
    [InlineData("0")]
    public void Bad_counts_say_what_is_wrong(string text)
    {
        var error = Assert.Throws<UsageException>(() => new Arguments(["--profiles", text]).Count("profiles", 1));
        Assert.Contains($"--profiles must be a positive whole number", error.Message);
    }

    [Fact]
    public void Unknown_options_are_refused()
    {
        var args = new Arguments(["--profiles", "5", "--sede", "3"]);
        args.Count("profiles", 1);
        Assert.Equal("unknown option --sede", Assert.Throws<UsageException>(args.RejectUnknown).Message);
    }
}

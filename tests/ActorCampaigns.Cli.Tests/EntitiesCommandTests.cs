namespace ActorCampaigns.Cli.Tests;

/// <summary><c>acctl entities import</c> and <c>entities list</c>: an entity's rows uploaded from a CSV file, and what the node keeps of them.</summary>
public sealed class EntitiesCommandTests(OneNode node) : IClassFixture<OneNode>
{
    [Fact]
    public async Task A_first_file_declares_the_entity_its_bad_lines_are_listed_and_the_list_shows_its_link_rows_and_columns()
    {
        var file = node.File("subscriptions.csv", """
            id,profileId:link(profiles),plan,monthly:number
            501,1,pro,29.5
            502,2,basic,nine
            503,2,basic,9
            """);
        var result = await node.AcctlAsync("entities", "import", "subscriptions", file);
        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Equal("imported 2, updated 0, rejected 1\n  line 3: monthly: 'nine' is not a valid number\n", result.Out.ReplaceLineEndings("\n"));

        var list = await node.AcctlAsync("entities", "list");
        Assert.True(list.ExitCode == 0, list.Out + list.Error);
        Assert.Matches(@"subscriptions\s+profileId\s+2\s+id:int, profileId:int, plan:string, monthly:number", list.Out);

        var refused = await node.AcctlAsync("entities", "import", "subscriptions", node.File("other.csv", "id,owner:link(profiles)\n1,1\n"));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("'subscriptions' links to profiles by 'profileId', not by 'owner'", refused.Out + refused.Error);
    }
}

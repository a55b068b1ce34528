using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.TestSupport;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>
/// docs/reference/activities.md is the registry's own account of the kinds. When a kind changes, write the file again
/// with <c>ACTORCAMPAIGNS_WRITE_REFERENCE=1 dotnet test tests/ActorCampaigns.Domain.Tests --filter KindReference</c>.
/// </summary>
public sealed class KindReferenceTests
{
    private static readonly string File = Repository.PathOf("docs/reference/activities.md");

    [Fact]
    public void The_reference_of_activity_kinds_is_what_the_registry_says()
    {
        var expected = KindReference.Markdown();
        if (Environment.GetEnvironmentVariable("ACTORCAMPAIGNS_WRITE_REFERENCE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File)!);
            System.IO.File.WriteAllText(File, expected);
        }
        Assert.True(System.IO.File.Exists(File) && System.IO.File.ReadAllText(File) == expected,
            "docs/reference/activities.md differs from the registry: write it again with ACTORCAMPAIGNS_WRITE_REFERENCE=1 (see this test's summary)");
    }

    [Fact]
    public void Every_kind_is_documented_with_each_of_its_fields()
    {
        var text = KindReference.Markdown();
        foreach (var kind in ActivityKinds.All)
        {
            Assert.Contains($"### `{kind.Type}`", text);
            foreach (var field in kind.Fields)
                Assert.Contains($"| `{field.Key}` |", text);
        }
    }

    [Fact]
    public void Every_example_of_the_reference_reads_as_an_activity_of_its_kind()
    {
        foreach (var kind in ActivityKinds.All)
        {
            var example = System.Text.Json.Nodes.JsonNode.Parse(kind.Start)!.AsObject();
            Assert.All(example.Select(p => p.Key), key => Assert.Contains(key, kind.Fields.Select(f => f.Key.Split('.')[0])));
        }
        Assert.NotNull(ProfileSchema.Core);
    }
}

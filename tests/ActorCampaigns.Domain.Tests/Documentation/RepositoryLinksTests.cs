using ActorCampaigns.TestSupport;
using System.Text.RegularExpressions;

namespace ActorCampaigns.Domain.Tests.Documentation;

/// <summary>
/// The repository documents itself: every relative link of README.md and docs/ leads to a file or folder of the
/// checkout, none outside it, so a person who clones the project alone can follow them all.
/// </summary>
public sealed partial class RepositoryLinksTests
{
    /// <summary>An inline link's target, <c>[text](target)</c> or <c>[text](target "title")</c>, and a reference definition's.</summary>
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)|^\s*\[[^\]]+\]:\s*(?<target>\S+)", RegexOptions.Multiline)]
    private static partial Regex Link();

    [Fact]
    public void Every_relative_link_of_README_and_docs_resolves_to_a_file_of_the_repository()
    {
        var root = Repository.Root();
        var pages = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Prepend(Path.Combine(root, "README.md")).ToList();
        var links = 0;
        var broken = new List<string>();
        foreach (var page in pages)
        {
            foreach (Match link in Link().Matches(FencedBlock.Prose(File.ReadAllText(page))))
            {
                var target = link.Groups["target"].Value.Trim('<', '>');
                if (target.StartsWith('#') || Regex.IsMatch(target, "^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase))
                    continue;
                links++;
                var path = Uri.UnescapeDataString(target.Split('#')[0]);
                var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, path));
                var where = $"{Path.GetRelativePath(root, page)}: ({target})";
                if (!resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    broken.Add($"{where} leads outside the repository");
                else if (!File.Exists(resolved) && !Directory.Exists(resolved))
                    broken.Add($"{where} leads to {Path.GetRelativePath(root, resolved)}, which does not exist");
            }
        }
        Assert.True(broken.Count == 0, string.Join('\n', broken));
        Assert.True(links > 0, "README.md and docs/ have no relative link: the reference is not linked");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ActorCampaigns.Cli.Tests;

/// <summary>Each document a campaign is given is kept as a version with who gave it; acctl lists them and says what changed.</summary>
public sealed class VersionCommandTests(OneNode node) : IClassFixture<OneNode>
{
    private static string Ok(AcctlResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Out;
    }

    [Fact]
    public async Task A_draft_replaced_twice_has_three_versions_and_diff_names_each_change()
    {
        var created = Ok(await node.AcctlAsync("campaign", "create", "-f", node.Campaign("Versioned sale")));
        var id = created.Split(' ')[1];
        var document = JsonDocument.Parse(await File.ReadAllTextAsync(node.Campaign("Versioned sale"))).RootElement.GetRawText();
        // Version 2: the subject and the filter change, a wait comes before the email, the schedule becomes a date.
        var second = document.Replace("\"filter\": \"emailOptIn\"", "\"filter\": \"emailOptIn and email is not null\"")
            .Replace("\"subject\": \"Versioned sale, {{ firstName }}\"", "\"subject\": \"Last days, {{ firstName }}\"");
        using var http = new HttpClient { BaseAddress = node.Node.Http.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "an-api-key");
        using (var replaced = await http.PutAsync($"/api/campaigns/{id}", new StringContent(second, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        // A replace refused (not a document) keeps no version.
        using (var refused = await http.PutAsync($"/api/campaigns/{id}", new StringContent("{ \"name\": 3 }", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var third = second.Replace("\"name\": \"Versioned sale\"", "\"name\": \"Versioned sale, again\"");
        using (var replaced = await http.PutAsync($"/api/campaigns/{id}", new StringContent(third, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);

        var versions = Ok(await node.AcctlAsync("campaign", "versions", id)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^VERSION\s+AT\s+BY\s+NAME\s+ACTIVITIES", versions[0]);
        Assert.Matches($@"^\s*1\s+\S+\s+operator:{OneNode.KeyId(OneNode.Key)}\s+Versioned sale\s+3$", versions[1]);
        Assert.Matches($@"^\s*2\s+\S+\s+api:{OneNode.KeyId("an-api-key")}\s+Versioned sale\s+3$", versions[2]);
        Assert.Matches($@"^\s*3\s+\S+\s+api:{OneNode.KeyId("an-api-key")}\s+Versioned sale, again\s+3$", versions[3]);
        Assert.Equal(4, versions.Length);

        var first = Ok(await node.AcctlAsync("campaign", "diff", id, "--from", "1", "--to", "2")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^version 1 \(operator:\w+\) -> version 2 \(api:\w+, ", first[0]);
        Assert.Equal(
            [
                "~ activity optin (buildAudience) filter: \"emailOptIn\" -> \"emailOptIn and email is not null\"",
            ], first.Skip(1).Where(l => l.Contains("optin")));
        Assert.Contains(first, l => l.StartsWith("~ activity mail (email) content: ", StringComparison.Ordinal) && l.Contains("Last days"));
        Assert.Equal(["~ name: \"Versioned sale\" -> \"Versioned sale, again\""], Ok(await node.AcctlAsync("campaign", "diff", id)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        var json = JsonDocument.Parse(Ok(await node.AcctlAsync("campaign", "diff", id, "--from", "1", "--to", "3", "--json"))).RootElement;
        Assert.Equal(["name"], json.GetProperty("document").EnumerateArray().Select(f => f.GetProperty("field").GetString()));
        Assert.Equal(2, json.GetProperty("activitiesChanged").GetArrayLength());
        var missing = await node.AcctlAsync("campaign", "diff", id, "--from", "1", "--to", "9");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("has versions 1 to 3; no version 9", missing.Error);
    }
}

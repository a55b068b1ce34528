using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ActorCampaigns.Cli.Tests;

/// <summary>
/// Commands given to a node with keys are written to its audit log with the id of the key that gave them, refusals
/// included: <c>GET /api/audit</c> lists them, <c>acctl audit tail</c> shows them as they come.
/// </summary>
public sealed class AuditCommandTests(OneNode node) : IClassFixture<OneNode>
{
    private async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, string? key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await node.Node.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Each_command_is_written_with_the_key_that_gave_it_and_its_outcome_and_the_tail_shows_them_as_they_come()
    {
        using var tail = AcctlProcess.Start(node.Address, "audit", "tail", "--last", "50", "--key", OneNode.Key);
        // The fixture's import, by acctl with the operator key.
        var seen = new StringBuilder();
        while (!seen.ToString().Contains("import profiles"))
            seen.AppendLine(await tail.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Matches($@"operator:{OneNode.KeyId(OneNode.Key)}\s+import profiles\s+-\s+200 OK", seen.ToString());

        var document = await File.ReadAllTextAsync(node.Campaign("Audited sale"));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(HttpMethod.Post, "/api/campaigns", "an-api-key", document));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Post, "/api/campaigns", "a-stolen-key", document));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Post, "/api/campaigns/c-nobody/stop", null));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Post, "/api/campaigns/c-nobody/pause", "an-api-key"));
        // Routing ignores case and a trailing slash: so does the audit.
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Post, "/API/Campaigns/c-nobody/Resume/", "an-api-key"));
        var down = await SendAsync(HttpMethod.Post, "/operator/cluster/down?address=akka.tcp://actorcampaigns@127.0.0.1:1", OneNode.Key);
        // Reads are not commands.
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "/api/campaigns", "an-api-key"));

        // The audit is the operators': an API key does not read it.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Get, "/api/audit", "an-api-key"));
        using var http = new HttpClient { BaseAddress = node.Node.Http.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OneNode.Key);
        // Each entry is written once its answer has gone: the last one may come a moment after.
        List<(string Actor, string Command, string? Target, int Status)> entries;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            entries = JsonDocument.Parse(await http.GetStringAsync("/api/audit?after=0&limit=1000")).RootElement.EnumerateArray()
                .Select(e => (Actor: e.GetProperty("actor").GetString()!, Command: e.GetProperty("command").GetString()!,
                    Target: e.GetProperty("target").GetString(), Status: e.GetProperty("status").GetInt32())).ToList();
            Assert.True(DateTime.UtcNow < deadline, string.Join("\n", entries));
        } while (!entries.Any(e => e.Command == "down"));
        var created = entries.Single(e => e.Command == "create" && e.Status == 201);
        Assert.Equal($"api:{OneNode.KeyId("an-api-key")}", created.Actor);
        Assert.StartsWith("c-", created.Target);
        var after = entries.SkipWhile(e => e != created).ToList();
        Assert.Equal(
            [
                created,
                ($"unknown:{OneNode.KeyId("a-stolen-key")}", "create", null, 401),
                ("anonymous (127.0.0.1)", "stop", "c-nobody", 401),
                ($"api:{OneNode.KeyId("an-api-key")}", "pause", "c-nobody", 404),
                ($"api:{OneNode.KeyId("an-api-key")}", "resume", "c-nobody", 404),
                ($"operator:{OneNode.KeyId(OneNode.Key)}", "down", "akka.tcp://actorcampaigns@127.0.0.1:1", (int)down),
            ], after);
        Assert.DoesNotContain(entries, e => e.Actor.Contains("an-api-key") || e.Actor.Contains(OneNode.Key));

        // The tail shows each as it is written.
        while (!seen.ToString().Contains("down"))
            seen.AppendLine(await tail.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Matches($@"unknown:{OneNode.KeyId("a-stolen-key")}\s+create\s+-\s+401 Unauthorized", seen.ToString());
        Assert.Matches(@"anonymous \(127\.0\.0\.1\)\s+stop\s+c-nobody\s+401 Unauthorized", seen.ToString());
        using (var interrupt = Process.Start("kill", ["-INT", tail.Id.ToString()]))
            await interrupt.WaitForExitAsync();
        Assert.True(tail.WaitForExit(10_000), "the tail did not stop on Ctrl+C");
        Assert.Equal(0, tail.ExitCode);
    }
}

using System.Net;

namespace ActorCampaigns.Node.Tests;

/// <summary>Campaigns created on a node and run until their first execution completes.</summary>
internal static class CampaignRuns
{
    /// <summary>Creates the campaign and sends it <paramref name="command"/> (publish or test); its id.</summary>
    public static async Task<string> PublishAsync(NodeProcess node, string canvas, string command = "publish")
    {
        var (created, body) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", canvas);
        Assert.True(created == HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        var (status, answer) = command == "publish" ? await node.PublishAsync(id) : await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/{command}");
        Assert.True(status == HttpStatusCode.OK, answer.ToString());
        return id;
    }

    /// <summary>The campaign's status once it meets <paramref name="condition"/>, within a minute and a half.</summary>
    public static async Task<System.Text.Json.JsonElement> AwaitAsync(NodeProcess node, string id, Func<System.Text.Json.JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var status = await node.StatusAsync(id);
            if (condition(status))
                return status;
            Assert.True(DateTime.UtcNow < deadline, $"waited for {what}: {status}");
            await Task.Delay(100);
        }
    }

    /// <summary>Creates the campaign, sends it <paramref name="command"/> (publish or test) and returns its id once its execution completed.</summary>
    public static async Task<string> RunAsync(NodeProcess node, string canvas, string command = "publish")
    {
        var id = await PublishAsync(node, canvas, command);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await node.StatusAsync(id)).GetProperty("executions") is var executions
            && (executions.GetArrayLength() == 0 || executions[0].GetProperty("state").GetString() != "completed"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"campaign {id} did not complete: {await node.StatusAsync(id)}");
            await Task.Delay(50);
        }
        return id;
    }
}

using System.Globalization;

namespace ActorCampaigns.Cli.Palettes;

/// <summary><c>actor</c> and <c>log</c>: what runs inside the node, and what it said lately.</summary>
public static class ActorPalette
{
    public static readonly Command[] Commands =
    [
        new("actor hierarchy", "", "the node's actors as a tree (default depth 4)", HierarchyAsync, "--depth N"),
        new("log peek", "", "the node's recent log lines (default level info)", PeekAsync, "--level L", "--limit N"),
    ];

    private static async Task HierarchyAsync(Invocation call)
    {
        var depth = call.NumberOption("--depth", 4, 1, 12);
        var answer = await call.Node.GetAsync($"/operator/actors?depth={depth}", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        call.Out.WriteLine(answer.Text("node"));
        foreach (var path in answer.Items("actors").Select(a => a.GetString()!))
        {
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            call.Out.WriteLine($"{new string(' ', 2 * segments.Length)}{segments[^1]}");
        }
    }

    private static async Task PeekAsync(Invocation call)
    {
        var level = call.Option("--level") ?? "info";
        var limit = call.NumberOption("--limit", 50, 1, 2_000);
        var answer = await call.Node.GetAsync($"/operator/logs?level={Uri.EscapeDataString(level)}&limit={limit}", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        foreach (var line in answer.Items("lines"))
        {
            var at = DateTimeOffset.Parse(line.Text("at")!, CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            call.Out.WriteLine($"{at}  {line.Text("level"),-7}  {line.Text("source")}: {line.Text("message")}");
        }
    }
}

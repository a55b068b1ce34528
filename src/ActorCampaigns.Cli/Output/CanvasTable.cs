using System.Text.Json;
using ActorCampaigns.Cli.Palettes;

namespace ActorCampaigns.Cli.Output;

/// <summary>
/// A campaign's latest execution as a table of its canvas: each activity's state, profiles in, out per port, excluded
/// and errors (<c>campaign status</c>, and each frame of <c>campaign tail</c>).
/// </summary>
public static class CanvasTable
{
    public static JsonElement? Latest(JsonElement status) => status.Items("executions").Cast<JsonElement?>().FirstOrDefault();

    /// <summary>Whether the execution has ended: nothing in it will change any more.</summary>
    public static bool Ended(JsonElement execution) => execution.Text("state") is "completed" or "stopped" or "failed";

    public static string Render(JsonElement status)
    {
        using var text = new StringWriter();
        text.Write($"{status.Text("id")} {status.Text("name")}: {status.Text("status")}");
        if (status.Text("node") is { } node)
            text.Write($" on {node}");
        text.WriteLine();
        if (Latest(status) is not { } execution)
        {
            text.WriteLine("no execution yet");
            return text.ToString();
        }
        text.WriteLine($"execution {execution.Text("id")} ({execution.Text("mode")}): {execution.Text("state")}, started {execution.Text("startedAt")}" +
                       (execution.Text("finishedAt") is { } finished ? $", finished {finished}" : ""));
        var table = new Table("ACTIVITY", "STATE", "IN", "OUT", "EXCLUDED", "ERRORS");
        foreach (var activity in execution.GetProperty("activities").EnumerateObject())
        {
            var view = activity.Value;
            var ports = view.GetProperty("out").EnumerateObject().Select(p => $"{p.Name} {p.Value.GetInt64():N0}");
            var excluded = view.TryGetProperty("excluded", out var reasons) && reasons.ValueKind == JsonValueKind.Object
                ? reasons.EnumerateObject().Sum(r => r.Value.GetInt64())
                : 0;
            table.Add(activity.Name, view.Text("state"), view.Number("in"), string.Join(", ", ports), excluded, view.Number("errors"));
        }
        table.WriteTo(text);
        var partitioned = execution.GetProperty("activities").EnumerateObject()
            .Where(a => a.Value.TryGetProperty("partitions", out var parts) && parts.ValueKind == JsonValueKind.Array).ToList();
        if (partitioned.Count > 0)
        {
            var members = partitioned.SelectMany(a => a.Value.GetProperty("partitions").EnumerateArray()).Select(p => p.Text("node") ?? "?").Distinct().Order();
            text.WriteLine($"partitions run on {string.Join(", ", members)}");
            foreach (var activity in partitioned)
                text.WriteLine($"  {activity.Name}: " + string.Join("; ", activity.Value.GetProperty("partitions").EnumerateArray()
                    .Select(p => $"{p.Number("id")} {p.Text("state")} on {p.Text("node") ?? "?"} ({p.Number("in"):N0} in)")));
        }
        foreach (var failed in execution.GetProperty("activities").EnumerateObject().Where(a => a.Value.Text("failure") is not null))
            text.WriteLine($"{failed.Name} failed: {failed.Value.Text("failure")}");
        foreach (var waiting in execution.GetProperty("activities").EnumerateObject()
                     .Where(a => a.Value.TryGetProperty("later", out var later) && later.ValueKind == JsonValueKind.Object))
        {
            var later = waiting.Value.GetProperty("later");
            text.WriteLine($"{waiting.Name} waits until {later.Text("until")}"
                + (later.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? $", {messages.GetInt64():N0} messages waiting" : ""));
        }
        foreach (var waiting in execution.GetProperty("activities").EnumerateObject()
                     .Where(a => a.Value.TryGetProperty("quota", out var quota) && quota.ValueKind == JsonValueKind.Object))
            text.WriteLine($"{waiting.Name} waits for the {waiting.Value.GetProperty("quota").Text("channel")} quota since {waiting.Value.GetProperty("quota").Text("waitingSince")}");
        foreach (var experiment in execution.GetProperty("activities").EnumerateObject())
            WriteExperiment(text, experiment.Name, experiment.Value);
        return text.ToString();
    }

    /// <summary>An experiment's line: when it decides; or who won and why, each arm's rate with its interval and probability to be best.</summary>
    private static void WriteExperiment(TextWriter text, string name, JsonElement view)
    {
        if (view.Text("decidesAt") is { } at)
            text.WriteLine($"{name} decides at {at}, {view.GetProperty("out").Number("holdback"):N0} held back");
        if (!view.TryGetProperty("decision", out var decision) || decision.ValueKind != JsonValueKind.Object)
            return;
        var why = decision.Text("forcedBy") is { } by ? $"forced by {by}: " : decision.Text("reason") == "fallback" ? "fallback: " : "";
        text.WriteLine($"{name}: '{decision.Text("winner")}' wins ({why}{decision.Text("explanation")}), {decision.Number("heldBack"):N0} held back sent its way");
        foreach (var arm in decision.Items("arms"))
            text.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"  {arm.Text("name")}: {arm.Number("successes"):N0} of {arm.Number("reached"):N0} {decision.Text("metric")}, " +
                $"{arm.GetProperty("rate").GetDouble() * 100:0.0} % [{arm.GetProperty("low").GetDouble() * 100:0.0}–{arm.GetProperty("high").GetDouble() * 100:0.0}], " +
                $"best {arm.GetProperty("probabilityToBeBest").GetDouble():0.000}"));
    }
}

using System.Text.Json;
using System.Text;
using ActorCampaigns.Cli.Output;

namespace ActorCampaigns.Cli.Palettes;

/// <summary><c>campaign</c>: campaigns through their lifecycle, live progress and reports.</summary>
public static class CampaignPalette
{
    public static readonly Command[] Commands =
    [
        new("campaign list", "", "campaigns with where they run and how far their latest execution is", ListAsync, "--status S"),
        new("campaign show", "<id>", "a campaign's document: schedule, activities and transitions", ShowAsync),
        new("campaign status", "<id>", "the latest execution's canvas: state, in, out per port, excluded, errors", StatusAsync),
        new("campaign tail", "<id>", "the canvas live, redrawn as counts change, until the execution ends", CampaignTail.RunAsync),
        new("campaign create", "", "creates a draft from a campaign document (JSON)", CreateAsync, "-f FILE"),
        new("campaign validate", "", "checks a campaign document without creating it", ValidateAsync, "-f FILE"),
        new("campaign test", "<id>", "runs the canvas in test mode: counts only, nothing sent", i => LifecycleAsync(i, "test")),
        new("campaign publish", "<id>", "freezes the campaign and hands it to its schedule; a one-shot campaign shows what it sends and asks", PublishAsync,
            "--yes"),
        new("campaign approve", "<id> <token>", "approves a publish above the node's threshold asked by another API key", ApproveAsync),
        new("campaign pause", "<id>", "holds every activity at a batch boundary", i => LifecycleAsync(i, "pause")),
        new("campaign resume", "<id>", "goes on from where it was paused or failed", i => LifecycleAsync(i, "resume")),
        new("campaign stop", "<id>", "ends every execution (final)", i => LifecycleAsync(i, "stop")),
        new("campaign report", "<id>", "sent, delivered, opened, clicked, bounced and unsubscribed per channel activity", ReportAsync),
        new("campaign versions", "<id>", "every document the campaign had: version, when, who, name", VersionsAsync),
        new("campaign diff", "<id>", "what changed between two versions (default: the last change)", DiffAsync, "--from N", "--to N"),
        new("campaign trace", "<id>", "where the latest execution (or --execution E) spent its time: its slowest activities, and its trace id", TraceAsync,
            "--execution E", "--top N"),
        new("campaign winner", "<id> <experiment> <arm>", "forces an experiment's winner now; its held-back profiles go down that arm", WinnerAsync,
            "--reason TEXT"),
    ];

    private static async Task VersionsAsync(Invocation call)
    {
        var answer = await call.Node.GetAsync($"/api/campaigns/{call.CampaignId(0)}/versions", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        var table = new Table("VERSION", "AT", "BY", "NAME", "ACTIVITIES");
        foreach (var version in answer.EnumerateArray())
            table.Add(version.Number("version"), version.Text("at"), version.Text("actor"), version.Text("name"), version.Number("activities"));
        table.WriteTo(call.Out);
    }

    private static async Task DiffAsync(Invocation call)
    {
        var query = string.Join("&", new[] { ("from", call.Option("--from")), ("to", call.Option("--to")) }
            .Where(o => o.Item2 is not null).Select(o => $"{o.Item1}={Uri.EscapeDataString(o.Item2!)}"));
        var answer = await call.Node.GetAsync($"/api/campaigns/{call.CampaignId(0)}/diff{(query.Length > 0 ? "?" + query : "")}", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        var (from, to) = (answer.GetProperty("from"), answer.GetProperty("to"));
        call.Out.WriteLine($"version {from.Number("version")} ({from.Text("actor")}) -> version {to.Number("version")} ({to.Text("actor")}, {to.Text("at")})");
        var lines = 0;
        void Line(string text)
        {
            call.Out.WriteLine(text);
            lines++;
        }
        foreach (var field in answer.Items("document"))
            Line($"~ {field.Text("field")}: {Value(field, "before")} -> {Value(field, "after")}");
        foreach (var id in answer.Items("activitiesAdded"))
            Line($"+ activity {id.GetString()}");
        foreach (var id in answer.Items("activitiesRemoved"))
            Line($"- activity {id.GetString()}");
        foreach (var activity in answer.Items("activitiesChanged"))
        {
            foreach (var field in activity.Items("fields"))
                Line($"~ activity {activity.Text("id")} ({activity.Text("type")}) {field.Text("field")}: {Value(field, "before")} -> {Value(field, "after")}");
        }
        foreach (var transition in answer.Items("transitionsAdded"))
            Line($"+ transition {transition.Text("from")}.{transition.Text("port")} -> {transition.Text("to")}");
        foreach (var transition in answer.Items("transitionsRemoved"))
            Line($"- transition {transition.Text("from")}.{transition.Text("port")} -> {transition.Text("to")}");
        if (lines == 0)
            call.Out.WriteLine("no difference");
    }

    private static async Task TraceAsync(Invocation call)
    {
        var execution = call.Option("--execution");
        var top = call.Option("--top") is { } text ? int.TryParse(text, out var n) && n > 0 ? n : throw CommandFailure.Usage("--top takes a number above 0") : 10;
        var answer = await call.Node.GetAsync($"/api/campaigns/{call.CampaignId(0)}/trace" + (execution is null ? "" : $"?execution={Uri.EscapeDataString(execution)}"),
            call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        call.Out.WriteLine($"{answer.Text("id")} {answer.Text("execution")} ({answer.Text("mode")}, {answer.Text("state")}), started {answer.Text("startedAt")}" +
            (answer.Text("traceId") is { } trace ? $", trace {trace}" : ""));
        var table = new Table("ACTIVITY", "KIND", "STATE", "SECONDS", "IN", "OUT");
        foreach (var activity in answer.Items("activities").Take(top))
        {
            var seconds = activity.TryGetProperty("seconds", out var s) && s.ValueKind == JsonValueKind.Number
                ? s.GetDouble().ToString(activity.TryGetProperty("estimated", out var e) && e.GetBoolean() ? "~0.000" : "0.000", System.Globalization.CultureInfo.InvariantCulture)
                : null;
            table.Add(activity.Text("id"), activity.Text("kind"), activity.Text("state"), seconds, activity.Number("in"),
                string.Join(", ", activity.GetProperty("out").EnumerateObject().Select(p => $"{p.Name} {p.Value.GetInt64()}")));
        }
        table.WriteTo(call.Out);
    }

    /// <summary>A changed value as JSON on one line; absent as "(none)".</summary>
    private static string Value(JsonElement field, string side) =>
        field.TryGetProperty(side, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetRawText() : "(none)";

    private static async Task WinnerAsync(Invocation call)
    {
        var (id, experiment, arm) = (call.CampaignId(0), call.Argument(1)!, call.Argument(2)!);
        var reason = call.Option("--reason") ?? throw CommandFailure.Usage("'campaign winner' needs --reason TEXT: why the winner is forced, for the log");
        var body = System.Text.Json.JsonSerializer.Serialize(new { arm, reason });
        var answer = await call.Node.PostAsync($"/api/campaigns/{id}/experiments/{Uri.EscapeDataString(experiment)}/winner", call.Cancel,
            new StringContent(body, Encoding.UTF8, "application/json"));
        if (call.Json)
            Json.Write(call.Out, answer);
        else
            call.Out.WriteLine($"{id}: experiment {experiment} of {answer.Text("execution")} decided, '{answer.GetProperty("decision").Text("winner")}' wins");
    }

    private static async Task ListAsync(Invocation call)
    {
        var status = call.Option("--status");
        var answer = await call.Node.GetAsync("/operator/campaigns" + (status is null ? "" : $"?status={Uri.EscapeDataString(status)}"), call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        var table = new Table("ID", "NAME", "STATUS", "NODE", "EXECUTION", "STATE", "ACTIVITIES", "RUNNING", "PROFILES", "SENT");
        foreach (var campaign in answer.Items("campaigns"))
        {
            var latest = campaign.TryGetProperty("latest", out var l) && l.ValueKind == System.Text.Json.JsonValueKind.Object ? l : (System.Text.Json.JsonElement?)null;
            table.Add(campaign.Text("id"), campaign.Text("name"), campaign.Text("status"), Host(campaign.Text("node")),
                latest is { } e ? $"{e.Text("id")} ({e.Text("mode")})" : null, latest?.Text("state"),
                latest is { } d ? $"{d.Number("done")}/{d.Number("activities")}" : null,
                latest is { } r ? string.Join(',', r.Items("running").Select(a => a.GetString())) : null,
                latest?.Number("entered"), latest?.Number("sent"));
        }
        if (table.Count == 0)
            call.Out.WriteLine(status is null ? "no campaigns" : $"no campaigns {status}");
        else
            table.WriteTo(call.Out);
    }

    /// <summary>host:port of an Akka address, shorter in a table.</summary>
    private static string? Host(string? address) => address is null ? null : address[(address.IndexOf('@') + 1)..];

    private static async Task ShowAsync(Invocation call)
    {
        var answer = await call.Node.GetAsync($"/api/campaigns/{call.CampaignId(0)}", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        var document = answer.GetProperty("document");
        call.Out.WriteLine($"{answer.Text("id")} {document.Text("name")}: {answer.Text("status")}");
        if (document.TryGetProperty("schedule", out var schedule))
            call.Out.WriteLine($"schedule: {string.Join(", ", schedule.EnumerateObject().Select(p => $"{p.Name} {p.Value}"))}");
        var activities = new Table("ACTIVITY", "TYPE", "TO");
        var transitions = document.Items("transitions").ToList();
        foreach (var activity in document.Items("activities"))
        {
            var id = activity.Text("id");
            var next = transitions.Where(t => t.Text("from") == id)
                .Select(t => t.Text("port") is { } port && port != "out" ? $"{port} → {t.Text("to")}" : t.Text("to"));
            activities.Add(id, activity.Text("type"), string.Join(", ", next));
        }
        activities.WriteTo(call.Out);
    }

    private static async Task StatusAsync(Invocation call)
    {
        var status = await call.Node.GetAsync($"/api/campaigns/{call.CampaignId(0)}/status", call.Cancel);
        if (call.Json)
            Json.Write(call.Out, status);
        else
            call.Out.Write(CanvasTable.Render(status));
    }

    private static Task CreateAsync(Invocation call) =>
        SubmitAsync(call, "/api/campaigns", answer => $"created {answer.Text("id")} ({answer.Text("status")})");

    private static Task ValidateAsync(Invocation call) =>
        SubmitAsync(call, "/api/campaigns/validate", answer => $"valid: {answer.Text("name")}, {answer.Number("activities")} activities");

    /// <summary>Posts the document of <c>-f FILE</c> to <paramref name="path"/>; the answer as JSON or described in a line.</summary>
    private static async Task SubmitAsync(Invocation call, string path, Func<System.Text.Json.JsonElement, string> describe)
    {
        var answer = await call.Node.PostAsync(path, call.Cancel, await DocumentAsync(call));
        if (call.Json)
            Json.Write(call.Out, answer);
        else
            call.Out.WriteLine(describe(answer));
    }

    private static async Task<HttpContent> DocumentAsync(Invocation call)
    {
        var path = call.Option("-f") ?? throw CommandFailure.Usage($"'{call.Command.Words}' needs -f FILE, the campaign document");
        if (!File.Exists(path))
            throw CommandFailure.Usage($"no file '{path}'");
        return new StringContent(await File.ReadAllTextAsync(path, call.Cancel), Encoding.UTF8, "application/json");
    }

    /// <summary>
    /// Publishes; a one-shot campaign's node answers first with the messages it would send and a confirmation token:
    /// they are shown, and the publish confirmed with --yes or when the operator answers y.
    /// </summary>
    private static async Task PublishAsync(Invocation call)
    {
        var id = call.CampaignId(0);
        JsonElement answer;
        try
        {
            answer = await call.Node.PostAsync($"/api/campaigns/{id}/publish", call.Cancel);
        }
        catch (CommandFailure failure) when (failure.Problem is { } problem && problem.TryGetProperty("confirmToken", out var confirm))
        {
            var token = confirm.GetString()!;
            var figures = $"{id} sends about {problem.GetProperty("messages").GetInt64():N0} messages ("
                + string.Join(", ", problem.GetProperty("estimate").EnumerateObject().Select(c => $"{c.Name} {c.Value.GetInt64():N0}")) + ")"
                + (problem.GetProperty("approvalRequired").GetBoolean() ? $"; above {problem.GetProperty("approvalThreshold").GetInt64():N0}, another API key approves it first: acctl campaign approve {id} {token}" : "");
            if (call.Option("--yes") is null)
            {
                if (!call.Terminal.TypedInput)
                    throw new CommandFailure($"{figures}: publish it with --yes", ExitCodes.Failed);
                call.Out.Write($"{figures}. Publish now? [y/N] ");
                if (call.Terminal.In.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
                {
                    call.Out.WriteLine($"{id}: not published");
                    return;
                }
            }
            else if (!call.Json)
                call.Out.WriteLine(figures);
            answer = await call.Node.PostAsync($"/api/campaigns/{id}/publish?confirm={Uri.EscapeDataString(token)}", call.Cancel);
        }
        if (call.Json)
            Json.Write(call.Out, answer);
        else
            call.Out.WriteLine($"{id}: publish accepted" + (answer.Text("status") is { } status ? $", now {status}" : ""));
    }

    private static async Task ApproveAsync(Invocation call)
    {
        var (id, token) = (call.CampaignId(0), call.Argument(1)!);
        var answer = await call.Node.PostAsync($"/api/campaigns/{id}/approve?confirm={Uri.EscapeDataString(token)}", call.Cancel);
        if (call.Json)
            Json.Write(call.Out, answer);
        else
            call.Out.WriteLine($"{id}: publish asked by {answer.Text("requestedBy")} approved by {answer.Text("approvedBy")}");
    }

    private static async Task LifecycleAsync(Invocation call, string verb)
    {
        var id = call.CampaignId(0);
        var answer = await call.Node.PostAsync($"/api/campaigns/{id}/{verb}", call.Cancel);
        if (call.Json)
            Json.Write(call.Out, answer);
        else
            call.Out.WriteLine($"{id}: {verb} accepted" + (answer.Text("status") is { } status ? $", now {status}" : ""));
    }

    private static async Task ReportAsync(Invocation call)
    {
        var report = await call.Node.GetAsync($"/api/campaigns/{call.CampaignId(0)}/report", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, report);
            return;
        }
        var table = new Table("ACTIVITY", "CHANNEL", "TARGETED", "SENT", "DELIVERED", "BOUNCED", "OPENED", "CLICKED", "UNSUBSCRIBED", "ERRORS", "OPEN RATE", "CLICK RATE",
            "MACHINE OPENED", "MACHINE CLICKED");
        foreach (var channel in report.Items("channels"))
            Row(table, channel.Text("activity"), channel.Text("channel"), channel.GetProperty("total"));
        Row(table, "total", "", report.GetProperty("total"));
        call.Out.WriteLine($"{report.Text("id")} {report.Text("name")}");
        table.WriteTo(call.Out);
    }

    private static void Row(Table table, string? activity, string? channel, System.Text.Json.JsonElement m) =>
        table.Add(activity, channel, m.Number("targeted"), m.Number("sent"), m.Number("delivered"), m.Number("bounced"), m.Number("uniqueOpened"),
            m.Number("uniqueClicked"), m.Number("unsubscribed"), m.Number("errors"), Percent(m, "openRate"), Percent(m, "clickRate"),
            m.Number("uniqueMachineOpened"), m.Number("uniqueMachineClicked"));

    private static string Percent(System.Text.Json.JsonElement metrics, string name) =>
        metrics.TryGetProperty(name, out var rate) ? $"{rate.GetDouble() * 100:0.#} %" : "-";
}

using System.Globalization;
using System.Text.Json;

namespace ActorCampaigns.Cli.Palettes;

/// <summary><c>audit</c>: the commands given to the cluster, who gave them and how they ended.</summary>
public static class AuditPalette
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    private const long Overlap = 100;

    public static readonly Command[] Commands =
    [
        new("audit tail", "", "the last commands (default 20), then each new one as it is written, until Ctrl+C", TailAsync, "--last N"),
    ];

    private static async Task TailAsync(Invocation call)
    {
        var last = call.NumberOption("--last", 20, 0, 1_000);
        try
        {
            // The newest entries (one at least, to know where the new ones start), the last asked for shown.
            var newest = await EntriesAsync(call, $"/api/audit?last={Math.Max(1, last)}");
            var after = newest.Select(e => e.Number("id")).DefaultIfEmpty(0).Max();
            var entries = newest.TakeLast(last).ToList();
            // Members of a cluster take ids as they write, and one may commit a lower id after a higher one is seen:
            // each look reads again from some ids back, and prints what it has not printed.
            var printed = newest.Select(e => e.Number("id")).ToHashSet();
            while (true)
            {
                foreach (var entry in entries)
                {
                    Write(call, entry);
                    after = Math.Max(after, entry.Number("id"));
                }
                await call.Out.FlushAsync(call.Cancel);
                await Task.Delay(Every, call.Cancel);
                entries = (await EntriesAsync(call, $"/api/audit?after={Math.Max(0, after - Overlap)}&limit=1000"))
                    .Where(e => printed.Add(e.Number("id"))).ToList();
                printed.RemoveWhere(id => id <= after - Overlap);
            }
        }
        catch (OperationCanceledException) when (call.Cancel.IsCancellationRequested)
        {
            // Ctrl+C: the tail ends, and that is success.
        }
    }

    private static async Task<List<JsonElement>> EntriesAsync(Invocation call, string path) =>
        (await call.Node.GetAsync(path, call.Cancel)).EnumerateArray().Select(e => e.Clone()).ToList();

    private static void Write(Invocation call, JsonElement entry)
    {
        if (call.Json)
        {
            call.Out.WriteLine(entry.GetRawText());
            return;
        }
        var at = DateTimeOffset.Parse(entry.Text("at")!, CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        call.Out.WriteLine($"{at}  {entry.Text("actor"),-22}  {entry.Text("command"),-15}  {entry.Text("target") ?? "-",-24}  {entry.Number("status")} {entry.Text("outcome")}");
    }
}

using System.Diagnostics;
using System.Text;

namespace ActorCampaigns.LoadTest.Commands.Load;

/// <summary>
/// A CSV of profiles imported through <c>POST /api/profiles/import</c> (or an entity's rows through
/// <c>POST /api/entities/{name}/import</c>), in requests of a bounded size, with progress.
/// </summary>
public static class GatewayImport
{
    /// <summary>Rows per import request: some 37 MB of CSV, under the node's default 64 MB request limit.</summary>
    public const int Rows = 250_000;

    /// <returns>Seconds the import took; an error if any row was rejected or the node took fewer than <paramref name="profiles"/>.</returns>
    public static async Task<double> ImportAsync(LoadGateway gateway, string csv, long profiles, TextWriter output, CancellationToken cancel,
        string path = "/api/profiles/import")
    {
        var what = path == "/api/profiles/import" ? "profiles" : "rows";
        var clock = Stopwatch.StartNew();
        var progress = new ProgressLine(output);
        long sent = 0, imported = 0, updated = 0, rejected = 0;
        using var lines = File.ReadLines(csv).GetEnumerator();
        lines.MoveNext();
        var header = lines.Current;
        while (true)
        {
            var chunk = new StringBuilder(header).Append('\n');
            var rows = 0;
            while (rows < Rows && lines.MoveNext())
            {
                chunk.Append(lines.Current).Append('\n');
                rows++;
            }
            if (rows == 0)
                break;
            var answer = await gateway.SendAsync($"POST {path}", HttpMethod.Post, path,
                new StringContent(chunk.ToString(), Encoding.UTF8, "text/csv"), cancel);
            (sent, imported, updated, rejected) = (sent + rows, imported + answer.GetProperty("imported").GetInt64(),
                updated + answer.GetProperty("updated").GetInt64(), rejected + answer.GetProperty("rejected").GetInt64());
            progress.Report($"importing through the gateway: {sent:N0} / {profiles:N0} {what} ({sent / clock.Elapsed.TotalSeconds:N0}/s)");
        }
        progress.Done();
        if (imported + updated != profiles || rejected != 0)
            throw new InvalidOperationException($"the import took {imported + updated:N0} of {profiles:N0} {what} and rejected {rejected:N0}");
        output.WriteLine($"imported {imported:N0}, updated {updated:N0} in {clock.Elapsed.TotalSeconds:F1} s");
        return clock.Elapsed.TotalSeconds;
    }
}

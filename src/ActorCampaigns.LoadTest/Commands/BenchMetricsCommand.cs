using System.Globalization;
using ActorCampaigns.Data.Samples;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// <c>bench metrics [--profiles 1M] [--rounds 2] [--campaigns 3]</c>: what the node's metrics cost. The benchmark canvas
/// on node processes with metrics (its <c>/metrics</c> read every second, as a Prometheus server would, fifteen times
/// as often as its default) and without (<c>ActorCampaigns:Metrics=false</c>), alternately, each round starting with the
/// other; each node's first campaign (which also compiles the engine) is left out, and the medians of the rest compared.
/// </summary>
public static class BenchMetricsCommand
{
    public const double Target = 1.05;

    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var size = args.Count("profiles", 1_000_000);
        var rounds = (int)Math.Clamp(args.Count("rounds", 2), 1, 10);
        var campaigns = (int)Math.Clamp(args.Count("campaigns", 3), 2, 10);
        var target = args.Text("out") ?? "docs/benchmarks.md";
        args.RejectUnknown();
        var canvas = await BenchmarkDocument.ReadCanvasAsync("bench/bench-canvas.json", cancellationToken);
        var folder = Directory.CreateTempSubdirectory("actorcampaigns-metrics-").FullName;
        try
        {
            var csv = Path.Combine(folder, "profiles.csv");
            await GenerateCommand.GenerateAsync(csv, size, seed: 1, output, cancellationToken, IdLayout.Sparse);
            var runs = new Dictionary<bool, List<BenchCanvasCommand.Row>> { [true] = [], [false] = [] };
            for (var round = 0; round < rounds; round++)
            {
                foreach (var metrics in round % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    output.WriteLine($"round {round + 1} of {rounds}, metrics {(metrics ? "on" : "off")}");
                    var rows = await BenchCanvasCommand.MeasureAsync(canvas, size, campaigns, output, cancellationToken, given: csv, metrics: metrics,
                        scrapeEvery: metrics ? TimeSpan.FromSeconds(1) : null);
                    runs[metrics].AddRange(rows.Where(r => r.Campaign > 1));
                }
            }
            var (on, off) = (Summary(runs[true]), Summary(runs[false]));
            var ratio = on.Seconds / off.Seconds;
            var table = string.Join("\n",
                "| metrics | campaigns measured | median publish → completed s | median node CPU s | median peak RSS GiB |",
                "|---|---:|---:|---:|---:|",
                Line("on, /metrics read every second", runs[true].Count, on),
                Line("off", runs[false].Count, off));
            var verdict = string.Create(CultureInfo.InvariantCulture,
                $"With metrics the campaigns took {ratio:F3}× the time without (CPU {on.Cpu / off.Cpu:F3}×): target ≤ {Target:F2}×, {(ratio <= Target ? "met" : "not met")}.");
            output.WriteLine(table);
            output.WriteLine(verdict);
            BenchmarkDocument.WriteSection(target, "metrics-cost", $"""
                ## What metrics cost

                Command: `dotnet run -c Release --project src/ActorCampaigns.LoadTest -- bench metrics --profiles {size}{(rounds == 2 ? "" : $" --rounds {rounds}")}{(campaigns == 3 ? "" : $" --campaigns {campaigns}")}`

                {BenchmarkDocument.Machine()}

                The benchmark canvas (`bench/bench-canvas.json`, {size:N0} profiles with ids spread as a CRM export has them,
                emails tracked) on node processes as `bench canvas` runs it: {rounds} rounds, each a node with metrics (every
                instrument on, ASP.NET Core's, HTTP clients' and the runtime's too, `/metrics` read every second while the
                campaigns run) and a node without (`ActorCampaigns:Metrics=false`), the order swapped each round; {campaigns}
                campaigns per node, the first left out (it also compiles the engine's code).

                {table}

                {verdict}
                """);
            var results = BenchmarkDocument.WriteResults(target, "metrics-cost", new
            {
                profiles = size, rounds, campaigns, onSeconds = on.Seconds, offSeconds = off.Seconds, onCpu = on.Cpu, offCpu = off.Cpu, ratio,
            });
            output.WriteLine($"written to {target} and {results}");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Medians(double Seconds, double Cpu, double PeakGiB);

    private static Medians Summary(List<BenchCanvasCommand.Row> rows) =>
        new(Median(rows.Select(r => r.Seconds)), Median(rows.Select(r => r.CpuSeconds)), Median(rows.Select(r => r.PeakGiB)));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Line(string name, int count, Medians m) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {count} | {m.Seconds:F2} | {m.Cpu:F2} | {m.PeakGiB:F2} |");
}

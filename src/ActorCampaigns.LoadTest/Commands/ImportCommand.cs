using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary><c>import FILE.csv [--data-dir DIR | --postgres CONNECTION]</c>: progress while it runs, then a summary.</summary>
public static class ImportCommand
{
    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var path = args.Positional.Count == 1 ? args.Positional[0] : throw new UsageException("import needs one FILE.csv");
        var store = await Stores.OpenAsync(args, cancellationToken);
        args.RejectUnknown();
        var summary = await ImportAsync(store, path, output, cancellationToken);
        return summary.Rejected == 0 ? 0 : 3;
    }

    public static async Task<ImportSummary> ImportAsync(ProfileStore store, string path, TextWriter output, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new UsageException($"no such file: {path}");
        var progress = new ProgressLine(output);
        var size = new FileInfo(path).Length;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var summary = await store.ImportCsvAsync(file, new SynchronousProgress<ImportProgress>(p => progress.Report(
            $"importing {path}: {100.0 * file.Position / Math.Max(1, size):F0} % | {p.Lines:N0} lines | {p.Imported:N0} imported, " +
            $"{p.Updated:N0} updated, {p.Rejected:N0} rejected | {p.Lines / Math.Max(0.001, p.Elapsed.TotalSeconds):N0} rows/s")),
            cancellationToken);
        progress.Done();
        output.WriteLine($"imported {summary.Imported:N0}, updated {summary.Updated:N0}, rejected {summary.Rejected:N0} " +
            $"in {summary.Elapsed.TotalSeconds:F1} s ({summary.Accepted / Math.Max(0.001, summary.Elapsed.TotalSeconds):N0} rows/s)");
        foreach (var error in summary.Errors.Take(20))
            output.WriteLine($"  line {error.Line}: {error.Reason}");
        if (summary.Rejected > 20)
            output.WriteLine($"  ... and {summary.Rejected - 20:N0} more rejected lines");
        return summary;
    }
}

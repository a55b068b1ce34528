using System.Diagnostics;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Samples;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// <c>generate --profiles N --seed S [--ids sparse|dense|random64] --out FILE.csv</c>: ids with gaps by default, as a
/// real export has them (dense 1..N is what no user imports).
/// </summary>
public static class GenerateCommand
{
    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var profiles = args.Count("profiles", 100_000);
        var seed = (int)args.Count("seed", 1);
        var ids = Layout(args.Text("ids") ?? "sparse");
        var path = args.Text("out") ?? throw new UsageException("generate needs --out FILE.csv");
        args.RejectUnknown();
        await GenerateAsync(path, profiles, seed, output, cancellationToken, ids);
        return 0;
    }

    public static IdLayout Layout(string name) => name switch
    {
        "dense" => IdLayout.Dense,
        "sparse" => IdLayout.Sparse,
        "random64" => IdLayout.Random64,
        _ => throw new UsageException($"--ids takes dense, sparse or random64, not '{name}'"),
    };

    public static async Task GenerateAsync(string path, long profiles, int seed, TextWriter output, CancellationToken cancellationToken,
        IdLayout ids = IdLayout.Dense)
    {
        var clock = Stopwatch.StartNew();
        var progress = new ProgressLine(output);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            await new ProfileGenerator(seed, ids).WriteAsync(file, profiles,
                new SynchronousProgress<long>(done => progress.Report($"generating {done:N0} / {profiles:N0} profiles ({clock.Elapsed.TotalSeconds:F1} s)")),
                cancellationToken);
        }
        progress.Done();
        var size = new FileInfo(path).Length;
        output.WriteLine($"generated {profiles:N0} profiles (seed {seed}, {ids.ToString().ToLowerInvariant()} ids) into {path}: {size / 1_048_576.0:F0} MiB in {clock.Elapsed.TotalSeconds:F1} s " +
            $"({profiles / clock.Elapsed.TotalSeconds:N0} rows/s)");
    }
}

using System.Diagnostics;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Samples;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary><c>generate --profiles N --seed S --out FILE.csv</c></summary>
public static class GenerateCommand
{
    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var profiles = args.Count("profiles", 100_000);
        var seed = (int)args.Count("seed", 1);
        var path = args.Text("out") ?? throw new UsageException("generate needs --out FILE.csv");
        args.RejectUnknown();
        await GenerateAsync(path, profiles, seed, output, cancellationToken);
        return 0;
    }

    public static async Task GenerateAsync(string path, long profiles, int seed, TextWriter output, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var progress = new ProgressLine(output);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            await new ProfileGenerator(seed).WriteAsync(file, profiles,
                new SynchronousProgress<long>(done => progress.Report($"generating {done:N0} / {profiles:N0} profiles ({clock.Elapsed.TotalSeconds:F1} s)")),
                cancellationToken);
        }
        progress.Done();
        var size = new FileInfo(path).Length;
        output.WriteLine($"generated {profiles:N0} profiles (seed {seed}) into {path}: {size / 1_048_576.0:F0} MiB in {clock.Elapsed.TotalSeconds:F1} s " +
            $"({profiles / clock.Elapsed.TotalSeconds:N0} rows/s)");
    }
}

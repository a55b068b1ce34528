using ActorCampaigns.Data.Profiles;
using ActorCampaigns.LoadTest.Commands;
using ActorCampaigns.LoadTest.Commands.Classic;
using ActorCampaigns.LoadTest.Commands.Load;

const string Usage = """
    ActorCampaigns.LoadTest <command> [options]

      generate --profiles N --seed S [--ids sparse|dense|random64] --out FILE.csv
                                                           synthetic profiles as CSV (ids with gaps by default)
      import FILE.csv [--data-dir DIR | --postgres CONN]   import a CSV into the profile store
      count --filter EXPR [--data-dir DIR | --postgres CONN]
                                                           stream and count an audience
      demo [--data-dir ./data] [--profiles 1M]             sample profiles in ./data, audiences counted
      bench store [--profiles 1M,10M] [--out docs/benchmarks.md]
                                                           import and streaming figures, SQLite and PostgreSQL
      bench canvas [--profiles 1M,10M] [--campaigns 2] [--ids sparse|dense|random64] [--canvas bench/bench-canvas.json] [--trace DIR] [--out docs/benchmarks.md]
                   [--bookings 10M]                        the benchmark canvas end to end on one node; with bookings, one email per booking
      bench delivery [--messages 20000] [--events 100000]  SMTP delivery rate, tracking ingestion on a node process
      bench cluster [--profiles 1M] [--campaigns 10] [--nodes 1,3]
                                                           the benchmark canvas as campaigns at once on node processes over PostgreSQL
      bench metrics [--profiles 1M] [--rounds 2] [--campaigns 3] [--out docs/benchmarks.md]
                                                           the benchmark canvas on nodes with metrics and without, alternately: what metrics cost
      bench classic [--profiles 1M,10M] [--ids sparse|dense|random64] [--canvas bench/bench-canvas.json]
                                                           the benchmark canvas by the engine and by one SQL statement per activity in PostgreSQL
      trace FILE.nettrace [--top 20]                       where a traced node's threads were busy (bench canvas --trace writes them)
      load campaigns [--campaigns 20] [--profiles 5M] [--ids sparse|dense|random64] [--gateway URL --data-dir DIR | --postgres CONN] [--key K] [--minutes 60]
                                                           import, test, publish and follow campaigns through a gateway; counts checked by SQL
      load tracking [--rate 2000] [--seconds 30] [--connections 16] [--gateway URL --data-dir DIR | --postgres CONN]
                                                           opens and clicks at a steady rate with the outbox's tracked URLs; every event checked
    """;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var arguments = new Arguments(args.Skip(1));
try
{
    return args.FirstOrDefault() switch
    {
        "generate" => await GenerateCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "import" => await ImportCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "count" => await CountCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "demo" => await DemoCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "bench" when arguments.Positional.FirstOrDefault() == "store" => await BenchStoreCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "bench" when arguments.Positional.FirstOrDefault() == "canvas" => await BenchCanvasCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "bench" when arguments.Positional.FirstOrDefault() == "metrics" => await BenchMetricsCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "bench" when arguments.Positional.FirstOrDefault() == "delivery" => await BenchDeliveryCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "bench" when arguments.Positional.FirstOrDefault() == "cluster" => await BenchClusterCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "bench" when arguments.Positional.FirstOrDefault() == "classic" => await BenchClassicCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "load" when arguments.Positional.FirstOrDefault() == "campaigns" => await LoadCampaignsCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "load" when arguments.Positional.FirstOrDefault() == "tracking" => await LoadTrackingCommand.RunAsync(arguments, Console.Out, cancel.Token),
        "trace" when arguments.Positional.FirstOrDefault() is { } trace => Summarize(trace, (int)arguments.Count("top", 20)),
        "help" or "--help" or "-h" => Help(Console.Out),
        null => Help(Console.Error, 2),
        var unknown => throw new UsageException($"unknown command '{unknown}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}
catch (ImportRefusedException e)
{
    Console.Error.WriteLine($"error: import refused: {e.Message}");
    return 3;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}

static int Summarize(string trace, int top)
{
    Console.WriteLine(TraceSummary.Of(File.Exists(trace) ? trace : throw new UsageException($"no trace at {trace}"), top));
    return 0;
}

static int Help(TextWriter writer, int code = 0)
{
    writer.WriteLine(Usage);
    return code;
}

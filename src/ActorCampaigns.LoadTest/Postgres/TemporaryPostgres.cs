using System.Diagnostics;

namespace ActorCampaigns.LoadTest.Postgres;

/// <summary>
/// A throwaway PostgreSQL server for tests and benchmarks: initdb into a temporary folder, pg_ctl on a free
/// loopback port, removed on dispose. The server refuses to run as root, so as root it runs as 'postgres'.
/// </summary>
public sealed class TemporaryPostgres : IAsyncDisposable
{
    public const string InstallHint = "apt-get update && apt-get install -y postgresql";

    private readonly string _folder;
    private readonly string _binaries;
    private readonly bool _asPostgresUser;

    private TemporaryPostgres(string folder, string binaries, int port, bool asPostgresUser)
    {
        _folder = folder;
        _binaries = binaries;
        _asPostgresUser = asPostgresUser;
        Port = port;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=20;Timeout=30";
    }

    public int Port { get; }

    /// <summary>
    /// The server as a team running its campaigns in it would set it for this machine (2 cores, 24 GiB), over the
    /// defaults: what the benchmarks that compare with SQLite or with a classic SQL workflow run on. The default
    /// <c>max_wal_size</c> (1 GB) stays: a campaign of 1M emails then checkpoints every 8 to 20 s and the server says
    /// "checkpoints are occurring too frequently", but with 8 GB (and <c>checkpoint_timeout</c> 15 min) the node's
    /// benchmark ran slower here (22.2 s against 19.4 s), each new WAL segment costing this machine a first write.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Sized = new Dictionary<string, string>
    {
        ["shared_buffers"] = "2GB",
        ["work_mem"] = "256MB",
        ["maintenance_work_mem"] = "1GB",
        ["effective_cache_size"] = "12GB",
        ["max_parallel_workers_per_gather"] = "2",
    };

    public static string SizedText => string.Join(", ", Sized.Select(s => $"`{s.Key}={s.Value}`"));

    public string ConnectionString { get; }

    /// <param name="durable">false for tests (fsync off); true for benchmarks, which measure the server as shipped.</param>
    /// <param name="settings">Server settings (<c>-c name=value</c>) over the ones above, e.g. memory sized for the machine.</param>
    public static async Task<TemporaryPostgres> StartAsync(bool durable = false, IReadOnlyDictionary<string, string>? settings = null)
    {
        var binaries = FindBinaries() ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or on PATH. Install them with: {InstallHint}");
        var folder = Path.Combine(Path.GetTempPath(), $"actorcampaigns-pg-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(folder);
        var asPostgresUser = Environment.UserName == "root";
        if (asPostgresUser)
            await RunAsync("chown", ["-R", "postgres:postgres", folder], asUser: null);
        var server = new TemporaryPostgres(folder, binaries, LoopbackPorts.Free(), asPostgresUser);
        await server.RunAsync("initdb", ["-D", server.DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]);
        var values = new Dictionary<string, string> { ["listen_addresses"] = "127.0.0.1", ["max_connections"] = "200", ["shared_buffers"] = "256MB" };
        if (!durable)
            (values["fsync"], values["synchronous_commit"], values["full_page_writes"]) = ("off", "off", "off");
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
            values[name] = value;
        var options = $"-p {server.Port} -k {folder}" + string.Concat(values.Select(v => $" -c {v.Key}={v.Value}"));
        await server.RunAsync("pg_ctl", ["-D", server.DataFolder, "-l", server.LogFile, "-w", "-t", "60", "-o", options, "start"]);
        return server;
    }

    private string DataFolder => Path.Combine(_folder, "data");

    private string LogFile => Path.Combine(_folder, "server.log");

    /// <summary>
    /// Restarts the server as an operator would for an upgrade or a setting (<c>pg_ctl restart -m fast</c>): every
    /// session is ended, the server is down for a moment, then listens again on the same port with the same options.
    /// </summary>
    public Task RestartAsync() => RunAsync("pg_ctl", ["-D", DataFolder, "-l", LogFile, "-m", "fast", "-w", "-t", "60", "restart"]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("pg_ctl", ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private Task RunAsync(string tool, IReadOnlyList<string> arguments) =>
        RunAsync(Path.Combine(_binaries, tool), arguments, _asPostgresUser ? "postgres" : null);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, string? asUser)
    {
        var start = new ProcessStartInfo(asUser is null ? program : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is not null)
        {
            foreach (var part in new[] { "-u", asUser, "--", program })
                start.ArgumentList.Add(part);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed with exit code {process.ExitCode}: {await error}{await output}");
    }

    private static string? FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            : Enumerable.Empty<string>();
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':');
        return versions.Select(v => Path.Combine(v, "bin")).Concat(onPath)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }
}

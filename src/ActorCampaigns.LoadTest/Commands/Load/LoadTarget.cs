using System.Net;
using ActorCampaigns.Data;

namespace ActorCampaigns.LoadTest.Commands.Load;

/// <summary>
/// The node a load run drives: the one at <c>--gateway</c> (on this machine only), with its store for the SQL checks
/// (<c>--data-dir</c> or <c>--postgres</c>); or, without <c>--gateway</c>, a node process the run starts on a fresh
/// SQLite data dir and stops at the end.
/// </summary>
public sealed class LoadTarget : IAsyncDisposable
{
    private readonly NodeProcess? _started;
    private readonly string? _folder;

    private LoadTarget(Uri gateway, Database database, string? dataDir, NodeProcess? started, string? folder)
    {
        Gateway = gateway;
        Database = database;
        DataDir = dataDir;
        _started = started;
        _folder = folder;
    }

    public Uri Gateway { get; }

    public Database Database { get; }

    /// <summary>The node's data dir when it runs on SQLite (its outbox files are there).</summary>
    public string? DataDir { get; }

    /// <summary>Whether the run started the node itself (an empty one, which the run fills).</summary>
    public bool Started => _started is not null;

    public static async Task<LoadTarget> OpenAsync(Arguments args, TextWriter output)
    {
        if (args.Text("gateway") is not { } given)
        {
            var folder = Directory.CreateTempSubdirectory("actorcampaigns-load-").FullName;
            output.WriteLine($"starting a node on a fresh data dir ({folder})");
            var node = await NodeProcess.StartAsync(folder);
            return new LoadTarget(node.Http.BaseAddress!, new SqliteDatabase(Path.Combine(folder, "data.db")), folder, node, folder);
        }
        if (!Uri.TryCreate(given, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
            throw new UsageException($"--gateway must be a URL such as http://127.0.0.1:5080, not '{given}'");
        if (!(gateway.IsLoopback || (IPAddress.TryParse(gateway.Host, out var ip) && IPAddress.IsLoopback(ip))))
            throw new UsageException($"--gateway must be on this machine (loopback): a load run does not drive {gateway.Host}");
        var dataDir = args.Text("data-dir");
        Database database = args.Text("postgres") is { } postgres ? new PostgresDatabase(postgres)
            : dataDir is not null ? new SqliteDatabase(Path.Combine(dataDir, "data.db"))
            : throw new UsageException("with --gateway, give the node's store for the checks: --data-dir DIR (SQLite) or --postgres CONN");
        return new LoadTarget(gateway, database, dataDir, null, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_started is not null)
            await _started.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_folder is not null)
            Directory.Delete(_folder, recursive: true);
    }
}

using System.Diagnostics;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// A CPU sampling trace of a node process (dotnet-trace, <c>dotnet tool install -g dotnet-trace</c>) while a benchmark
/// runs, and where its threads were busy.
/// </summary>
public sealed class NodeTrace : IAsyncDisposable
{
    private readonly Process _collector;
    private readonly string _path;

    private NodeTrace(Process collector, string path) => (_collector, _path) = (collector, path);

    public static async Task<NodeTrace> StartAsync(int processId, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var start = new ProcessStartInfo(Tool(), ["collect", "-p", processId.ToString(), "--profile", "dotnet-sampled-thread-time,gc-collect", "-o", path])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        var collector = Process.Start(start)!;
        try
        {
            // The session is open once the tool says where it writes.
            using var waiting = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                var line = await collector.StandardOutput.ReadLineAsync(waiting.Token)
                    ?? throw new InvalidOperationException($"dotnet-trace ended before tracing: {await collector.StandardError.ReadToEndAsync()}");
                if (line.Contains("Output File", StringComparison.OrdinalIgnoreCase))
                    break;
            }
        }
        catch
        {
            if (!collector.HasExited)
                collector.Kill();
            collector.Dispose();
            throw;
        }
        _ = collector.StandardOutput.ReadToEndAsync();
        _ = collector.StandardError.ReadToEndAsync();
        await Task.Delay(500);
        return new NodeTrace(collector, path);
    }

    /// <summary>Ends the trace and returns where the node's threads were busy (<see cref="TraceSummary"/>).</summary>
    public async Task<string> StopAsync()
    {
        // Ctrl+C, which the tool answers by closing the session and writing the file.
        using (var interrupt = Process.Start("kill", ["-INT", _collector.Id.ToString()]))
            await interrupt.WaitForExitAsync();
        await _collector.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return TraceSummary.Of(_path);
    }

    private static string Tool()
    {
        var installed = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-trace");
        return File.Exists(installed) ? installed
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet-trace")).FirstOrDefault(File.Exists)
              ?? throw new UsageException("--trace needs dotnet-trace: dotnet tool install -g dotnet-trace");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_collector.HasExited)
            _collector.Kill();
        await _collector.WaitForExitAsync();
        _collector.Dispose();
    }
}

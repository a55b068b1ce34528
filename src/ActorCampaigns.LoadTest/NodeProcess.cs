using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Node;

namespace ActorCampaigns.LoadTest;

/// <summary>A real Node process on a loopback port over a data dir, as a user runs it: for load runs, benchmarks and tests.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private NodeProcess(Process process, int port)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }

    /// <summary>The operating system's id of the process.</summary>
    public int Id => _process.Id;

    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    public static Task<NodeProcess> StartAsync(string dataDir, params (string Name, string Value)[] settings) => StartAsync(dataDir, [], settings);

    public static Task<NodeProcess> StartAsync(string dataDir, string[] flags, params (string Name, string Value)[] settings) =>
        StartAsync(dataDir, flags, "/health/ready", settings);

    /// <summary>Starts a node and returns once <paramref name="readyPath"/> answers (<c>/health/live</c>: before it has joined a cluster).</summary>
    public static async Task<NodeProcess> StartAsync(string dataDir, string[] flags, string readyPath, params (string Name, string Value)[] settings)
    {
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { typeof(NodeOptions).Assembly.Location, "--data-dir", dataDir, "--urls", $"http://127.0.0.1:{port}" }.Concat(flags))
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in settings)
            start.Environment[$"ActorCampaigns__{name}"] = value;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var node = new NodeProcess(Process.Start(start)!, port);
        node._process.OutputDataReceived += (_, e) => node.Append(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (node._process.HasExited)
            {
                // Without a timeout, WaitForExit also waits for the redirected output to be read to its end: what the node
                // said as it stopped (a setting it refused) is in the log, not still in the pipe.
                node._process.WaitForExit();
                throw new InvalidOperationException($"the node exited with {node._process.ExitCode}:\n{node.Log}");
            }
            try
            {
                if ((await node.Http.GetAsync(readyPath)).IsSuccessStatusCode)
                    return node;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        await node.DisposeAsync();
        throw new TimeoutException($"the node was not ready within 60 s:\n{node.Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.AppendLine(line);
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json") =>
        SendAsync(method, path, body is null ? null : new StringContent(body, Encoding.UTF8, contentType));

    /// <summary>Sends <paramref name="content"/> as it is, bytes that are not UTF-8 included.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>
    /// Publishes a campaign, confirming with the token a one-shot campaign's first publish answers with (409 and its
    /// estimate): what a client that has read the figures does.
    /// </summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PublishAsync(string campaign)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/publish");
        return status == HttpStatusCode.Conflict && body.TryGetProperty("confirmToken", out var token)
            ? await SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/publish?confirm={token.GetString()}")
            : (status, body);
    }

    public async Task<JsonElement> StatusAsync(string campaign) => (await Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/status"));

    /// <summary>Seconds of processor time the process has used so far, in its own code (user) and in the kernel's on its behalf (system), from <c>/proc</c>.</summary>
    public (double User, double System) CpuTimes()
    {
        // Fields after the command name (which may hold spaces, so read after its closing parenthesis): utime is 14th, stime 15th.
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) / 100.0, long.Parse(fields[12]) / 100.0);
    }

    /// <summary>Seconds of processor time the process has used so far, user and system together.</summary>
    public double CpuSeconds()
    {
        var (user, system) = CpuTimes();
        return user + system;
    }

    /// <summary>The process's resident memory now (VmRSS), in bytes.</summary>
    public long ResidentBytes() => StatusKilobytes("VmRSS") * 1024;

    /// <summary>The process's peak resident memory (VmHWM) since it started or since <see cref="ResetPeakResident"/>, in bytes.</summary>
    public long PeakResidentBytes() => StatusKilobytes("VmHWM") * 1024;

    /// <summary>Makes the peak resident memory start again from what the process holds now (Linux: 5 into clear_refs).</summary>
    public void ResetPeakResident() => File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");

    private long StatusKilobytes(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]);
    }

    /// <summary>Sends a signal to the process (<c>STOP</c>, <c>CONT</c>, <c>TERM</c>...), as an operator's <c>kill</c> would.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()]);
        await kill.WaitForExitAsync();
    }

    /// <summary>The process's exit code if it ends within <paramref name="timeout"/>, or null if it is still running.</summary>
    public async Task<int?> ExitCodeWithinAsync(TimeSpan timeout)
    {
        using var waiting = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(waiting.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: no shutdown hook runs, as when a machine dies.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
        Http.Dispose();
        await Task.CompletedTask;
    }
}

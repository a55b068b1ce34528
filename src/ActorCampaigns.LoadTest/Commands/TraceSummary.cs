using System.Globalization;
using System.Text;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Analysis;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// Where a node's threads were busy in a sampled trace (EventPipe thread samples, about 100 per second per thread):
/// samples whose innermost frame waits (a semaphore, a monitor, a sleep, an idle poll) are left out; the rest is CPU,
/// native calls included (SQLite's time counts at the managed method calling it); samples without a managed frame
/// are left out too. Threads that could run but waited for a core count as busy: shares are of the busy samples, a
/// picture of where the work is, not of CPU seconds.
/// </summary>
public static class TraceSummary
{
    private static readonly string[] Idle = ["Wait", "Sleep", "Semaphore", "PollGC", "EventLoop", "Interop+Sys.Poll", "WaitForSocketEvents", "WorkerThreadStart"];

    /// <summary>Idle as a whole name: a blocking read of the file watcher or the console.</summary>
    private static readonly string[] IdleExactly = ["Interop+Sys.Read", "!?"];

    public static string Of(string nettrace, int top = 20)
    {
        var etlx = Microsoft.Diagnostics.Tracing.Etlx.TraceLog.CreateFromEventPipeDataFile(nettrace);
        try
        {
            using var log = new Microsoft.Diagnostics.Tracing.Etlx.TraceLog(etlx);
            return Of(log, top);
        }
        finally
        {
            File.Delete(etlx);
        }
    }

    private static string Of(Microsoft.Diagnostics.Tracing.Etlx.TraceLog log, int top)
    {
        var exclusive = new Dictionary<string, int>();
        var inclusive = new Dictionary<string, int>();
        long busy = 0, all = 0;
        foreach (var sample in log.Events.Where(e => e.ProviderName == "Microsoft-DotNETCore-SampleProfiler" && e.EventName.StartsWith("Thread/Sample", StringComparison.Ordinal)))
        {
            all++;
            var stack = sample.CallStack();
            if (stack is null)
                continue;
            var leaf = Name(stack);
            if (Idle.Any(leaf.Contains) || IdleExactly.Contains(leaf))
                continue;
            busy++;
            exclusive[leaf] = exclusive.GetValueOrDefault(leaf) + 1;
            var seen = new HashSet<string>();
            for (var frame = stack; frame is not null; frame = frame.Caller)
            {
                var name = Name(frame);
                if (name.StartsWith("ActorCampaigns", StringComparison.Ordinal) && seen.Add(name))
                    inclusive[name] = inclusive.GetValueOrDefault(name) + 1;
            }
        }
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{busy:N0} busy samples of {all:N0}. {Collections(log)}\n\nBusy samples by the method they were in (exclusive):\n\n"));
        foreach (var (name, count) in exclusive.OrderByDescending(e => e.Value).Take(top))
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- {100.0 * count / busy:F1} % `{name}`"));
        text.AppendLine("\nBusy samples under each of the engine's methods (inclusive):\n");
        foreach (var (name, count) in inclusive.OrderByDescending(e => e.Value).Take(top))
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- {100.0 * count / busy:F1} % `{name}`"));
        return text.ToString();
    }

    /// <summary>The garbage collections of the node while traced: how many, their pauses, what was allocated between them.</summary>
    private static string Collections(Microsoft.Diagnostics.Tracing.Etlx.TraceLog log)
    {
        var source = log.Events.GetSource();
        source.NeedLoadedDotNetRuntimes();
        source.Process();
        var collections = source.Processes().Select(p => p.LoadedDotNetRuntime()).OfType<TraceLoadedDotNetRuntime>().SelectMany(r => r.GC.GCs).ToList();
        var kinds = string.Join(", ", collections.GroupBy(c => (c.Generation, c.Reason)).OrderBy(g => g.Key.Generation)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"gen {g.Key.Generation} {g.Key.Reason} {g.Count()}× {g.Sum(c => c.PauseDurationMSec) / 1000:F2} s")));
        return string.Create(CultureInfo.InvariantCulture,
            $"Garbage collections: {collections.Count:N0}, paused {collections.Sum(c => c.PauseDurationMSec) / 1000:F2} s, " +
            $"{collections.Sum(c => c.AllocedSinceLastGCMB) / 1024:F1} GiB allocated; by generation and reason: {kinds}.");
    }

    private static string Name(TraceCallStack frame)
    {
        var method = frame.CodeAddress.FullMethodName;
        if (string.IsNullOrEmpty(method))
            return frame.CodeAddress.ModuleName + "!?";
        var open = method.IndexOf('(');
        return open > 0 ? method[..open] : method;
    }
}

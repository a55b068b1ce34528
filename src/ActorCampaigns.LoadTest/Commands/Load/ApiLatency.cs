using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace ActorCampaigns.LoadTest.Commands.Load;

/// <summary>How long each kind of gateway call took, as HdrHistogram latency distributions (microseconds).</summary>
public sealed class ApiLatency
{
    private readonly ConcurrentDictionary<string, LongConcurrentHistogram> _calls = new();

    public async Task<T> TimeAsync<T>(string call, Func<Task<T>> send)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return await send();
        }
        finally
        {
            _calls.GetOrAdd(call, _ => new LongConcurrentHistogram(1, TimeSpan.FromMinutes(30).Ticks / 10, 3))
                .RecordValue(Math.Max(1, clock.Elapsed.Ticks / 10));
        }
    }

    /// <summary>Per call kind: count and p50, p90, p99 and max in milliseconds.</summary>
    public IReadOnlyList<(string Call, long Count, double P50, double P90, double P99, double Max)> Summary() =>
        _calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value.TotalCount,
            c.Value.GetValueAtPercentile(50) / 1000.0, c.Value.GetValueAtPercentile(90) / 1000.0,
            c.Value.GetValueAtPercentile(99) / 1000.0, c.Value.GetMaxValue() / 1000.0)).ToList();
}

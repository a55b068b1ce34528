using System.Diagnostics;

namespace ActorCampaigns.Node.Retention;

/// <summary>
/// Runs the <see cref="RetentionCleaner"/> every <see cref="RetentionOptions.Interval"/> and logs what each run removed;
/// a run that fails (the database away) is logged and the next one tries again.
/// </summary>
public sealed class RetentionService(RetentionCleaner cleaner, TimeSpan interval, TimeProvider clock, ILogger<RetentionService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, clock, stoppingToken);
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (await cleaner.RunAsync(stoppingToken) is { } counts)
                    log.LogInformation("retention removed: {Counts} ({Seconds:F1} s)", string.Join("; ", counts), Stopwatch.GetElapsedTime(started).TotalSeconds);
                else
                    log.LogDebug("retention: another node is cleaning");
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "retention failed; the next run tries again");
            }
        }
    }
}

namespace ActorCampaigns.Data;

/// <summary>
/// Progress reported on the reporting thread, in order, and never after the work has returned. System.Progress
/// posts each report to the thread pool, so its last reports could run after the work was done and what they read
/// (an open file's position) was gone; one crashed a benchmark that way.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

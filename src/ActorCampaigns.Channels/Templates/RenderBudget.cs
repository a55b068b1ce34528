using System.Diagnostics;

namespace ActorCampaigns.Channels.Templates;

/// <summary>A message that rendering gave up on: it passed one of its <see cref="RenderLimits"/>.</summary>
public sealed class RenderLimitExceeded(string message) : Exception(message);

/// <summary>
/// What rendering one message has left to spend: characters and time, and whether its activity still runs. Every
/// place where rendering can grow without a Liquid step (writing, capturing, filters, ranges) spends from it, so a
/// hostile template ends within its limits and a stopped activity stops rendering at once.
/// </summary>
internal sealed class RenderBudget(RenderLimits limits)
{
    private long _characters;
    private long _started;
    private int _checks;
    private CancellationToken _cancellation;

    public RenderLimits Limits => limits;

    /// <summary>Starts spending for one message.</summary>
    public void Start(CancellationToken cancellation)
    {
        (_characters, _started, _checks, _cancellation) = (0, Stopwatch.GetTimestamp(), 0, cancellation);
    }

    /// <summary>Spends <paramref name="characters"/> more and checks time and cancellation.</summary>
    public void Spend(long characters)
    {
        _characters += characters;
        if (_characters > limits.MaxCharacters)
            throw new RenderLimitExceeded($"the message would be longer than {limits.MaxCharacters:N0} characters");
        Check();
    }

    public void Check()
    {
        _cancellation.ThrowIfCancellationRequested();
        // The clock is read every few checks: a message makes a handful, and reading it each time cost a tenth of a render.
        if ((++_checks & 15) == 0 && Stopwatch.GetElapsedTime(_started) > limits.MaxTime)
            throw new RenderLimitExceeded($"rendering took longer than {limits.MaxTime.TotalMilliseconds:N0} ms");
    }
}

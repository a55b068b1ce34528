namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// What a run left for later: a channel whose messages wait for their recipients' local time, or for quiet hours to
/// end. Its stage says so while it streams; once the stream ends, the run reports waiting until the earliest moment
/// named, and the campaign runs it again then (that run sends what is due, the batches sent before kept once).
/// </summary>
public sealed class Postponement
{
    private readonly Lock _lock = new();
    private DateTime? _until;
    private long? _messages;

    /// <summary>The earliest moment something is left for, if anything is.</summary>
    public DateTime? Until
    {
        get { lock (_lock) return _until; }
    }

    /// <summary>How many messages wait, when known.</summary>
    public long? Messages
    {
        get { lock (_lock) return _messages; }
    }

    /// <summary><paramref name="messages"/> (null: not known) wait until <paramref name="until"/>.</summary>
    public void Leave(DateTimeOffset until, long? messages)
    {
        lock (_lock)
        {
            _until = _until is { } earlier && earlier <= until.UtcDateTime ? earlier : until.UtcDateTime;
            _messages = messages is { } count ? (_messages ?? 0) + count : _messages;
        }
    }
}

namespace ActorCampaigns.Node.Retention;

/// <summary>
/// How long a node keeps what only matters for a while (section <c>ActorCampaigns:Retention</c>), so a cluster can run
/// for months on the same database. Each duration counts from when an execution ended (completed or stopped): a
/// running, waiting, paused or failed one (which resume runs again) keeps everything. Zero or empty keeps that part.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>The populations an execution wrote between its activities; nothing reads them once it has ended but a transition's preview.</summary>
    public TimeSpan? Worktables { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The rows of the cluster's outbox table (<c>outbox_messages</c>): the messages handed over to whatever reads them.</summary>
    public TimeSpan? Outbox { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Feedback events (but unsubscribes): folded into the report's totals, then deleted; feedback predicates no longer see them.</summary>
    public TimeSpan? Feedback { get; set; } = TimeSpan.FromDays(90);

    /// <summary>A campaign's snapshots older than its latest, deleted as it saves the next (events are deleted at each snapshot already).</summary>
    public TimeSpan? Journal { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the cleaner runs; zero or empty: never.</summary>
    public TimeSpan? Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows per delete statement: small, so a delete holds the database's locks for milliseconds and campaigns writing meanwhile barely wait.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>A duration as a part's setting: null when the part is kept for good.</summary>
    public static TimeSpan? Enabled(TimeSpan? setting) => setting > TimeSpan.Zero ? setting : null;
}

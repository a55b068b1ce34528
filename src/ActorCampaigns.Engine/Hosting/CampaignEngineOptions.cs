namespace ActorCampaigns.Engine.Hosting;

/// <summary>Settings of the campaign engine, bound from configuration.</summary>
public sealed class CampaignEngineOptions
{
    /// <summary>Shards of the campaign region; about ten per node of the largest cluster expected.</summary>
    public int Shards { get; set; } = 50;

    /// <summary>A campaign snapshots its state every this many events and deletes the events it covers.</summary>
    public int SnapshotEvery { get; set; } = 100;

    /// <summary>
    /// As a campaign saves a snapshot, it deletes its earlier snapshots older than this (the node's
    /// <c>ActorCampaigns:Retention:Journal</c>): the events they were taken after are deleted already, so no recovery
    /// can start from them. Zero keeps them.
    /// </summary>
    public TimeSpan KeepSnapshotsFor { get; set; }

    /// <summary>How often a campaign looks at the clock for due occurrences and waits that are over.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A campaign with nothing running, nothing waiting, no watcher and no occurrence within <see cref="WakeAhead"/>
    /// passivates after this long without a command: it stops and is no longer remembered, so a restart does not bring
    /// it back. Its next command or query wakes it, and so does <see cref="CampaignWaker"/> before its next occurrence.
    /// Zero keeps every campaign running.
    /// </summary>
    public TimeSpan PassivateIdleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A campaign passivates only when its next occurrence is further away than this; it is woken this long before it.</summary>
    public TimeSpan WakeAhead { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a node looks for passivated campaigns coming due; well under <see cref="WakeAhead"/>.</summary>
    public TimeSpan WakeupPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many partitions a live or test execution is split into, by profile id, so that its activities that look at
    /// each profile alone run on every member hosting campaigns. Zero (the default): two per such member when the
    /// cluster has more than one, else none (one member runs the execution whole, as it always did). One: never split.
    /// </summary>
    public int Partitions { get; set; }

    /// <summary>The cluster role that hosts campaigns; null lets every node host them.</summary>
    public string? Role { get; set; }
}

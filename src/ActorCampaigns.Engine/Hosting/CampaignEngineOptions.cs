namespace ActorCampaigns.Engine.Hosting;

/// <summary>Settings of the campaign engine, bound from configuration.</summary>
public sealed class CampaignEngineOptions
{
    /// <summary>Shards of the campaign region; about ten per node of the largest cluster expected.</summary>
    public int Shards { get; set; } = 50;

    /// <summary>A campaign snapshots its state every this many events and deletes the events it covers.</summary>
    public int SnapshotEvery { get; set; } = 100;

    /// <summary>How often a campaign looks at the clock for due occurrences and waits that are over.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The cluster role that hosts campaigns; null lets every node host them.</summary>
    public string? Role { get; set; }
}

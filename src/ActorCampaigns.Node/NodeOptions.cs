namespace ActorCampaigns.Node;

/// <summary>Settings of a node (section <c>ActorCampaigns</c>; <c>--data-dir</c>, <c>ActorCampaigns__DataDir</c>...).</summary>
public sealed class NodeOptions
{
    public const string Section = "ActorCampaigns";

    /// <summary>SQLite files, outbox and logs of a one-node cluster.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>Profiles per batch as populations flow between activities.</summary>
    public int BatchSize { get; set; } = 10_000;

    /// <summary>Largest request body accepted, in bytes (CSV imports included).</summary>
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Bearer keys accepted on /api/*; none configured means the API is open (one machine, loopback).</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>With <c>--demo</c> on an empty data dir, how many sample profiles are generated.</summary>
    public long DemoProfiles { get; set; } = 200_000;

    /// <summary>Akka.Remote port of this node; 0 takes a free one.</summary>
    public int RemotingPort { get; set; }
}

using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.Data.Audiences;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.Data.Profiles;

namespace ActorCampaigns.Engine.Executions;

/// <summary>What activities run against on this node: the stores, the outbox, the clock and the batch size.</summary>
public sealed record EngineServices(
    ProfileStore Profiles,
    Worktables Worktables,
    Ledger Ledger,
    AudienceStore Audiences,
    OutboxProvider Outbox,
    TimeProvider Clock,
    int BatchSize = 10_000);

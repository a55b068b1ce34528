using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.Data;
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
    int BatchSize = 10_000)
{
    /// <summary>Opens every store on <paramref name="database"/>, creating the tables that are missing.</summary>
    public static async Task<EngineServices> OpenAsync(Database database, string outboxFolder, TimeProvider clock, int batchSize = 10_000,
        CancellationToken cancellationToken = default)
    {
        ProfileStore profiles = database switch
        {
            SqliteDatabase sqlite => new SqliteProfileStore(sqlite),
            PostgresDatabase postgres => new PostgresProfileStore(postgres),
            _ => throw new ArgumentException($"no profile store for {database.GetType().Name}", nameof(database)),
        };
        var services = new EngineServices(profiles, new Worktables(database), new Ledger(database), new AudienceStore(database),
            new OutboxProvider(outboxFolder), clock, batchSize);
        await services.Profiles.InitializeAsync(cancellationToken);
        await services.Worktables.InitializeAsync(cancellationToken);
        await services.Ledger.InitializeAsync(cancellationToken);
        await services.Audiences.InitializeAsync(cancellationToken);
        return services;
    }
}

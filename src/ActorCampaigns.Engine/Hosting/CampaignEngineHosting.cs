using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Serialization;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;

namespace ActorCampaigns.Engine.Hosting;

/// <summary>Marker for the campaign shard region in the actor registry.</summary>
public sealed class CampaignRegion;

/// <summary>The Akka.Hosting extensions of the engine, composed by the Node's Program.cs.</summary>
public static class CampaignEngineHosting
{
    /// <summary>The campaign shard region (DData state store, remembered entities) and the engine's serializers.</summary>
    public static AkkaConfigurationBuilder AddCampaignEngine(this AkkaConfigurationBuilder builder, CampaignEngineOptions options, EngineServices services)
    {
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend);
        builder.AddHocon(ActivityDispatcher.Hocon, HoconAddMode.Append);
        return builder.WithShardRegion<CampaignRegion>(
            "campaign",
            id => CampaignActor.Props(id, options, services),
            new CampaignMessageExtractor(options.Shards),
            new ShardOptions
            {
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = true,
                RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                Role = options.Role,
            });
    }

    /// <summary>
    /// One process as a one-member cluster on loopback, joining itself: the same code path as a cluster, with no seeds to
    /// configure. <paramref name="port"/> 0 takes a free port.
    /// </summary>
    public static AkkaConfigurationBuilder AddOneNodeCluster(this AkkaConfigurationBuilder builder, int port = 0) => builder
        .WithRemoting("127.0.0.1", port)
        .WithClustering(new ClusterOptions())
        .AddStartup((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));

    /// <summary>Journal and snapshots in a SQLite file of their own, apart from the data.</summary>
    public static AkkaConfigurationBuilder AddCampaignJournalOnSqlite(this AkkaConfigurationBuilder builder, string journalPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(journalPath))!);
        return builder.WithSqlPersistence($"Data Source={Path.GetFullPath(journalPath)}", ProviderName.SQLiteMS, autoInitialize: true);
    }
}

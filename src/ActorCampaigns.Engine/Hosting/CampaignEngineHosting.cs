using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Serialization;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;

namespace ActorCampaigns.Engine.Hosting;

/// <summary>Marker for the campaign shard region in the actor registry.</summary>
public sealed class CampaignRegion;

/// <summary>Marker for the region of partition entities (<see cref="Partitions.PartitionActor"/>) in the actor registry.</summary>
public sealed class PartitionRegion;

/// <summary>The Akka.Hosting extensions of the engine, composed by the Node's Program.cs.</summary>
public static class CampaignEngineHosting
{
    /// <summary>
    /// The campaign shard region (DData state store, remembered entities; an idle campaign passivates and is forgotten
    /// until woken, see <see cref="CampaignEngineOptions.PassivateIdleAfter"/>), the node's <see cref="CampaignWaker"/>
    /// and the engine's serializers. A node that
    /// does not host campaigns (<paramref name="hostsCampaigns"/> false: a gateway) gets a proxy to the region instead.
    /// </summary>
    /// <param name="splitsExecutions">
    /// Whether executions may be split into partitions here (a member of a cluster, or <see cref="CampaignEngineOptions.Partitions"/>
    /// above 1): only then does the node run the partition region, whose coordinator would otherwise cost an idle
    /// one-node cluster a third of its idle CPU.
    /// </param>
    public static AkkaConfigurationBuilder AddCampaignEngine(this AkkaConfigurationBuilder builder, CampaignEngineOptions options, EngineServices services,
        bool hostsCampaigns = true, bool splitsExecutions = true)
    {
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend);
        builder.AddHocon(IdleScheduler, HoconAddMode.Prepend);
        builder.AddHocon(ActivityDispatcher.Hocon, HoconAddMode.Append);
        if (!hostsCampaigns)
            return builder.WithShardRegionProxy<CampaignRegion>("campaign", options.Role ?? "", new CampaignMessageExtractor(options.Shards));
        builder.WithShardRegion<CampaignRegion>(
            "campaign",
            (system, registry) =>
            {
                // The node's execution slots, an actor its campaigns ask for a turn (registered for the operator and tests).
                var slots = services.Slots is { } settings ? system.ActorOf(ExecutionSlots.Props(settings), "execution-slots") : null;
                if (slots is not null)
                    registry.Register<ExecutionSlots>(slots);
                return id => CampaignActor.Props(id, options, services, slots);
            },
            new CampaignMessageExtractor(options.Shards),
            new ShardOptions
            {
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = true,
                RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                Role = options.Role,
            });
        // A partitioned execution's per-partition runs, on the members that host campaigns; not remembered: a partition
        // lost with its member is assigned again by its coordinator, which watches it.
        if (splitsExecutions || options.Partitions > 1)
            builder.WithShardRegion<PartitionRegion>(
                "campaign-partition",
                (_, _) => _ => Partitions.PartitionActor.Props(services),
                new Partitions.PartitionMessageExtractor(),
                new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false, Role = options.Role });
        builder.WithActors((system, _) => system.ActorOf(DownedMembers.Props(services.Profiles.Database), "downed-members"));
        // Passivated campaigns are not remembered: the node wakes those with an occurrence coming.
        if (services.Wakeups is { } wakeups)
            builder.WithActors((system, registry) => system.ActorOf(
                CampaignWaker.Props(registry.Get<CampaignRegion>(), wakeups, services.Clock, options), "campaign-waker"));
        return builder;
    }

    /// <summary>
    /// Akka's scheduler runs on the thread pool (a .NET PeriodicTimer) and wakes it every tick whether or not a timer is
    /// due: at the default 10 ms an idle node spent 3.5-4 % of a core on it (the pool's workers spinning up and down a
    /// hundred times a second), at 100 ms 0.9 %. Nothing here needs a timer finer than a tenth of a second: campaigns
    /// tick each second, watchers hear every 250 ms, the cluster's heartbeats and gossip are a second apart.
    /// </summary>
    private const string IdleScheduler = "akka.scheduler.tick-duration = 100ms";

    /// <summary>
    /// One process as a one-member cluster on loopback, joining itself: the same code path as a cluster, with no seeds to
    /// configure. <paramref name="port"/> 0 takes a free port.
    /// </summary>
    public static AkkaConfigurationBuilder AddOneNodeCluster(this AkkaConfigurationBuilder builder, int port = 0) => builder
        .WithRemoting("127.0.0.1", port)
        .WithClustering(new ClusterOptions())
        .AddStartup((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));

    /// <summary>
    /// A member of a cluster: reachable at <paramref name="hostname"/>:<paramref name="port"/>, joining through
    /// <paramref name="seeds"/>, with <paramref name="roles"/>; the split-brain resolver keeps the majority side of a
    /// partition and downs the rest once the view has been stable for <paramref name="downUnreachableAfter"/> (a node
    /// cut off alone stops rather than running as a second cluster).
    /// </summary>
    public static AkkaConfigurationBuilder AddClusterMember(this AkkaConfigurationBuilder builder, string hostname, int port,
        IReadOnlyList<string> seeds, IReadOnlyList<string> roles, TimeSpan downUnreachableAfter) => builder
        .AddHocon($"akka.cluster.split-brain-resolver.stable-after = {(int)downUnreachableAfter.TotalMilliseconds}ms", HoconAddMode.Prepend)
        .WithRemoting(hostname, port)
        .WithClustering(new ClusterOptions
        {
            SeedNodes = seeds.ToArray(),
            Roles = roles.ToArray(),
            SplitBrainResolver = new KeepMajorityOption(),
        });

    /// <summary>Journal and snapshots in the cluster's PostgreSQL, beside the data.</summary>
    public static AkkaConfigurationBuilder AddCampaignJournalOnPostgres(this AkkaConfigurationBuilder builder, string connectionString) =>
        builder.WithSqlPersistence(connectionString, ProviderName.PostgreSQL15, autoInitialize: true);

    /// <summary>
    /// Once the actor system has started, asks the journal and the snapshot store for nothing in particular, which they
    /// answer only once their tables exist, then runs <paramref name="ready"/> (a node releases the schema lock there).
    /// </summary>
    public static AkkaConfigurationBuilder WhenJournalReady(this AkkaConfigurationBuilder builder, Func<Task> ready) =>
        builder.AddStartup(new StartupTask(async (system, _) =>
        {
            var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
            var timeout = TimeSpan.FromSeconds(60);
            Func<IActorRef, object> replay = replyTo => new Akka.Persistence.ReplayMessages(0, 0, 0, "schema-probe", replyTo);
            await persistence.JournalFor(null).Ask<object>(replay, timeout, CancellationToken.None);
            await persistence.SnapshotStoreFor(null).Ask<object>(
                new Akka.Persistence.LoadSnapshot("schema-probe", Akka.Persistence.SnapshotSelectionCriteria.None, long.MaxValue), timeout);
            await ready();
        }));

    /// <summary>
    /// Journal and snapshots in a SQLite file of their own, apart from the data. Unpooled: Microsoft.Data.Sqlite's pool
    /// can lend one native connection to two owners when opens race (dotnet/efcore#39008), and the journal's opens are
    /// not ours to serialise as <see cref="ActorCampaigns.Data.SqliteDatabase"/> does; a journal write opens a file.
    /// </summary>
    public static AkkaConfigurationBuilder AddCampaignJournalOnSqlite(this AkkaConfigurationBuilder builder, string journalPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(journalPath))!);
        return builder.WithSqlPersistence($"Data Source={Path.GetFullPath(journalPath)};Pooling=False", ProviderName.SQLiteMS, autoInitialize: true);
    }
}

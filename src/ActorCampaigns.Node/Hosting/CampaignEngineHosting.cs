using ActorCampaigns.Data;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;

namespace ActorCampaigns.Node.Hosting;

public static class CampaignEngineHosting
{
    /// <summary>
    /// The actor system: a one-node cluster, or a member of the cluster its seeds name; the journal on SQLite under the
    /// data dir or on the cluster's PostgreSQL; the campaign engine with its settings from <c>ActorCampaigns:Engine</c>.
    /// </summary>
    public static async Task AddCampaignEngineAsync(this WebApplicationBuilder builder, NodeOptions node, EngineServices services, Database database)
    {
        // Nodes starting at once against an empty PostgreSQL take turns to let their journal create its tables.
        var journalSchemaLock = database is PostgresDatabase postgres ? await postgres.LockJournalSchemaAsync() : null;
        var inCluster = node.Cluster.Seeds.Count > 0;
        var engine = builder.Configuration.GetSection($"{NodeOptions.Section}:Engine").Get<CampaignEngineOptions>() ?? new CampaignEngineOptions();
        // ActorCampaigns:Engine:PassivateIdleAfter and the engine's other settings; the role follows the node's part.
        engine.Role = inCluster ? "campaign" : null;
        engine.KeepSnapshotsFor = Retention.RetentionOptions.Enabled(node.Retention.Journal) ?? TimeSpan.Zero;
        // One materializer for the node's live feeds (a materializer per request, disposed after it, broke the next feed).
        builder.Services.AddSingleton<IMaterializer>(provider => provider.GetRequiredService<ActorSystem>().Materializer(namePrefix: "feeds"));
        builder.Services.AddAkka("actorcampaigns", (akka, _) =>
        {
            // Akka's log lines go through .NET logging: on the console as before, and kept for the operator's log peek.
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            if (inCluster)
                akka.AddClusterMember(node.Cluster.Hostname, node.RemotingPort, node.Cluster.Seeds,
                    [.. node.Cluster.RolesTaken, .. node.SessionName is { } sessions ? [DownedMembers.RolePrefix + sessions] : Array.Empty<string>()],
                    TimeSpan.FromSeconds(node.Cluster.DownUnreachableAfterSeconds));
            else
                akka.AddOneNodeCluster(node.RemotingPort);
            if (node.Postgres is { } connectionString)
                akka.AddCampaignJournalOnPostgres(connectionString).WhenJournalReady(async () => await journalSchemaLock!.DisposeAsync());
            else
                akka.AddCampaignJournalOnSqlite(Path.Combine(node.DataDir, "journal.db"));
            akka.AddCampaignEngine(engine, services, hostsCampaigns: !inCluster || node.Cluster.RolesTaken.Contains("campaign"), splitsExecutions: inCluster);
        });
    }
}

using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Hosting;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;

namespace ActorCampaigns.Engine.Tests.Campaigns;

/// <summary>The campaign entity in a one-node cluster with its journal on SQLite, through the production hosting extensions.</summary>
public sealed class CampaignActorSpecs(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(nameof(CampaignActorSpecs), output), IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-journal-").FullName;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .AddOneNodeCluster()
        .AddCampaignJournalOnSqlite(Path.Combine(_folder, "journal.db"))
        .AddCampaignEngine(new CampaignEngineOptions { SnapshotEvery = 3 }, TimeProvider.System);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static CampaignDocument Document => CampaignValidator.Validate("""
        {
          "name": "Entity", "schedule": { "type": "signal" },
          "activities": [ { "id": "all", "type": "buildAudience" }, { "id": "done", "type": "end" } ],
          "transitions": [ { "from": "all", "to": "done" } ]
        }
        """, ProfileSchema.Core).Document!;

    [Fact]
    public async Task Commands_are_decided_persisted_and_recovered_after_the_entity_stops()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var id = new CampaignId("c-42");
        var timeout = TimeSpan.FromSeconds(20);

        var created = await region.Ask<CampaignReplies.Accepted>(new Create(id, Document), timeout, Cancel);
        Assert.Equal(CampaignStatus.Draft, created.Status);
        var conflict = await region.Ask<CampaignReplies.Rejected>(new Pause(id), timeout, Cancel);
        Assert.Equal((RejectionKind.Conflict, "campaign 'c-42' is draft: only a live campaign can be paused"), (conflict.Kind, conflict.Reason));
        Assert.Equal(CampaignStatus.Scheduled, (await region.Ask<CampaignReplies.Accepted>(new Publish(id), timeout, Cancel)).Status);
        var triggered = await region.Ask<CampaignReplies.Accepted>(new Trigger(id, new Dictionary<string, VariableValue>()), timeout, Cancel);
        Assert.Equal((CampaignStatus.Live, new ExecutionId("e-1")), (triggered.Status, triggered.Execution));
        await region.Ask<CampaignReplies.Accepted>(new CompleteActivity(id, new ExecutionId("e-1"), "all", ActivityCounts.None), timeout, Cancel);

        var probe = CreateTestProbe();
        region.Tell(new CampaignQueries.GetState(id), probe.Ref);
        var before = await probe.ExpectMsgAsync<CampaignState>(timeout, cancellationToken: Cancel);
        var entity = probe.LastSender;
        await WatchAsync(entity);
        entity.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(entity, timeout, cancellationToken: Cancel);

        var after = await region.Ask<CampaignState>(new CampaignQueries.GetState(id), timeout, Cancel);
        Assert.Equal((CampaignStatus.Live, 1), (after.Status, after.Executions.Count));
        Assert.Equal(ActivityState.Completed, after.Executions[0].Activities["all"].State);
        Assert.Equal(ActivityState.Pending, after.Executions[0].Activities["done"].State);
        Assert.Equal(before.Document!.Name, after.Document!.Name);
    }

    [Fact]
    public async Task An_unknown_campaign_is_not_found()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var rejected = await region.Ask<CampaignReplies.Rejected>(new Publish(new CampaignId("nobody")), TimeSpan.FromSeconds(20), Cancel);
        Assert.Equal(RejectionKind.NotFound, rejected.Kind);
    }

    void IDisposable.Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // the journal may still be held by the actor system shutting down; the folder is in the temp directory
        }
    }
}

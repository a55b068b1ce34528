using ActorCampaigns.Data;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Engine.Tests.Serialization;

/// <summary>
/// A fixture journal put in the rows of a node's SQLite journal and snapshot store, as Akka.Persistence.Sql wrote them,
/// and its campaigns recovered by their entities: the path a node takes after an upgrade.
/// </summary>
public sealed class JournalReplaySpecs(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(nameof(JournalReplaySpecs), output), IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-replay-").FullName;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        var services = EngineServices.OpenAsync(new SqliteDatabase(Path.Combine(_folder, "data.db")), Path.Combine(_folder, "outbox"), TimeProvider.System)
            .GetAwaiter().GetResult();
        builder.AddOneNodeCluster()
            .AddCampaignJournalOnSqlite(Path.Combine(_folder, "journal.db"))
            .AddCampaignEngine(new CampaignEngineOptions(), services with { Slots = new ExecutionSlots.Settings(1) });
    }

    /// <summary>Writes the rows; the tables are the journal's own, created when it first answers.</summary>
    private async Task StoreAsync(IEnumerable<JournalFixture.Line> lines)
    {
        var persistence = Akka.Persistence.Persistence.Instance.Apply(Sys);
        await persistence.JournalFor(null).Ask<object>(replyTo => new Akka.Persistence.ReplayMessages(0, 0, 0, "schema-probe", replyTo), Timeout, Cancel);
        await persistence.SnapshotStoreFor(null).Ask<object>(
            new Akka.Persistence.LoadSnapshot("schema-probe", Akka.Persistence.SnapshotSelectionCriteria.None, long.MaxValue), Timeout, Cancel);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "journal.db")};Pooling=False");
        await connection.OpenAsync(Cancel);
        foreach (var line in lines)
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = line.Snapshot
                ? "INSERT INTO snapshot (persistence_id, sequence_number, created, snapshot, manifest, serializer_id) VALUES ($id, $nr, $created, $payload, $manifest, $serializer)"
                : "INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) VALUES ($created, 0, $id, $nr, $payload, $manifest, $serializer, 'fixture')";
            insert.Parameters.AddWithValue("$id", line.PersistenceId);
            insert.Parameters.AddWithValue("$nr", line.SequenceNr);
            insert.Parameters.AddWithValue("$created", DateTime.UtcNow.Ticks);
            insert.Parameters.AddWithValue("$payload", Convert.FromBase64String(line.Payload));
            insert.Parameters.AddWithValue("$manifest", line.Manifest);
            insert.Parameters.AddWithValue("$serializer", line.SerializerId);
            await insert.ExecuteNonQueryAsync(Cancel);
        }
    }

    private object Deserialize(JournalFixture.Line line) =>
        Sys.Serialization.Deserialize(Convert.FromBase64String(line.Payload), line.SerializerId, line.Manifest);

    [Theory]
    [MemberData(nameof(CampaignJournalFormatTests.Fixtures), MemberType = typeof(CampaignJournalFormatTests))]
    public async Task The_campaigns_of_a_fixture_journal_recover_in_their_entities(string file)
    {
        var lines = JournalFixture.Read(file);
        // c-7 from its events alone, c-8 from its snapshot and the event after it, as after a snapshot deleted the events it covers.
        var a = lines.Where(l => l.PersistenceId == $"campaign-{JournalFixture.CampaignA}" && !l.Snapshot).ToList();
        var bSnapshot = lines.Single(l => l.PersistenceId == $"campaign-{JournalFixture.CampaignB}" && l.Snapshot);
        var bAfter = lines.Where(l => l.PersistenceId == bSnapshot.PersistenceId && !l.Snapshot && l.SequenceNr > bSnapshot.SequenceNr).ToList();
        await StoreAsync([.. a, bSnapshot, .. bAfter]);

        var expectedA = a.Select(Deserialize).Cast<ICampaignEvent>()
            .Aggregate(CampaignState.Empty(new CampaignId(JournalFixture.CampaignA)), (state, e) => state.Apply(e));
        var expectedB = bAfter.Select(Deserialize).Cast<ICampaignEvent>().Aggregate((CampaignState)Deserialize(bSnapshot), (state, e) => state.Apply(e));
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        foreach (var expected in new[] { expectedA, expectedB })
        {
            var recovered = await region.Ask<CampaignState>(new CampaignQueries.GetState(expected.Id), Timeout, Cancel);
            Structural.AssertSame(expected, recovered with { Node = null }, expected.Id.Value);
        }
        Assert.Equal((CampaignStatus.Completed, CampaignStatus.Stopped), (expectedA.Status, expectedB.Status));
    }

    /// <summary>Once the actor system is down (nothing writes to the folder any more, nor makes it again), the folder goes.</summary>
    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

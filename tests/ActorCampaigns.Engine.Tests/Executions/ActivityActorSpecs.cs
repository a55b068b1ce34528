using ActorCampaigns.Data;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka.Hosting;

namespace ActorCampaigns.Engine.Tests.Executions;

/// <summary>An activity actor streaming 30,000 profiles in batches of 10 as the child of the test actor, which stands for its campaign.</summary>
public sealed class ActivityActorSpecs(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(nameof(ActivityActorSpecs), output), IAsyncDisposable
{
    private const int Profiles = 30_000;
    private const int BatchSize = 10;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-activity-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(ActivityDispatcher.Hocon, HoconAddMode.Append);

    private async Task<(EngineServices, ActivityRun)> RunOfAllProfilesAsync()
    {
        var services = await EngineServices.OpenAsync(new SqliteDatabase(Path.Combine(_folder, "data.db")), Path.Combine(_folder, "outbox"),
            TimeProvider.System, BatchSize, Cancel);
        await services.Profiles.ImportCsvAsync(new StringReader("id,country\n" + string.Join("\n", Enumerable.Range(1, Profiles).Select(i => $"{i},FR"))),
            cancellationToken: Cancel);
        var document = CampaignValidator.Validate("""
            { "name": "Held", "activities": [ { "id": "all", "type": "buildAudience" } ], "transitions": [] }
            """, ProfileSchema.Core).Document!;
        var run = new ActivityRun(new CampaignId("c-1"), document.Name, new ExecutionId("e-1"), ExecutionMode.Live, document.Activities[0],
            new ExecutionPlan(document), EvaluationContext.At(DateTime.UtcNow), new Dictionary<string, ExprType>(), DateTime.UtcNow, new InboundProgress([]));
        return (services, run);
    }

    [Fact]
    public async Task Progress_is_told_after_every_batch_hold_stops_at_a_batch_boundary_and_a_rerun_completes_without_repeating_a_batch()
    {
        var (services, run) = await RunOfAllProfilesAsync();
        var population = new PortPopulation("c-1", "e-1", "all", "out");

        var first = await ChildActorOfAsync(ActivityActor.Props(run, services), cancellationToken: Cancel);
        var seen = new List<long>();
        while (seen.Count < 5)
            seen.Add((await ExpectMsgAsync<ActivityActor.Progress>(Timeout, cancellationToken: Cancel)).Counts.Out.GetValueOrDefault("out"));
        Assert.Equal([0L, 10, 20, 30], seen.Take(4));
        first.Tell(ActivityActor.Hold.Instance, TestActor);
        // 3,000 batches take far longer than telling it to hold; a run that finished first fails here, not by a timeout.
        var ended = await FishForMessageAsync(m => m is ActivityActor.Held or ActivityActor.Finished, Timeout, cancellationToken: Cancel);
        var held = Assert.IsType<ActivityActor.Held>(ended);
        var written = held.Counts.Out["out"];
        Assert.InRange(written, 40, Profiles - 1);
        Assert.Equal(0, written % BatchSize);
        Assert.Equal(written, await services.Worktables.CountAsync(population, Cancel));

        await ChildActorOfAsync(ActivityActor.Props(run, services), cancellationToken: Cancel);
        var finished = await FishForMessageAsync<ActivityActor.Finished>(m => m is ActivityActor.Finished, Timeout, cancellationToken: Cancel);
        Assert.Equal(Profiles, finished.Counts.Out["out"]);
        Assert.Equal(Profiles, await services.Worktables.CountAsync(population, Cancel));
        var ids = new List<long>();
        await foreach (var batch in services.Worktables.ReadAsync(population, cancellationToken: Cancel))
            ids.AddRange(batch);
        Assert.Equal(Enumerable.Range(1, Profiles).Select(i => (long)i), ids);
    }

    [Fact]
    public async Task An_activity_streaming_its_inbound_population_reads_batches_as_they_are_written_until_their_writer_completes()
    {
        var services = await EngineServices.OpenAsync(new SqliteDatabase(Path.Combine(_folder, "data.db")), Path.Combine(_folder, "outbox"),
            TimeProvider.System, BatchSize, Cancel);
        var document = CampaignValidator.Validate("""
            { "name": "Streamed", "activities": [ { "id": "all", "type": "buildAudience" }, { "id": "both", "type": "fork" } ],
              "transitions": [ { "from": "all", "to": "both" } ] }
            """, ProfileSchema.Core).Document!;
        var completion = new InboundProgress([]);
        var run = new ActivityRun(new CampaignId("c-1"), document.Name, new ExecutionId("e-1"), ExecutionMode.Live, document.Activities[1],
            new ExecutionPlan(document), EvaluationContext.At(DateTime.UtcNow), new Dictionary<string, ExprType>(), DateTime.UtcNow, completion);
        Assert.True(ExecutionPlan.StreamsInbound(run.Activity, ExecutionMode.Live));
        var upstream = new PortPopulation("c-1", "e-1", "all", "out");

        var fork = await ChildActorOfAsync(ActivityActor.Props(run, services), cancellationToken: Cancel);
        // The writer has written nothing yet: the fork runs and waits for it.
        Assert.Equal(0L, (await ExpectMsgAsync<ActivityActor.Progress>(Timeout, cancellationToken: Cancel)).Counts.In);
        for (var batch = 0; batch < 3; batch++)
        {
            await services.Worktables.AppendAsync(upstream, batch, Enumerable.Range(batch * 10 + 1, 10).Select(i => (long)i).ToArray(), Cancel);
            var progress = await ExpectMsgAsync<ActivityActor.Progress>(Timeout, cancellationToken: Cancel);
            Assert.Equal(((batch + 1) * 10L, (batch + 1) * 10L), (progress.Counts.In, progress.Counts.Out["out"]));
        }
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300), Cancel);

        await services.Worktables.AppendAsync(upstream, 3, [31, 32], Cancel);
        fork.Tell(new ActivityActor.InboundCompleted("all"), TestActor);
        var finished = await FishForMessageAsync(m => m is ActivityActor.Finished, Timeout, cancellationToken: Cancel);
        Assert.Equal((32L, 32L), (((ActivityActor.Finished)finished).Counts.In, ((ActivityActor.Finished)finished).Counts.Out["out"]));
        Assert.Equal(32L, await services.Worktables.CountAsync(new PortPopulation("c-1", "e-1", "both", "out"), Cancel));
    }

    /// <summary>Once the actor system is down (nothing writes to the folder any more, nor makes it again), the folder goes.</summary>
    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

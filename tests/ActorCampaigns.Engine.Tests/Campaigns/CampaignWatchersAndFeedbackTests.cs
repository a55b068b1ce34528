using ActorCampaigns.Data;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Domain.Expressions;
using Akka.Actor;
using Akka.Hosting;

namespace ActorCampaigns.Engine.Tests.Campaigns;

/// <summary>The two small actors a campaign keeps beside its activities: its watchers and the reader of its feedback counts.</summary>
public sealed class CampaignWatchersAndFeedbackTests(ITestOutputHelper output)
    : Akka.Hosting.TestKit.TestKit(nameof(CampaignWatchersAndFeedbackTests), output), IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-feedback-").FullName;
    private static readonly CampaignId Id = new("c-1");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    [Fact]
    public async Task Watchers_hear_every_publication_until_they_stop_and_the_campaign_hears_how_many_watch()
    {
        // The test actor stands for the campaign, the watchers' parent.
        var watchers = ChildActorOf(CampaignWatchers.Props(), Cancel);
        var (first, second) = (CreateTestProbe(), CreateTestProbe());
        watchers.Tell(new CampaignQueries.Watch(Id, first.Ref), TestActor);
        Assert.Equal(1, (await ExpectMsgAsync<CampaignWatchers.Watching>(cancellationToken: Cancel)).Count);
        watchers.Tell(new CampaignQueries.Watch(Id, second.Ref), TestActor);
        watchers.Tell(new CampaignQueries.Watch(Id, first.Ref), TestActor); // watching again changes nothing
        Assert.Equal(2, (await ExpectMsgAsync<CampaignWatchers.Watching>(cancellationToken: Cancel)).Count);

        var view = CampaignState.Empty(Id);
        watchers.Tell(new CampaignWatchers.Publish(view), TestActor);
        Assert.Same(view, await first.ExpectMsgAsync<CampaignState>(cancellationToken: Cancel));
        Assert.Same(view, await second.ExpectMsgAsync<CampaignState>(cancellationToken: Cancel));

        Sys.Stop(first.Ref);
        Assert.Equal(1, (await ExpectMsgAsync<CampaignWatchers.Watching>(cancellationToken: Cancel)).Count);
        watchers.Tell(new CampaignWatchers.Publish(view), TestActor);
        await second.ExpectMsgAsync<CampaignState>(cancellationToken: Cancel);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200), Cancel);
    }

    [Fact]
    public async Task Feedback_arriving_in_a_burst_is_read_once_after_the_pause_and_at_once_when_asked()
    {
        var services = await EngineServices.OpenAsync(new SqliteDatabase(Path.Combine(_folder, "data.db")), Path.Combine(_folder, "outbox"), TimeProvider.System,
            cancellationToken: Cancel);
        await services.Feedback.AppendAsync([
            new FeedbackEvent(Id.Value, "e-1", "mail", 1, FeedbackKind.Opened, DateTimeOffset.UtcNow),
            new FeedbackEvent(Id.Value, "e-1", "mail", 2, FeedbackKind.Opened, DateTimeOffset.UtcNow),
        ], Cancel);
        var feedback = ChildActorOf(CampaignFeedback.Props(Id, services, TimeSpan.FromMilliseconds(300)), Cancel);

        for (var i = 0; i < 5; i++)
            feedback.Tell(new CampaignQueries.FeedbackArrived(Id), TestActor);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150), Cancel);
        var counts = Assert.Single((await ExpectMsgAsync<CampaignFeedback.Counts>(TimeSpan.FromSeconds(5), cancellationToken: Cancel)).Values);
        Assert.Equal(("mail", FeedbackKind.Opened, 2L), (counts.Activity, counts.Kind, counts.Profiles));
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500), Cancel);

        feedback.Tell(CampaignFeedback.ReadNow.Instance, TestActor);
        await ExpectMsgAsync<CampaignFeedback.Counts>(TimeSpan.FromSeconds(5), cancellationToken: Cancel);
    }

    /// <summary>Once the actor system is down (nothing writes to the folder any more, nor makes it again), the folder goes.</summary>
    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

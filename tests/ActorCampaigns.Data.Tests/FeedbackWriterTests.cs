using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Domain.Expressions;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Data.Tests;

public sealed class FeedbackWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-feedback-writer-").FullName;

    private static FeedbackEvent Opened(string campaign, long profile) =>
        new(campaign, "e-1", "mail", profile, FeedbackKind.Opened, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Queued_and_awaited_events_are_all_committed_and_their_campaigns_told()
    {
        var (store, ledger) = Stores();
        await store.InitializeAsync();
        await ledger.InitializeAsync();
        var told = new List<string>();
        var writer = new FeedbackWriter(store, Machines(ledger), campaigns => { lock (told) told.AddRange(campaigns); });
        await Task.WhenAll(Enumerable.Range(1, 500).Select(i => i % 2 == 0
            ? writer.EnqueueAsync([Opened(i % 10 == 0 ? "c-2" : "c-1", i)]).AsTask()
            : writer.RecordAsync([Opened("c-1", i)])));
        await writer.DisposeAsync();

        Assert.Equal(500, (await store.CountAsync("c-1")).Sum(c => c.Events) + (await store.CountAsync("c-2")).Sum(c => c.Events));
        Assert.Equal(["c-1", "c-2"], told.Distinct().Order());
    }

    [Fact]
    public async Task A_batch_that_fails_is_written_again_for_queued_events_and_fails_those_awaiting()
    {
        var (store, ledger) = Stores();
        var failures = 0;
        // No table yet: every write fails until it exists.
        var writer = new FeedbackWriter(store, Machines(ledger), failed: _ => Interlocked.Increment(ref failures));
        await writer.EnqueueAsync([Opened("c-1", 1), Opened("c-1", 2)]);
        await Assert.ThrowsAsync<SqliteException>(() => writer.RecordAsync([Opened("c-1", 3)]));
        Assert.True(failures >= 1);

        await store.InitializeAsync();
        await ledger.InitializeAsync();
        await writer.RecordAsync([Opened("c-1", 4)]);
        await writer.DisposeAsync();
        var opened = Assert.Single(await store.CountAsync("c-1"));
        Assert.Equal((3L, 3L), (opened.Events, opened.Profiles));
    }

    private (FeedbackStore, Ledger) Stores()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "data.db"));
        return (new FeedbackStore(database), new Ledger(database));
    }

    private static MachineFeedback Machines(Ledger ledger) => new(ledger, TimeSpan.FromSeconds(2));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

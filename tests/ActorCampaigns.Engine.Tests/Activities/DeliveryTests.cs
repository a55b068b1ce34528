using System.Text.Json;
using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Activities.Channel;

namespace ActorCampaigns.Engine.Tests.Activities;

/// <summary>Exactly one message per profile, whatever point a crash interrupts a batch at.</summary>
public sealed class DeliveryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-delivery-").FullName;
    private static readonly DeliveryBatch Batch = new("c-1", "e-1", "mail", 0);

    private static readonly Sending Email = new("email", MessageCategory.Marketing);

    private static List<OutboundMessage> Messages(int count) => Enumerable.Range(1, count).Select(p => new OutboundMessage(
        OutboundMessage.IdFor("c-1", "e-1", "mail", p), "c-1", "e-1", "mail", p, $"p{p}@example.com", [new("subject", "Hi")])).ToList();

    private async Task<(Ledger, OutboxProvider, Delivery)> Create()
    {
        var ledger = new Ledger(new SqliteDatabase(Path.Combine(_folder, "data.db")));
        await ledger.InitializeAsync(TestContext.Current.CancellationToken);
        var outbox = new OutboxProvider(Path.Combine(_folder, "outbox"));
        return (ledger, outbox, new Delivery(ledger, outbox, new Dictionary<string, IMessageSender>(), TimeProvider.System));
    }

    private static async Task<DeliveryOutcome> SendAndMarkAsync(Delivery delivery, int messages = 10)
    {
        var outcome = await delivery.SendAsync(Batch, Email, Messages(messages), TestContext.Current.CancellationToken);
        await delivery.MarkSentAsync(Batch, Email, outcome, TestContext.Current.CancellationToken);
        return outcome;
    }

    private List<long> Profiles() => File.ReadAllLines(Path.Combine(_folder, "outbox", "email.jsonl"))
        .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("profileId").GetInt64()).ToList();

    [Fact]
    public async Task A_sent_batch_is_not_sent_again()
    {
        var (_, _, delivery) = await Create();
        Assert.Equal(10, (await SendAndMarkAsync(delivery)).Sent);
        Assert.Equal(0, (await SendAndMarkAsync(delivery)).Sent);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), Profiles());
    }

    [Fact]
    public async Task A_crash_after_writing_but_before_marking_sent_writes_nothing_twice()
    {
        var (ledger, outbox, delivery) = await Create();
        var cancel = TestContext.Current.CancellationToken;
        await ledger.ClaimAsync(Batch, 10, (await outbox.EndAsync("email", cancel)).ToString(), cancel);
        await outbox.AppendAsync("email", Messages(10), retryFrom: null, cancel);
        await SendAndMarkAsync(delivery);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), Profiles());
        Assert.Equal(10, await ledger.SentAsync("c-1", "e-1", "mail", cancel));
    }

    [Fact]
    public async Task A_crash_in_the_middle_of_a_write_completes_the_batch_once()
    {
        var (ledger, outbox, _) = await Create();
        var cancel = TestContext.Current.CancellationToken;
        await ledger.ClaimAsync(Batch, 10, "0", cancel);
        await outbox.AppendAsync("email", Messages(4), retryFrom: null, cancel);
        await File.AppendAllTextAsync(Path.Combine(_folder, "outbox", "email.jsonl"), "{\"messageId\":\"c-1.e-1.mail.5\",\"pro", cancel);
        var (_, _, restarted) = await Create();
        Assert.Equal(10, (await SendAndMarkAsync(restarted)).Sent);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), Profiles());
    }

    /// <summary>A provider idempotent on the message id, as a cluster's outbox table is: it records what it was given.</summary>
    private sealed class IdempotentRecorder : IMessageSender
    {
        public List<string> Received { get; } = [];

        public bool Idempotent => true;

        public Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
        {
            Received.AddRange(messages.Select(m => m.MessageId));
            return Task.FromResult<IReadOnlyList<SendResult>>(messages.Select(m => new SendResult(m, null)).ToList());
        }
    }

    [Fact]
    public async Task An_idempotent_provider_is_claimed_per_batch_sent_again_whole_after_a_crash_and_never_after_the_batch_is_marked()
    {
        var cancel = TestContext.Current.CancellationToken;
        var ledger = new Ledger(new SqliteDatabase(Path.Combine(_folder, "data.db")));
        await ledger.InitializeAsync(cancel);
        var recorder = new IdempotentRecorder();
        var delivery = new Delivery(ledger, new OutboxProvider(Path.Combine(_folder, "outbox")),
            new Dictionary<string, IMessageSender> { ["email"] = recorder }, TimeProvider.System);

        await delivery.SendAsync(Batch, Email, Messages(10), cancel); // then a crash, before the batch is marked sent
        var retried = await SendAndMarkAsync(delivery);
        Assert.Equal(10, retried.Sent);
        Assert.Equal(0, (await SendAndMarkAsync(delivery)).Sent);
        Assert.Equal(2, recorder.Received.Count(id => id == Messages(1)[0].MessageId));
        Assert.Equal(20, recorder.Received.Count);
        Assert.Equal(10, await ledger.SentAsync("c-1", "e-1", "mail", cancel));
        Assert.False(File.Exists(Path.Combine(_folder, "outbox", "email.jsonl")));
    }

    /// <summary>A provider that notes where it stands at each claim, as the outbox file notes where it ends.</summary>
    private sealed class CheckpointedRecorder : IMessageSender
    {
        public List<string?> RetriedFrom { get; } = [];
        public int Received { get; private set; }

        public bool Idempotent => true;

        public ValueTask<string?> CheckpointAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>($"after {Received}");

        public Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("a provider claimed per batch is sent batches");

        public Task<IReadOnlyDictionary<long, string>> SendBatchAsync(MessageBatch batch, string? retryFrom, CancellationToken cancellationToken = default)
        {
            RetriedFrom.Add(retryFrom);
            Received += MessageList.Of(batch).Count;
            return Task.FromResult<IReadOnlyDictionary<long, string>>(new Dictionary<long, string>());
        }
    }

    [Fact]
    public async Task A_batch_sent_again_after_a_crash_gives_its_provider_back_the_checkpoint_noted_at_its_claim()
    {
        var cancel = TestContext.Current.CancellationToken;
        var provider = new CheckpointedRecorder();
        var (ledger, delivery) = await Create(provider);

        await delivery.SendAsync(Batch, Email, Messages(10), cancel); // then a crash, before the batch is marked sent
        await SendAndMarkAsync(delivery);
        await SendAndMarkAsync(delivery);

        Assert.Equal([null, "after 0"], provider.RetriedFrom);
        Assert.Equal(10, await ledger.SentAsync("c-1", "e-1", "mail", cancel));
    }

    /// <summary>A relay that takes the first <paramref name="before"/> messages, then cannot be reached for <paramref name="downFor"/> calls.</summary>
    private sealed class FlakyRelay(int before, int downFor, TimeSpan patience) : IMessageSender
    {
        private int _calls;

        public List<long> Received { get; } = [];

        public TimeSpan Patience => patience;

        public Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
        {
            var down = _calls++ is var call && call > 0 && call <= downFor;
            return Task.FromResult<IReadOnlyList<SendResult>>(messages.Select(m =>
            {
                if (down || (call == 0 && Received.Count >= before))
                    return new SendResult(m, "connection: Connection refused", Deferred: true);
                Received.Add(m.ProfileId);
                return new SendResult(m, null);
            }).ToList());
        }
    }

    private async Task<(Ledger, Delivery)> Create(IMessageSender relay)
    {
        var ledger = new Ledger(new SqliteDatabase(Path.Combine(_folder, "data.db")));
        await ledger.InitializeAsync(TestContext.Current.CancellationToken);
        return (ledger, new Delivery(ledger, new OutboxProvider(Path.Combine(_folder, "outbox")), new Dictionary<string, IMessageSender> { ["email"] = relay },
            TimeProvider.System));
    }

    [Fact]
    public async Task Messages_deferred_by_an_unreachable_relay_are_sent_once_when_it_is_back_and_counted_as_retried()
    {
        var relay = new FlakyRelay(before: 4, downFor: 1, TimeSpan.FromSeconds(30));
        var (ledger, delivery) = await Create(relay);

        var outcome = await SendAndMarkAsync(delivery);

        Assert.Equal((10, 0), (outcome.Sent, outcome.Failed.Count));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), relay.Received.Order());
        Assert.Equal([("e-1", "mail", 6L)], await ledger.RetriesAsync("c-1", TestContext.Current.CancellationToken));
        Assert.Equal(10, await ledger.SentAsync("c-1", "e-1", "mail", TestContext.Current.CancellationToken));
    }

    /// <summary>A relay that refuses one message and, on its first call, cannot be reached after taking <paramref name="before"/>.</summary>
    private sealed class RowRelay(int before, long refused) : IMessageSender
    {
        private int _calls;

        public List<long> Received { get; } = [];

        public TimeSpan Patience => TimeSpan.Zero;

        public Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
        {
            var call = _calls++;
            return Task.FromResult<IReadOnlyList<SendResult>>(messages.Select(m =>
            {
                if (call == 0 && Received.Count >= before)
                    return new SendResult(m, "connection: Connection refused", Deferred: true);
                Received.Add(m.Key);
                return new SendResult(m, m.Key == refused ? "550 no such mailbox" : null);
            }).ToList());
        }
    }

    [Fact]
    public async Task Messages_per_entity_row_through_a_relay_are_settled_by_row_so_a_run_again_sends_each_row_once_and_sends_count_each_for_its_profile()
    {
        var cancel = TestContext.Current.CancellationToken;
        var relay = new RowRelay(before: 4, refused: 105);
        var (ledger, delivery) = await Create(relay);
        // Six bookings of three profiles: profile 1 has three, profile 2 two, profile 3 one.
        long[] profiles = [1, 1, 1, 2, 2, 3];
        var messages = profiles.Select((profile, i) => new OutboundMessage(OutboundMessage.IdFor("c-1", "e-1", "mail", profile, 101 + i), "c-1", "e-1", "mail",
            profile, $"p{profile}@example.com", [new("subject", $"Booking {101 + i}")]) { Row = 101 + i }).ToList();
        var perRow = Email with { PerRow = true };

        await Assert.ThrowsAsync<ProviderUnreachableException>(() => delivery.SendAsync(Batch, perRow, messages, cancel));
        var outcome = await delivery.SendAsync(Batch, perRow, messages, cancel);
        await delivery.MarkSentAsync(Batch, perRow, outcome, cancel);

        Assert.Equal([101L, 102, 103, 104, 105, 106], relay.Received.Order());
        Assert.Equal("550 no such mailbox", Assert.Single(outcome.Failed, f => f.Key == 105).Value);
        Assert.Equal("c-1.e-1.mail.2.105", messages[4].MessageId);
        // Each message that left counts for its profile (the refused one does not); marking again adds nothing.
        await delivery.MarkSentAsync(Batch, perRow, outcome, cancel);
        Assert.Equal(new Dictionary<long, long> { [1] = 3, [2] = 1, [3] = 1 }, await ledger.SentCountsAsync("email", DateTimeOffset.UtcNow.AddDays(-1), [1, 2, 3],
            cancellationToken: cancel));
    }

    [Fact]
    public async Task A_relay_unreachable_beyond_its_patience_fails_the_batch_with_why_and_a_retry_sends_only_what_was_left()
    {
        var relay = new FlakyRelay(before: 4, downFor: 0, TimeSpan.Zero);
        var (ledger, delivery) = await Create(relay);

        var failure = await Assert.ThrowsAsync<ProviderUnreachableException>(() => SendAndMarkAsync(delivery));
        Assert.Equal("the email provider was unreachable for 0 s (connection: Connection refused): 6 messages of batch 0 wait, resume sends them", failure.Message);
        Assert.Equal(6, (await SendAndMarkAsync(delivery)).Sent);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), relay.Received.Order());
        Assert.Empty(await ledger.FailuresAsync("c-1", TestContext.Current.CancellationToken));
        Assert.Equal([("e-1", "mail", 6L)], await ledger.RetriesAsync("c-1", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_batch_skipped_under_the_ignore_policy_settles_what_waited_as_failed_and_no_run_sends_it_again()
    {
        var cancel = TestContext.Current.CancellationToken;
        // Four of ten go, then the relay cannot be reached, for good.
        var relay = new FlakyRelay(before: 4, downFor: int.MaxValue, TimeSpan.Zero);
        var (ledger, delivery) = await Create(relay);
        var messages = Messages(10);

        var unreachable = await Assert.ThrowsAsync<ProviderUnreachableException>(() => delivery.SendAsync(Batch, Email, messages, cancel));
        Assert.Equal((6, "connection: Connection refused"), (unreachable.Pending.Count, unreachable.Reason));
        using var rendered = delivery.NewBatch("email", messages.Count);
        rendered.AddRange(messages);
        var outcome = await delivery.SkipAsync(Batch, Email, rendered, unreachable, cancel);
        await delivery.MarkSentAsync(Batch, Email, outcome, cancel);

        // What left before the skip is the batch's sent; what waited is failed, with why, and never sent again.
        Assert.Equal(0, outcome.Sent);
        Assert.Equal([1L, 2, 3, 4], outcome.ToMark!.Order());
        Assert.Equal(Enumerable.Range(5, 6).Select(i => (long)i), outcome.Failed.Keys.Order());
        Assert.All(outcome.Failed.Values, reason => Assert.Equal("skipped (onError ignore): the provider stayed unreachable (connection: Connection refused)", reason));
        var again = await delivery.SendAsync(Batch, Email, messages, cancel);
        Assert.Equal((0, 6), (again.Sent, again.Failed.Count));
        Assert.Equal([1L, 2, 3, 4], relay.Received.Order());
        // The batch is done (marked sent, its refusals and skips with it).
        Assert.Equal("sent", await delivery.BatchStateAsync(Batch, cancel));
        Assert.Equal(6L, Assert.Single(await ledger.FailuresAsync("c-1", cancel)).Messages);
    }

    /// <summary>A clock that stands still until moved, as a process frozen by SIGSTOP sees time jump when it wakes.</summary>
    private sealed class FrozenClock : TimeProvider
    {
        private long _ticks = TimeSpan.TicksPerDay;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    /// <summary>A relay that takes every message, calling <paramref name="afterEach"/> after each call with what it has taken so far.</summary>
    private sealed class SteppingRelay(Action<int> afterEach) : IMessageSender
    {
        public List<long> Received { get; } = [];

        public Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
        {
            Received.AddRange(messages.Select(m => m.ProfileId));
            afterEach(Received.Count);
            return Task.FromResult<IReadOnlyList<SendResult>>(messages.Select(m => new SendResult(m, null)).ToList());
        }
    }

    [Fact]
    public async Task An_owner_whose_partition_moved_sends_nothing_more_once_its_lease_has_expired_and_the_new_owner_sends_only_the_rest()
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new FrozenClock();
        var ledger = new Ledger(new SqliteDatabase(Path.Combine(_folder, "data.db")));
        await ledger.InitializeAsync(cancel);
        var first = await ledger.AdvanceEpochAsync("c-1", "e-1", "mail", 0, cancel);
        const int Rest = 12;
        // While the old owner sends its first chunk, its partition moves (a new epoch) and its process is frozen past
        // its lease (the clock moves 3 s).
        var moved = false;
        var old = new SteppingRelay(sent =>
        {
            if (moved)
                return;
            moved = true;
            ledger.AdvanceEpochAsync("c-1", "e-1", "mail", 0, cancel).GetAwaiter().GetResult();
            clock.Advance(TimeSpan.FromSeconds(3));
        });
        var outbox = new OutboxProvider(Path.Combine(_folder, "outbox"));
        var oldOwner = new Delivery(ledger, outbox, new Dictionary<string, IMessageSender> { ["email"] = old }, clock,
            new PartitionLease(ledger, new PartitionEpoch("c-1", "e-1", "mail", 0, first), clock));

        var fenced = await Assert.ThrowsAsync<FencedOffException>(() => SendAndMarkAsync(oldOwner, Delivery.SettledChunk + Rest));
        Assert.Equal(2, (await ledger.EpochAsync("c-1", "e-1", "mail", 0, cancel)));
        Assert.Contains("belongs to epoch 2 now, not to this run's 1", fenced.Message);
        Assert.Equal(Enumerable.Range(1, Delivery.SettledChunk).Select(i => (long)i), old.Received);

        // The new owner waits out any lease of the old one, then sends what was not settled: the rest.
        var again = new SteppingRelay(_ => { });
        var newOwner = new Delivery(ledger, outbox, new Dictionary<string, IMessageSender> { ["email"] = again }, TimeProvider.System,
            new PartitionLease(ledger, new PartitionEpoch("c-1", "e-1", "mail", 0, 2), TimeProvider.System));
        Assert.Equal(Rest, (await SendAndMarkAsync(newOwner, Delivery.SettledChunk + Rest)).Sent);
        Assert.Equal(Enumerable.Range(Delivery.SettledChunk + 1, Rest).Select(i => (long)i), again.Received.Order());
        Assert.Equal(Delivery.SettledChunk + Rest, await ledger.SentAsync("c-1", "e-1", "mail", cancel));
    }

    [Fact]
    public async Task A_run_stopped_while_a_chunk_goes_out_settles_that_chunk_and_its_next_run_sends_only_the_rest()
    {
        var cancel = TestContext.Current.CancellationToken;
        var ledger = new Ledger(new SqliteDatabase(Path.Combine(_folder, "data.db")));
        await ledger.InitializeAsync(cancel);
        var outbox = new OutboxProvider(Path.Combine(_folder, "outbox"));
        using var stop = new CancellationTokenSource();
        // The run is stopped (pause, stop, a member leaving) while the provider has taken the first chunk's messages.
        var first = new SteppingRelay(_ => stop.Cancel());
        var stopped = new Delivery(ledger, outbox, new Dictionary<string, IMessageSender> { ["email"] = first }, TimeProvider.System);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped.SendAsync(Batch, Email, Messages(2 * Delivery.SettledChunk + 5), stop.Token));
        Assert.Equal(Enumerable.Range(1, Delivery.SettledChunk).Select(i => (long)i), first.Received);

        var again = new SteppingRelay(_ => { });
        var resumed = new Delivery(ledger, outbox, new Dictionary<string, IMessageSender> { ["email"] = again }, TimeProvider.System);
        Assert.Equal(Delivery.SettledChunk + 5, (await SendAndMarkAsync(resumed, 2 * Delivery.SettledChunk + 5)).Sent);
        Assert.Equal(Enumerable.Range(Delivery.SettledChunk + 1, Delivery.SettledChunk + 5).Select(i => (long)i), again.Received.Order());
        Assert.Equal(2 * Delivery.SettledChunk + 5, await ledger.SentAsync("c-1", "e-1", "mail", cancel));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

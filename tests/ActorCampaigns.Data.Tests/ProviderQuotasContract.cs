using ActorCampaigns.Data.Deliveries;

namespace ActorCampaigns.Data.Tests;

/// <summary>
/// A provider's quota counted in the database, on SQLite and PostgreSQL alike: runs asking at once from many
/// connections never take more than a window allows, they take it in turn, and a run that stopped asking does not
/// hold the others back.
/// </summary>
public abstract class ProviderQuotasContract
{
    protected abstract Task<ProviderQuotas> CreateAsync();

    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static QuotaWaiter Run(int i) => new($"c-{i}", "e-1", "mail", -1);

    [Fact]
    public async Task Runs_asking_at_once_never_take_more_than_the_window_allows()
    {
        var quotas = await CreateAsync();
        // Every 5 seconds of clock for 200 seconds (runs asking again within a few seconds, as waiting runs do), 8 runs
        // ask at once (each twice) for slices of 7, from their own connections, under 100 a minute.
        var quota = new ProviderQuota(100, TimeSpan.FromMinutes(1));
        var granted = new System.Collections.Concurrent.ConcurrentBag<(DateTimeOffset At, int Run)>();
        for (var i = 0; i < 40; i++)
        {
            var at = Noon.AddSeconds(i * 5);
            await Task.WhenAll(Enumerable.Range(0, 16).Select(ask => Task.Run(async () =>
            {
                if (await quotas.TryTakeAsync("email", quota, Run(ask % 8), 7, at, at))
                    granted.Add((at, ask % 8));
            })));
        }
        // Any minute (a grant at t counts until t + 1 min, excluded) holds at most 100 messages.
        foreach (var (at, _) in granted)
            Assert.InRange(granted.Count(g => g.At > at - quota.Window && g.At <= at) * 7, 7, 100);
        // The quota was used (14 slices of 7 fit a minute, and the clock moved 200 s), and shared: 8 runs of 8
        // campaigns, each within a slice or two of an eighth.
        Assert.InRange(granted.Count, 14 * 3, 14 * 4);
        Assert.All(Enumerable.Range(0, 8), run => Assert.InRange(granted.Count(g => g.Run == run), granted.Count / 8 - 2, granted.Count / 8 + 2));
    }

    [Fact]
    public async Task The_run_that_waited_longest_goes_first_and_a_run_granted_goes_to_the_back()
    {
        var quotas = await CreateAsync();
        var small = new ProviderQuota(10, TimeSpan.FromMinutes(1));
        Assert.True(await quotas.TryTakeAsync("sms", small, Run(1), 10, Noon, Noon));
        // The window is full: run 2, then run 3 queue.
        Assert.False(await quotas.TryTakeAsync("sms", small, Run(2), 5, Noon.AddSeconds(1), Noon.AddSeconds(1)));
        Assert.False(await quotas.TryTakeAsync("sms", small, Run(3), 5, Noon.AddSeconds(2), Noon.AddSeconds(2)));
        var waiting = await quotas.WaitingAsync("c-2", Noon.AddSeconds(3));
        Assert.Equal(("sms", Noon.AddSeconds(1)), waiting["mail"]);
        // They keep asking (a waiting run asks every half second) while the window is full.
        Assert.False(await quotas.TryTakeAsync("sms", small, Run(3), 5, Noon.AddSeconds(55), Noon.AddSeconds(55)));
        Assert.False(await quotas.TryTakeAsync("sms", small, Run(2), 5, Noon.AddSeconds(55), Noon.AddSeconds(55)));
        // The window has room again, for runs 2 and 3, which waited: run 1 asks first but goes after them; run 3 asks
        // before run 2 and is granted, the room left being run 2's; then run 2.
        Assert.False(await quotas.TryTakeAsync("sms", small, Run(1), 5, Noon.AddSeconds(61), Noon.AddSeconds(61)));
        Assert.True(await quotas.TryTakeAsync("sms", small, Run(3), 5, Noon.AddSeconds(61), Noon.AddSeconds(61)));
        Assert.False(await quotas.TryTakeAsync("sms", small, Run(1), 5, Noon.AddSeconds(62), Noon.AddSeconds(62)));
        Assert.True(await quotas.TryTakeAsync("sms", small, Run(2), 5, Noon.AddSeconds(62), Noon.AddSeconds(62)));
        Assert.False(await quotas.TryTakeAsync("sms", small, Run(1), 5, Noon.AddSeconds(63), Noon.AddSeconds(63)));
        Assert.Empty(await quotas.WaitingAsync("c-2", Noon.AddSeconds(63)));
        // Another channel's quota is another counter.
        Assert.True(await quotas.TryTakeAsync("email", small, Run(1), 10, Noon.AddSeconds(63), Noon.AddSeconds(63)));
    }

    [Fact]
    public async Task A_run_that_stopped_asking_holds_no_one_back()
    {
        var quotas = await CreateAsync();
        var small = new ProviderQuota(10, TimeSpan.FromMinutes(1));
        Assert.True(await quotas.TryTakeAsync("push", small, Run(1), 10, Noon, Noon));
        Assert.False(await quotas.TryTakeAsync("push", small, Run(2), 5, Noon.AddSeconds(1), Noon.AddSeconds(1)));
        // Run 2 died without leaving: once it has not asked for a while, its slice is not kept for it.
        Assert.True(await quotas.TryTakeAsync("push", small, Run(3), 5, Noon.AddSeconds(1) + ProviderQuotas.Abandoned + TimeSpan.FromMinutes(1), Noon.AddSeconds(1) + ProviderQuotas.Abandoned + TimeSpan.FromMinutes(1)));
        // Run 4 left the queue when it stopped (its 10 did not fit the 5 left): run 5 goes.
        Assert.False(await quotas.TryTakeAsync("push", small, Run(4), 10, Noon.AddMinutes(2), Noon.AddMinutes(2)));
        Assert.False(await quotas.TryTakeAsync("push", small, Run(5), 5, Noon.AddSeconds(121), Noon.AddSeconds(121)));
        await quotas.LeaveAsync("push", Run(4));
        Assert.True(await quotas.TryTakeAsync("push", small, Run(5), 5, Noon.AddSeconds(122), Noon.AddSeconds(122)));
    }

    [Fact]
    public async Task A_campaign_held_at_its_equal_part_keeps_no_room_from_the_other_so_the_window_is_used_whole()
    {
        var quotas = await CreateAsync();
        var hourly = new ProviderQuota(1_000, TimeSpan.FromHours(1));
        QuotaWaiter Large(int part) => new("large", "e-1", "mail", part);
        QuotaWaiter Small(int part) => new("small", "e-1", "mail", part);
        // Hour 0: the large campaign alone takes the whole window.
        for (var slice = 0; slice < 100; slice++)
            Assert.True(await quotas.TryTakeAsync("email", hourly, Large(slice % 6), 10, Noon, Noon));
        // Hour 1: both ask, the small one from 6 partitions, its batches cut into slices of uneven sizes, the large one
        // from 2. The small one, served less, goes first and reaches its equal part first; held there, the slices its
        // partitions still ask for must not keep the large one from the rest of the window.
        var sizes = new[] { 10, 10, 10, 9, 8, 6 };
        var (large, small) = (0L, 0L);
        var at = Noon.AddHours(1).AddSeconds(1);
        for (var round = 0; round < 400; round++, at = at.AddSeconds(1))
        {
            var before = large + small;
            for (var part = 0; part < 6; part++)
            {
                if (await quotas.TryTakeAsync("email", hourly, Small(part), sizes[part], at, at))
                    small += sizes[part];
                if (part < 2 && await quotas.TryTakeAsync("email", hourly, Large(part), 10, at, at))
                    large += 10;
            }
            if (large + small == before && round > 0)
                break;
        }
        Assert.InRange(large + small, 990, 1_000);
        Assert.InRange(small, 490, 510);
    }

    [Theory]
    [InlineData("50000/PT1H", null)]
    [InlineData("0/PT1H", "a quota of 0 messages sends nothing")]
    [InlineData("-5/PT1H", "is not a quota written messages/duration")]
    [InlineData("1000", "is not a quota written messages/duration")]
    [InlineData("1000/P0D", "a quota's window must be longer than zero")]
    [InlineData("1000/an hour", "ISO 8601")]
    public void A_quota_is_written_messages_over_a_duration(string text, string? error)
    {
        Assert.Equal(error is null, ProviderQuota.TryParse(text, out _, out var why));
        if (error is not null)
            Assert.Contains(error, why, StringComparison.Ordinal);
    }
}

public sealed class SqliteProviderQuotasTests : ProviderQuotasContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-quotas-").FullName;

    protected override async Task<ProviderQuotas> CreateAsync()
    {
        var quotas = new ProviderQuotas(new SqliteDatabase(Path.Combine(_folder, "data.db")));
        await quotas.InitializeAsync();
        return quotas;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresProviderQuotasTests(PostgresFixture postgres) : ProviderQuotasContract
{
    protected override async Task<ProviderQuotas> CreateAsync()
    {
        var quotas = new ProviderQuotas(new PostgresDatabase(await postgres.CreateDatabaseAsync()));
        await quotas.InitializeAsync();
        return quotas;
    }
}

using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Data.Tests;

/// <summary>Feedback events and the predicates that read them, on SQLite and PostgreSQL alike.</summary>
public abstract class FeedbackStoreContract
{
    protected abstract Task<(ProfileStore Profiles, FeedbackStore Feedback, Ledger Ledger)> CreateAsync();

    private static readonly DateTimeOffset Now = new(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);

    private static FeedbackEvent Event(long profile, FeedbackKind kind, double daysAgo, string execution = "e-1", string activity = "mail", string? detail = null) =>
        new("c-1", execution, activity, profile, kind, Now.AddDays(-daysAgo), detail);

    private static async Task<long> CountAsync(ProfileStore profiles, string filter)
    {
        var scope = BindingScope.ForProfiles(await profiles.GetSchemaAsync(), new Dictionary<string, ExprType>(), null)
            with { FeedbackActivities = new HashSet<string> { "mail", "text" }, AllowsAggregates = true };
        var (bound, error) = Expression.CheckFilter(filter, scope);
        Assert.Null(error);
        return await profiles.CountAsync(bound, new EvaluationContext(Now.UtcDateTime, new Dictionary<string, object?>(), new ExecutionScope("c-1", "e-1")));
    }

    [Fact]
    public async Task Predicates_read_events_by_activity_of_the_execution_any_campaign_and_window()
    {
        var (profiles, feedback, _) = await CreateAsync();
        await profiles.ImportCsvAsync(new StringReader("id,email,emailOptIn\n1,a@x.io,true\n2,b@x.io,true\n3,c@x.io,true\n4,d@x.io,true\n"));
        await feedback.AppendAsync([
            Event(1, FeedbackKind.Opened, 1), Event(1, FeedbackKind.Opened, 2), Event(1, FeedbackKind.Clicked, 1, detail: "https://a.example"),
            Event(2, FeedbackKind.Opened, 10),
            Event(3, FeedbackKind.Opened, 1, execution: "e-2"),
            Event(4, FeedbackKind.Bounced, 1, activity: "text", detail: "full"),
            Event(4, FeedbackKind.Unsubscribed, 1, detail: "email"),
        ]);

        Assert.Equal(2, await CountAsync(profiles, "opened('mail')"));
        Assert.Equal(1, await CountAsync(profiles, "opened('mail', 'P7D')"));
        Assert.Equal(3, await CountAsync(profiles, "opened('*')"));
        Assert.Equal(2, await CountAsync(profiles, "opened('*', 'P3D')"));
        Assert.Equal(2, await CountAsync(profiles, "not opened('mail')"));
        Assert.Equal(1, await CountAsync(profiles, "clicked('mail') and opened('mail')"));
        Assert.Equal(1, await CountAsync(profiles, "bounced('text')"));
        Assert.Equal(1, await CountAsync(profiles, "unsubscribed()"));
        Assert.Equal(new long[] { 4 }, await feedback.UnsubscribedAsync("email"));
        Assert.Empty(await feedback.UnsubscribedAsync("sms"));
    }

    [Fact]
    public async Task Sent_reads_what_the_ledger_recorded_as_each_batch_was_marked_sent()
    {
        var (profiles, feedback, ledger) = await CreateAsync();
        await profiles.ImportCsvAsync(new StringReader("id,email,emailOptIn\n1,a@x.io,true\n2,b@x.io,true\n3,c@x.io,true\n4,d@x.io,true\n"));
        var (mail, email) = (new DeliveryBatch("c-1", "e-1", "mail", 0), new Sending("email", MessageCategory.Marketing));
        await ledger.ClaimAsync(mail, 2, null);
        await ledger.MarkSentAsync(mail, email, Now.AddDays(-1), [1, 2]);
        await ledger.MarkSentAsync(mail, email, Now, [1, 2]); // marked again after a crash: nothing counts twice
        await ledger.MarkSentAsync(new DeliveryBatch("c-2", "e-9", "mail", 0), email, Now.AddDays(-10), [3]);
        await ledger.MarkSentAsync(new DeliveryBatch("c-2", "e-9", "receipt", 0), new Sending("email", MessageCategory.Transactional), Now.AddDays(-1), [4]);
        await ledger.MarkSentAsync(new DeliveryBatch("c-2", "e-9", "text", 0), new Sending("sms", MessageCategory.Marketing), Now.AddDays(-1), [1, 4]);
        await feedback.AppendAsync([Event(1, FeedbackKind.Opened, 0.5)]);

        Assert.Equal(2, await CountAsync(profiles, "sent('mail')"));
        Assert.Equal(1, await CountAsync(profiles, "sent('mail') and not opened('mail')"));
        Assert.Equal(4, await CountAsync(profiles, "sent('*')"));
        Assert.Equal(3, await CountAsync(profiles, "sent('*', 'P7D')"));
        Assert.Equal(2, await CountAsync(profiles, "count(sent('*')) = 2"));
        Assert.Equal(new Dictionary<long, long> { [1] = 1, [2] = 1, [3] = 1 }, await ledger.SentCountsAsync("email", Now.AddDays(-30), [1, 2, 3, 4]));
        Assert.Equal(new Dictionary<long, long> { [1] = 1, [2] = 1 }, await ledger.SentCountsAsync("email", Now.AddDays(-7), [1, 2, 3, 4]));
        // An activity counts its own sending itself.
        Assert.Equal(new Dictionary<long, long> { [3] = 1 }, await ledger.SentCountsAsync("email", Now.AddDays(-30), [1, 2, 3, 4], mail));

        // A sending per entity row counts each message, across batches, and a batch marked again adds nothing.
        var rows = new Sending("email", MessageCategory.Marketing, PerRow: true);
        var stays = new DeliveryBatch("c-3", "e-1", "stays", 0);
        await ledger.ClaimAsync(stays, 3, null);
        await ledger.MarkSentAsync(stays, rows, Now, [5, 5, 6]);
        await ledger.MarkSentAsync(stays, rows, Now, [5, 5, 6]);
        await ledger.ClaimAsync(stays with { Batch = 1 }, 2, null);
        await ledger.MarkSentAsync(stays with { Batch = 1 }, rows, Now.AddHours(1), [6, 5, 6]);
        Assert.Equal(new Dictionary<long, long> { [5] = 3, [6] = 3, [1] = 1 }, await ledger.SentCountsAsync("email", Now.AddDays(-30), [1, 5, 6]));
        // A profile's sends of the sending are as late as its latest batch.
        Assert.Equal(new Dictionary<long, long> { [5] = 3, [6] = 3 }, await ledger.SentCountsAsync("email", Now.AddMinutes(30), [1, 5, 6]));
    }

    [Fact]
    public async Task Opens_soon_after_the_send_and_clicks_on_every_link_within_a_second_are_recorded_as_a_machines_and_counted_apart()
    {
        var (profiles, feedback, ledger) = await CreateAsync();
        await profiles.ImportCsvAsync(new StringReader("id,email,emailOptIn\n" + string.Concat(Enumerable.Range(1, 9).Select(i => $"{i},p{i}@x.io,true\n"))));
        var sentAt = Now.AddHours(-1);
        await ledger.MarkSentAsync(new DeliveryBatch("c-1", "e-1", "mail", 0), new Sending("email", MessageCategory.Marketing), sentAt, [1, 2, 3, 4, 7, 9]);
        // Profiles 5 and 8 went through SMTP one by one: settled sent at their own times, their batch not recorded yet.
        // Profile 6 was never sent (its open is judged on nothing: a person's).
        var smtp = new DeliveryBatch("c-1", "e-1", "mail", 1);
        await ledger.ClaimAsync(smtp, 2, null);
        await ledger.ClaimMessagesAsync(smtp, [5, 8]);
        await ledger.SettleMessagesAsync(smtp, [(8, null)], [], sentAt);
        await ledger.SettleMessagesAsync(smtp, [(5, null)], [], sentAt.AddSeconds(20));
        var writer = new FeedbackWriter(feedback, new MachineFeedback(ledger, TimeSpan.FromSeconds(2)));
        FeedbackEvent At(long profile, FeedbackKind kind, double seconds, string? link = null, int links = 0) =>
            new("c-1", "e-1", "mail", profile, kind, sentAt.AddSeconds(seconds), link, Links: links);

        await writer.RecordAsync([
            At(1, FeedbackKind.Opened, 1.5), At(2, FeedbackKind.Opened, 5), At(5, FeedbackKind.Opened, 21), At(6, FeedbackKind.Opened, 1),
            At(8, FeedbackKind.Opened, 30), At(3, FeedbackKind.Opened, 3600) with { Machine = true }, // a privacy proxy's user agent, told by the endpoint
            At(1, FeedbackKind.Clicked, 10, "https://a", 3), At(1, FeedbackKind.Clicked, 10.4, "https://b", 3), At(1, FeedbackKind.Clicked, 10.9, "https://c", 3),
            At(2, FeedbackKind.Clicked, 10, "https://a", 3), At(2, FeedbackKind.Clicked, 10.5, "https://b", 3), At(2, FeedbackKind.Clicked, 12, "https://c", 3),
            At(3, FeedbackKind.Clicked, 20, "https://a", 2), At(4, FeedbackKind.Clicked, 20, "https://a", 1),
            At(7, FeedbackKind.Clicked, 20, "https://a", 2), At(7, FeedbackKind.Clicked, 20.5, "https://a", 2),
            At(9, FeedbackKind.Clicked, 5, "https://a", 2),
        ]);
        // The second link of profile 3's message, clicked by the same scanner, reaches another batch (another node): both
        // clicks are the machine's. A gateway sweeps profile 9's links long after the person clicked one: only its sweep is.
        await writer.RecordAsync([At(3, FeedbackKind.Clicked, 20.6, "https://b", 2), At(1, FeedbackKind.Clicked, 60, "https://a", 3),
            At(9, FeedbackKind.Clicked, 100, "https://a", 2), At(9, FeedbackKind.Clicked, 100.4, "https://b", 2)]);
        await writer.DisposeAsync();

        Assert.Equal(3, await CountAsync(profiles, "opened('mail')")); // 2 (5 s after), 6 (no send known), 8 (30 s after its own send)
        Assert.Equal(6, await CountAsync(profiles, "opened('mail', 'P7D', machine: true)"));
        Assert.Equal(5, await CountAsync(profiles, "clicked('mail')")); // 1 (a minute later), 2 (not within a second), 4 (one link), 7 (one link twice), 9
        Assert.Equal(6, await CountAsync(profiles, "clicked('*', machine: true)"));
        Assert.Equal(1, await CountAsync(profiles, "clicked('mail', machine: true) and not clicked('mail')"));
        var counts = await feedback.CountAsync("c-1");
        long Events(FeedbackKind kind, bool machine) => counts.Single(c => c.Kind == kind && c.Machine == machine).Events;
        Assert.Equal((3, 3, 8, 7), (Events(FeedbackKind.Opened, false), Events(FeedbackKind.Opened, true), Events(FeedbackKind.Clicked, false), Events(FeedbackKind.Clicked, true)));
        Assert.Equal(3, counts.Single(c => c is { Kind: FeedbackKind.Clicked, Machine: true }).Profiles);

        // Retention's totals keep the two apart.
        while (await feedback.Totals.FoldAsync("c-1", "e-1", 100) > 0)
        {
        }
        Assert.Equal(counts.OrderBy(c => (c.Kind, c.Machine)), (await feedback.CountAsync("c-1")).OrderBy(c => (c.Kind, c.Machine)));
        Assert.Equal(7, (await feedback.HoursAsync("c-1")).Where(h => h is { Kind: FeedbackKind.Clicked, Machine: true }).Sum(h => h.Events));
    }

    [Fact]
    public async Task Counts_give_events_and_distinct_profiles_per_execution_and_activity()
    {
        var (_, feedback, _) = await CreateAsync();
        await feedback.AppendAsync([Event(1, FeedbackKind.Opened, 0.5), Event(1, FeedbackKind.Opened, 0.5), Event(2, FeedbackKind.Opened, 0.01),
            Event(2, FeedbackKind.Bounced, 0, detail: "full"), Event(3, FeedbackKind.Bounced, 0, detail: "full"), Event(3, FeedbackKind.Bounced, 0),
            Event(5, FeedbackKind.Opened, 1, execution: "e-2"), Event(6, FeedbackKind.Bounced, 0, detail: "550 \"mailbox\" isn't here\n— é")]);
        var counts = await feedback.CountAsync("c-1");
        Assert.Equal(new FeedbackCount("e-1", "mail", FeedbackKind.Opened, 3, 2), counts.Single(c => c.Execution == "e-1" && c.Kind == FeedbackKind.Opened));
        Assert.Equal(new FeedbackCount("e-1", "mail", FeedbackKind.Bounced, 4, 3), counts.Single(c => c.Kind == FeedbackKind.Bounced));
        Assert.Empty(await feedback.CountAsync("c-2"));
        var hours = await feedback.HoursAsync("c-1");
        Assert.Equal(3, hours.Where(h => h.Execution == "e-1").Sum(h => h.Events));
        Assert.All(hours, h => Assert.Equal(0, h.Hour.ToUnixTimeSeconds() % 3600));
        Assert.Equal(2, hours.Count(h => h.Execution == "e-1"));
        var reasons = await feedback.BounceReasonsAsync("c-1");
        Assert.Equal([("550 \"mailbox\" isn't here\n— é", 1L), ("full", 2L), ("unknown", 1L)],
            reasons.OrderBy(r => r.Reason, StringComparer.Ordinal).Select(r => (r.Reason, r.Profiles)));
    }

    [Fact]
    public async Task Folding_an_execution_in_batches_keeps_its_figures_and_unsubscribes_and_removes_its_other_events()
    {
        var (profiles, feedback, ledger) = await CreateAsync();
        await profiles.ImportCsvAsync(new StringReader("id,email,emailOptIn\n" + string.Concat(Enumerable.Range(1, 9).Select(i => $"{i},p{i}@x.io,true\n"))));
        foreach (var execution in new[] { "e-1", "e-2" })
            await ledger.MarkSentAsync(new DeliveryBatch("c-1", execution, "mail", 0), new Sending("email", MessageCategory.Marketing), Now.AddDays(-100), [.. Enumerable.Range(1, 9).Select(i => (long)i)]);
        // Profile 9 bounced twice: with batches of 4 its second bounce is the 5th event, which a batch of whole profiles takes with the first.
        List<FeedbackEvent> folded =
        [
            .. Enumerable.Range(1, 9).Select(p => Event(p, FeedbackKind.Opened, 95 + p / 3.0)), Event(1, FeedbackKind.Opened, 90), Event(2, FeedbackKind.Opened, 80),
            Event(2, FeedbackKind.Clicked, 95, detail: "https://a.example"), Event(2, FeedbackKind.Clicked, 94, detail: "https://b.example"),
            Event(4, FeedbackKind.Clicked, 95, detail: "https://a.example"),
            Event(6, FeedbackKind.Bounced, 99, detail: "full"), Event(7, FeedbackKind.Bounced, 99, detail: "full"), Event(8, FeedbackKind.Bounced, 99),
            Event(9, FeedbackKind.Bounced, 99, detail: "full"), Event(9, FeedbackKind.Bounced, 98),
            Event(3, FeedbackKind.Complained, 96), .. Enumerable.Range(1, 5).Select(p => Event(p, FeedbackKind.Delivered, 99)),
        ];
        await feedback.AppendAsync([.. folded, Event(5, FeedbackKind.Unsubscribed, 96, detail: "email"), Event(1, FeedbackKind.Opened, 1, execution: "e-2"),
            Event(2, FeedbackKind.Opened, 1, execution: "e-2"), Event(7, FeedbackKind.Held, 99)]);
        var conversions = new Conversions.ConversionStore(profiles.Database);
        await conversions.InitializeAsync();
        var before = await FiguresAsync(feedback);
        Assert.Equal([("c-1", "e-1"), ("c-1", "e-2")], (await feedback.Totals.ExecutionsAsync()).Order());

        var batches = new List<int>();
        while (batches.LastOrDefault(4) >= 4)
            batches.Add(await feedback.Totals.FoldAsync("c-1", "e-1", 4));

        Assert.Equal(folded.Count, batches.Sum());
        Assert.Equal(5, batches[0]);
        Assert.All(batches[..^1], batch => Assert.InRange(batch, 4, 5));
        Assert.InRange(batches[^1], 0, 3);
        Assert.Equal(before, await FiguresAsync(feedback));
        Assert.Equal([("c-1", "e-2")], await feedback.Totals.ExecutionsAsync());
        // Unsubscribes stay (consent's record), and the profiles held back as the control group (the report compares each).
        Assert.Equal([("e-1", 1L, 0L)], await conversions.HeldBackAsync("c-1", "mail", "purchase", TimeSpan.FromDays(7)));
        Assert.Equal(1, await CountAsync(profiles, "unsubscribed()"));
        Assert.Equal(new long[] { 5 }, await feedback.UnsubscribedAsync("email"));
        Assert.Equal(0, await CountAsync(profiles, "opened('mail') or bounced('mail') or clicked('mail')"));
        Assert.Equal(2, await CountAsync(profiles, "opened('*')"));

        Assert.Equal(0, await feedback.Totals.FoldAsync("c-1", "e-1", 4));
        Assert.Equal(before, await FiguresAsync(feedback));
    }

    /// <summary>What a report reads of a campaign's feedback, in an order of its own.</summary>
    private static async Task<string> FiguresAsync(FeedbackStore feedback) => string.Join("\n",
        (await feedback.CountAsync("c-1")).Select(c => c.ToString()).Order()
            .Concat((await feedback.HoursAsync("c-1")).Select(h => h.ToString()).Order())
            .Concat((await feedback.BounceReasonsAsync("c-1")).Select(b => b.ToString()).Order(StringComparer.Ordinal)));

    [Fact]
    public async Task Consent_is_withdrawn_from_one_channel()
    {
        var (profiles, _, _) = await CreateAsync();
        await profiles.ImportCsvAsync(new StringReader("id,email,emailOptIn,smsOptIn\n1,a@x.io,true,true\n"));
        Assert.True(await profiles.WithdrawConsentAsync(1, "emailOptIn"));
        Assert.False(await profiles.WithdrawConsentAsync(2, "emailOptIn"));
        var profile = await profiles.GetProfileAsync(1);
        Assert.Equal((false, true), ((bool)profile!["emailOptIn"]!, (bool)profile["smsOptIn"]!));
        await Assert.ThrowsAsync<ArgumentException>(() => profiles.WithdrawConsentAsync(1, "email"));
    }
}

public sealed class SqliteFeedbackStoreTests : FeedbackStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-feedback-").FullName;

    protected override async Task<(ProfileStore, FeedbackStore, Ledger)> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "data.db"));
        var (profiles, feedback, ledger) = (new SqliteProfileStore(database), new FeedbackStore(database), new Ledger(database));
        await profiles.InitializeAsync();
        await feedback.InitializeAsync();
        await ledger.InitializeAsync();
        return (profiles, feedback, ledger);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresFeedbackStoreTests(PostgresFixture postgres) : FeedbackStoreContract
{
    protected override async Task<(ProfileStore, FeedbackStore, Ledger)> CreateAsync()
    {
        var database = new PostgresDatabase(await postgres.CreateDatabaseAsync());
        var (profiles, feedback, ledger) = (new PostgresProfileStore(database), new FeedbackStore(database), new Ledger(database));
        await profiles.InitializeAsync();
        await feedback.InitializeAsync();
        await ledger.InitializeAsync();
        return (profiles, feedback, ledger);
    }
}

using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.LoadTest.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// Campaigns over an entity's rows on a node process, on SQLite (the outbox file) and on PostgreSQL (the outbox
/// table): 1,000 profiles and 5,000 bookings with spread ids; one email per booking with the booking's amount, the
/// bookings changed to their profiles with their count, sum and latest date, and profiles changed to their bookings,
/// each against plain SQL over the node's database; then a node killed with SIGKILL while it sends per booking sends
/// every booking's message once after its restart.
/// </summary>
public abstract class PerRowMessagesContract(ITestOutputHelper output) : IAsyncLifetime
{
    protected string DataDir { get; } = Directory.CreateTempSubdirectory("actorcampaigns-per-row-").FullName;

    private NodeProcess _node = null!;
    private (string, string)[] _settings = [];

    /// <summary>Settings of the node's store (<c>Postgres</c>), if any.</summary>
    protected abstract Task<(string, string)[]> StoreAsync();

    /// <summary>A connection, not yet open, to the node's database.</summary>
    protected abstract DbConnection Connection();

    /// <summary>The messages of a campaign's activity that left, as its provider holds them: message id, profile, subject.</summary>
    protected abstract Task<List<(string Id, long Profile, string Subject)>> MessagesAsync(string campaign, string activity);

    private const int Profiles = 1_000;
    private const int Bookings = 5_000;

    private static long ProfileId(int i) => 10_007L * i + 5;

    private static long BookingId(int b) => 77_000_000L + 131L * b;

    /// <summary>The email typed when booking: a member's in other case, one no profile has, or none.</summary>
    private static string GuestEmail(int b) => (b % 4) switch
    {
        0 => $"P{b * 13 % 1_100}@Example.COM",
        1 => "",
        _ => $"guest{b}@elsewhere.test",
    };

    public async Task InitializeAsync()
    {
        _settings = [.. await StoreAsync(), ("BatchSize", "100")];
        _node = await NodeProcess.StartAsync(DataDir, _settings);
        var profiles = new StringBuilder("id,email,firstName,country,emailOptIn\n");
        for (var i = 0; i < Profiles; i++)
            profiles.Append(CultureInfo.InvariantCulture, $"{ProfileId(i)},p{i}@example.com,Name{i},{(i % 3 == 0 ? "FR" : "DE")},{i % 10 != 9}\n");
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", profiles.ToString(), "text/csv")).Status);
        var bookings = new StringBuilder("id,profileId:link(profiles),amount:number,bookedOn:date,hotel,guestEmail,reference\n");
        for (var b = 0; b < Bookings; b++)
            bookings.Append(CultureInfo.InvariantCulture,
                $"{BookingId(b)},{ProfileId(b * 7 % Profiles)},{b * 37 % 300}.25,{new DateOnly(2026, 1, 1).AddDays(b * 11 % 300):yyyy-MM-dd},H{b % 17},{GuestEmail(b)},BK-{b:D5}\n");
        // Three bookings of a profile that was never imported: they have no address.
        for (var b = 0; b < 3; b++)
            bookings.Append(CultureInfo.InvariantCulture, $"{BookingId(Bookings + b)},4,10.25,2026-02-02,H0,,BK-9000{b}\n");
        var (status, answer) = await _node.SendAsync(HttpMethod.Post, "/api/entities/bookings/import", bookings.ToString(), "text/csv");
        Assert.True(status == HttpStatusCode.OK && answer.GetProperty("imported").GetInt32() == Bookings + 3, answer.ToString());
    }

    public virtual async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }

    private async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = Connection();
        await connection.OpenAsync();
        await using var command = Database.Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private static string Number(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    private static string Day(object value) => value switch
    {
        DateTime at => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        // SQLite keeps a date as its day number since 1970-01-01.
        _ => new DateOnly(1970, 1, 1).AddDays(Convert.ToInt32(value, CultureInfo.InvariantCulture)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    /// <summary>The bookings whose profile can get a marketing email, by id, with their amount: what plain SQL says gets one.</summary>
    private async Task<Dictionary<long, string>> MailableBookingsAsync() =>
        (await QueryAsync("""SELECT b.id, b.amount FROM entity_bookings b JOIN profiles p ON p.id = b."profileId" WHERE p."emailOptIn" AND p.email IS NOT NULL"""))
            .ToDictionary(r => Convert.ToInt64(r[0]), r => Number(r[1]!));

    private const string PerBooking = """
        { "name": "Per booking", "activities": [
            { "id": "rows", "type": "buildAudience", "entity": "bookings" },
            { "id": "mail", "type": "email", "throttle": THROTTLE,
              "content": { "from": "stays@example.com", "subject": "Booking {{ entity.id }}: {{ entity.amount }}", "html": "<p>{{ firstName }} at {{ entity.hotel }}</p>" } },
            { "id": "done", "type": "end" } ],
          "transitions": [ { "from": "rows", "to": "mail" }, { "from": "mail", "to": "done" }, { "from": "mail", "port": "excluded", "to": "done" } ] }
        """;

    [Fact]
    public async Task One_email_per_booking_with_its_amount_and_each_profile_with_its_bookings_aggregates_as_plain_SQL_computes_them()
    {
        var campaign = await CampaignRuns.RunAsync(_node, PerBooking.Replace("THROTTLE", "100000").Replace(
            """{ "id": "done", "type": "end" } ],""", """
            { "id": "people", "type": "changeDimension", "to": "profiles", "aggregates": [ { "name": "stays", "function": "count" },
                { "name": "spent", "function": "sum", "column": "amount" }, { "name": "lastStay", "function": "max", "column": "bookedOn" },
                { "name": "average", "function": "avg", "column": "amount" }, { "name": "firstHotel", "function": "min", "column": "hotel" } ] },
            { "id": "thanks", "type": "email", "content": { "from": "stays@example.com", "subject": "{{ stays }}|{{ spent }}|{{ lastStay }}|{{ firstHotel }}|{{ average }}", "html": "<p>{{ firstName }}</p>" } },
            { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
            { "id": "fr-stays", "type": "changeDimension", "to": "bookings", "filter": "amount > 100 and profile.firstName like 'Name1%'" },
            { "id": "done", "type": "end" } ],
            """).Replace("""{ "from": "rows", "to": "mail" },""", """
            { "from": "rows", "to": "mail" }, { "from": "rows", "to": "people" }, { "from": "people", "to": "thanks" }, { "from": "thanks", "to": "done" },
            { "from": "thanks", "port": "excluded", "to": "done" }, { "from": "fr", "to": "fr-stays" }, { "from": "fr-stays", "to": "done" },
            """));
        var activities = (await _node.StatusAsync(campaign)).GetProperty("executions")[0].GetProperty("activities");
        long Out(string activity, string port = "out") => activities.GetProperty(activity).GetProperty("out").GetProperty(port).GetInt64();

        // One email per booking whose profile may get one, its amount in its subject.
        var mailable = await MailableBookingsAsync();
        Assert.True(mailable.Count > 4_000, $"{mailable.Count}");
        var mails = await MessagesAsync(campaign, "mail");
        Assert.Equal(mailable.Count, Out("mail"));
        Assert.Equal(Bookings + 3 - mailable.Count, Out("mail", "excluded"));
        var byBooking = mails.ToDictionary(m => long.Parse(m.Id.Split('.')[4], CultureInfo.InvariantCulture));
        Assert.Equal(mailable.Keys.Order(), byBooking.Keys.Order());
        Assert.All(mailable, booking => Assert.Equal($"Booking {booking.Key}: {booking.Value}", byBooking[booking.Key].Subject));
        var owners = (await QueryAsync("""SELECT id, "profileId" FROM entity_bookings""")).ToDictionary(r => Convert.ToInt64(r[0]), r => Convert.ToInt64(r[1]));
        Assert.All(byBooking, m => Assert.Equal(owners[m.Key], m.Value.Profile));
        var excluded = activities.GetProperty("mail").GetProperty("excluded");
        Assert.Equal(3, excluded.GetProperty("noAddress").GetInt64());

        // The bookings changed to their profiles (each once, existing ones), with their count, sum and latest date.
        var aggregates = (await QueryAsync("""
            SELECT p.id, COUNT(*), SUM(b.amount), MAX(b."bookedOn"), MIN(b.hotel), AVG(b.amount), p."emailOptIn"
            FROM entity_bookings b JOIN profiles p ON p.id = b."profileId" GROUP BY p.id, p."emailOptIn"
            """)).ToDictionary(r => Convert.ToInt64(r[0]), r => (Line: $"{r[1]}|{Number(r[2]!)}|{Day(r[3]!)}|{r[4]}", Average: Convert.ToDouble(r[5]),
                OptIn: Convert.ToBoolean(r[6])));
        Assert.Equal(aggregates.Count, Out("people"));
        var thanks = await MessagesAsync(campaign, "thanks");
        Assert.Equal(aggregates.Where(a => a.Value.OptIn).Select(a => (a.Key, a.Value.Line)).Order(),
            thanks.Select(m => (m.Profile, m.Subject[..m.Subject.LastIndexOf('|')])).Order());
        Assert.All(thanks, m => Assert.Equal(aggregates[m.Profile].Average, double.Parse(m.Subject[(m.Subject.LastIndexOf('|') + 1)..], CultureInfo.InvariantCulture), 6));

        // French profiles changed to their bookings over 100 with the filter over their profile too.
        var frenchStays = (await QueryAsync("""
            SELECT COUNT(*) FROM entity_bookings b JOIN profiles p ON p.id = b."profileId" WHERE p.country = 'FR' AND b.amount > 100 AND p."firstName" LIKE 'Name1%'
            """))[0][0];
        Assert.True(Convert.ToInt64(frenchStays) > 50, $"{frenchStays}");
        Assert.Equal(Convert.ToInt64(frenchStays), Out("fr-stays"));
    }

    [Fact]
    public async Task A_change_to_bookings_is_previewed_estimated_and_proofed_as_bookings()
    {
        var (created, body) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "French stays", "activities": [ { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
                { "id": "stays", "type": "changeDimension", "to": "bookings" },
                { "id": "mail", "type": "email", "content": { "from": "stays@example.com", "subject": "Booking {{ entity.id }}: {{ entity.amount }}", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "fr", "to": "stays" }, { "from": "stays", "to": "mail" } ] }
            """);
        Assert.True(created == HttpStatusCode.Created, body.ToString());
        var campaign = body.GetProperty("id").GetString()!;
        var frenchStays = (await QueryAsync("""SELECT b.id, b.amount FROM entity_bookings b JOIN profiles p ON p.id = b."profileId" WHERE p.country = 'FR'"""))
            .ToDictionary(r => Convert.ToInt64(r[0]), r => Number(r[1]!));

        // The estimate counts a message per booking the profiles change to: at most every booking.
        var (asked, estimate) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/publish");
        Assert.True(asked == HttpStatusCode.Conflict, estimate.ToString());
        Assert.Equal(Bookings + 3, estimate.GetProperty("estimate").GetProperty("email").GetInt64());

        var (tested, test) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/test");
        Assert.True(tested == HttpStatusCode.OK, test.ToString());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await _node.StatusAsync(campaign)).GetProperty("executions")[0].GetProperty("state").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, $"{await _node.StatusAsync(campaign)}");
            await Task.Delay(50);
        }
        // The change's port holds bookings, previewed from their table.
        var (previewed, preview) = await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{campaign}/transitions/stays/out?limit=5");
        Assert.True(previewed == HttpStatusCode.OK, preview.ToString());
        Assert.Equal(frenchStays.Count, preview.GetProperty("count").GetInt64());
        Assert.All(preview.GetProperty("profiles").EnumerateArray(), row =>
            Assert.Equal(frenchStays[row.GetProperty("id").GetInt64()], Number(row.GetProperty("amount").GetDouble())));

        // Proofs are rendered for the test run's first bookings, each with its amount; naming profiles is refused.
        var (proofed, proofs) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/proofs", """{ "seeds": { "email": ["qa@example.com"] }, "first": 2 }""");
        Assert.True(proofed == HttpStatusCode.OK, proofs.ToString());
        var subjects = (await MessagesAsync(campaign, "mail")).Select(m => m.Subject).ToList();
        Assert.Equal(frenchStays.OrderBy(b => b.Key).Take(2).Select(b => $"[Proof] Booking {b.Key}: {b.Value}"), subjects.Order());
        var (refused, why) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/proofs", $$"""{ "seeds": { "email": ["qa@example.com"] }, "profiles": [{{ProfileId(0)}}] }""");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("'mail' sends one message per row of bookings", why.ToString());
    }

    [Fact]
    public async Task Bookings_reconciled_to_profiles_by_guest_email_and_a_file_of_references_reconciled_to_bookings_match_as_plain_SQL_does()
    {
        // A partner's file of booking references: some in lower case, one twice, some no booking has.
        var file = new StringBuilder("ref,note\n");
        for (var r = 0; r < 1_500; r++)
            file.Append(CultureInfo.InvariantCulture, $"{(r % 3 == 0 ? "bk" : "BK")}-{r * 3:D5},n{r}\n");
        file.Append("BK-00003,again\n");
        for (var r = 0; r < 20; r++)
            file.Append(CultureInfo.InvariantCulture, $"ZZ-{r},none\n");
        var (created, body) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Reconcile rows", "activities": [
                { "id": "rows", "type": "buildAudience", "entity": "bookings", "filter": "amount > 50" },
                { "id": "members", "type": "reconciliation", "keys": [ { "column": "guestEmail", "attribute": "email", "ignoreCase": true } ] },
                { "id": "welcome", "type": "email", "content": { "from": "stays@example.com", "subject": "Member {{ firstName }}", "html": "<p>Hi</p>" } },
                { "id": "load", "type": "loadFile", "file": "refs.csv", "columns": { "ref": "string", "note": "string" } },
                { "id": "confirmed", "type": "reconciliation", "to": "bookings", "keys": [ { "column": "ref", "attribute": "reference", "ignoreCase": true } ] },
                { "id": "confirm", "type": "email", "content": { "from": "stays@example.com", "subject": "Confirmed {{ entity.reference }}: {{ entity.amount }}", "html": "<p>Hi</p>" } },
                { "id": "done", "type": "end" } ],
              "transitions": [ { "from": "rows", "to": "members" }, { "from": "members", "port": "matched", "to": "welcome" },
                { "from": "members", "port": "unmatched", "to": "done" }, { "from": "welcome", "to": "done" }, { "from": "welcome", "port": "excluded", "to": "done" },
                { "from": "load", "to": "confirmed" }, { "from": "confirmed", "port": "matched", "to": "confirm" }, { "from": "confirmed", "port": "unmatched", "to": "done" },
                { "from": "confirm", "to": "done" }, { "from": "confirm", "port": "excluded", "to": "done" } ] }
            """);
        Assert.True(created == HttpStatusCode.Created, body.ToString());
        var campaign = body.GetProperty("id").GetString()!;
        // The estimate: every profile for the members (bookings' emails may match any), every booking for the confirmations (a reference may match many).
        var (asked, estimate) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/publish");
        Assert.True(asked == HttpStatusCode.Conflict, estimate.ToString());
        Assert.Equal(Profiles + Bookings + 3, estimate.GetProperty("estimate").GetProperty("email").GetInt64());
        var (stored, answer) = await _node.SendAsync(HttpMethod.Put, $"/api/campaigns/{campaign}/files/refs.csv", file.ToString(), "text/csv");
        Assert.True(stored == HttpStatusCode.OK, answer.ToString());
        Assert.Equal(HttpStatusCode.OK, (await _node.PublishAsync(campaign)).Status);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await _node.StatusAsync(campaign)).GetProperty("executions") is var executions
            && (executions.GetArrayLength() == 0 || executions[0].GetProperty("state").GetString() != "completed"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"campaign {campaign} did not complete: {await _node.StatusAsync(campaign)}");
            await Task.Delay(50);
        }
        var activities = (await _node.StatusAsync(campaign)).GetProperty("executions")[0].GetProperty("activities");
        long Out(string activity, string port) => activities.GetProperty(activity).GetProperty("out").GetProperty(port).GetInt64();

        // The bookings over 50 matched to profiles by the email typed, case aside: each profile once; the rest stay bookings.
        var members = (await QueryAsync("""
            SELECT DISTINCT p.id FROM entity_bookings b JOIN profiles p ON lower(p.email) = lower(b."guestEmail") WHERE b.amount > 50
            """)).Select(r => Convert.ToInt64(r[0])).Order().ToList();
        var strangers = Convert.ToInt64((await QueryAsync("""
            SELECT COUNT(*) FROM entity_bookings b WHERE b.amount > 50 AND NOT EXISTS (SELECT 1 FROM profiles p WHERE lower(p.email) = lower(b."guestEmail"))
            """))[0][0]);
        Assert.True(members.Count > 200 && strangers > 2_000, $"{members.Count} members, {strangers} strangers");
        Assert.Equal(members.Count, Out("members", "matched"));
        Assert.Equal(strangers, Out("members", "unmatched"));
        var optedIn = (await QueryAsync("""SELECT id FROM profiles WHERE "emailOptIn" """)).Select(r => Convert.ToInt64(r[0])).ToHashSet();
        Assert.Equal(members.Where(optedIn.Contains), (await MessagesAsync(campaign, "welcome")).Select(m => m.Profile).Order());

        // The file's references matched to bookings, case aside: one email per booking confirmed, with its amount, to its guest's profile.
        var references = file.ToString().Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[0].ToUpperInvariant()).ToHashSet();
        var confirmed = (await QueryAsync("""SELECT b.id, b.reference, b.amount, b."profileId" FROM entity_bookings b"""))
            .Where(r => references.Contains(((string)r[1]!).ToUpperInvariant())).ToDictionary(r => Convert.ToInt64(r[0]), r => (Subject: $"Confirmed {r[1]}: {Number(r[2]!)}", Profile: Convert.ToInt64(r[3])));
        Assert.Equal(1_500, confirmed.Count);
        Assert.Equal(1_500, Out("confirmed", "matched"));
        Assert.Equal(20, Out("confirmed", "unmatched"));
        var mailable = await MailableBookingsAsync();
        var confirmations = (await MessagesAsync(campaign, "confirm")).ToDictionary(m => long.Parse(m.Id.Split('.')[4], CultureInfo.InvariantCulture));
        Assert.Equal(confirmed.Keys.Where(mailable.ContainsKey).Order(), confirmations.Keys.Order());
        Assert.All(confirmations, m => Assert.Equal((confirmed[m.Key].Subject, confirmed[m.Key].Profile), (m.Value.Subject, m.Value.Profile)));

        // The previews read each port as what it holds: profiles, the bookings matching no member, a file's rows.
        var strangerBookings = (await QueryAsync("""
            SELECT b.id, b.reference FROM entity_bookings b WHERE b.amount > 50 AND NOT EXISTS (SELECT 1 FROM profiles p WHERE lower(p.email) = lower(b."guestEmail"))
            ORDER BY b.id
            """)).Take(3).Select(r => (Convert.ToInt64(r[0]), (string)r[1]!));
        var (previewed, strangersPreview) = await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{campaign}/transitions/members/unmatched?limit=3");
        Assert.True(previewed == HttpStatusCode.OK, strangersPreview.ToString());
        Assert.Equal(strangerBookings, strangersPreview.GetProperty("profiles").EnumerateArray()
            .Select(row => (row.GetProperty("id").GetInt64(), row.GetProperty("reference").GetString()!)));
        var (_, unmatchedRefs) = await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{campaign}/transitions/confirmed/unmatched?limit=50");
        Assert.Equal(Enumerable.Range(0, 20).Select(r => $"ZZ-{r}").Order(),
            unmatchedRefs.GetProperty("profiles").EnumerateArray().Select(row => row.GetProperty("ref").GetString()).Order());
    }

    [Fact]
    public async Task A_node_killed_while_it_sends_per_booking_sends_every_bookings_message_once_after_its_restart()
    {
        // 4,500 messages at 1,500 a second: three seconds of sending to be killed in.
        var campaign = await CampaignRuns.PublishAsync(_node, PerBooking.Replace("THROTTLE", "1500"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await MessagesAsync(campaign, "mail")).Count < 500)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no messages left: {await _node.StatusAsync(campaign)}");
            await Task.Delay(20);
        }
        var before = await _node.StatusAsync(campaign);
        _node.Kill();
        var sentBefore = (await MessagesAsync(campaign, "mail")).Count;
        output.WriteLine($"killed with {sentBefore} messages sent");
        Assert.Equal("live", before.GetProperty("status").GetString());
        var mailable = await MailableBookingsAsync();
        Assert.True(sentBefore < mailable.Count, $"the node must be killed before it sent all ({sentBefore})");

        await _node.DisposeAsync();
        _node = await NodeProcess.StartAsync(DataDir, _settings);
        deadline = DateTime.UtcNow.AddSeconds(120);
        while ((await _node.StatusAsync(campaign)).GetProperty("status").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, $"campaign {campaign} did not complete after the restart: {await _node.StatusAsync(campaign)}");
            await Task.Delay(100);
        }
        var mails = await MessagesAsync(campaign, "mail");
        var bookings = mails.Select(m => long.Parse(m.Id.Split('.')[4], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(mailable.Count, mails.Count);
        Assert.Equal(mailable.Keys.Order(), bookings.Order());
    }
}

public sealed class SqlitePerRowMessagesTests(ITestOutputHelper output) : PerRowMessagesContract(output)
{
    protected override Task<(string, string)[]> StoreAsync() => Task.FromResult<(string, string)[]>([]);

    protected override DbConnection Connection() => new SqliteConnection($"Data Source={Path.Combine(DataDir, "data.db")};Mode=ReadOnly;Pooling=false");

    protected override Task<List<(string Id, long Profile, string Subject)>> MessagesAsync(string campaign, string activity)
    {
        var path = Path.Combine(DataDir, "outbox", "email.jsonl");
        if (!File.Exists(path))
            return Task.FromResult(new List<(string, long, string)>());
        // A line being appended as the file is read is left out, whole or not.
        var messages = new List<(string, long, string)>();
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        while (reader.ReadLine() is { } line)
        {
            if (!line.EndsWith('}'))
                continue;
            var message = JsonDocument.Parse(line).RootElement;
            if (message.GetProperty("campaignId").GetString() == campaign && message.GetProperty("activityId").GetString() == activity)
                messages.Add((message.GetProperty("messageId").GetString()!, message.GetProperty("profileId").GetInt64(), message.GetProperty("subject").GetString()!));
        }
        return Task.FromResult(messages);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}

public sealed class PostgresPerRowMessagesTests(ITestOutputHelper output) : PerRowMessagesContract(output)
{
    private TemporaryPostgres? _server;

    protected override async Task<(string, string)[]> StoreAsync()
    {
        _server = await TemporaryPostgres.StartAsync();
        return [("Postgres", new NpgsqlConnectionStringBuilder(_server.ConnectionString) { MaxPoolSize = 80 }.ToString())];
    }

    protected override DbConnection Connection() => new NpgsqlConnection(_server!.ConnectionString);

    protected override async Task<List<(string Id, long Profile, string Subject)>> MessagesAsync(string campaign, string activity)
    {
        await using var connection = new NpgsqlConnection(_server!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT message_id, profile, content FROM outbox_messages WHERE campaign = @campaign AND activity = @activity", connection);
        command.Parameters.AddWithValue("campaign", campaign);
        command.Parameters.AddWithValue("activity", activity);
        await using var reader = await command.ExecuteReaderAsync();
        var messages = new List<(string, long, string)>();
        while (await reader.ReadAsync())
            messages.Add((reader.GetString(0), reader.GetInt64(1), JsonDocument.Parse(reader.GetString(2)).RootElement.GetProperty("subject").GetString()!));
        return messages;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
            await _server.DisposeAsync();
    }
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// <c>sendAt</c> 09:30 local on a node process whose clock the test moves: recipients in six time zones (a half-hour
/// one, and Paris, whose clocks go forward between the publish and its 09:30) and some with an empty or unknown zone
/// (the node's, UTC, counted). Each zone's messages leave at its 09:30, none early, each once; a SIGKILL while they are
/// held loses and repeats nothing.
/// </summary>
public sealed class LocalTimeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-localtime-").FullName;

    /// <summary>Saturday 27 March 2027, 10:00 UTC: Europe's clocks go forward the next night.</summary>
    private static readonly DateTimeOffset Publish = new(2027, 3, 27, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The zones, and the next 09:30 there after <see cref="Publish"/>, in UTC, worked by hand.</summary>
    private static readonly (string Zone, DateTimeOffset Due)[] Zones =
    [
        ("America/New_York", new(2027, 3, 27, 13, 30, 0, TimeSpan.Zero)), // EDT (−4) since 14 March
        ("America/Los_Angeles", new(2027, 3, 27, 16, 30, 0, TimeSpan.Zero)), // PDT (−7)
        ("Australia/Sydney", new(2027, 3, 27, 22, 30, 0, TimeSpan.Zero)), // AEDT (+11): Sunday 09:30
        ("Asia/Tokyo", new(2027, 3, 28, 0, 30, 0, TimeSpan.Zero)), // +9, Sunday
        ("Asia/Kolkata", new(2027, 3, 28, 4, 0, 0, TimeSpan.Zero)), // +5:30, Sunday
        ("Europe/Paris", new(2027, 3, 28, 7, 30, 0, TimeSpan.Zero)), // CEST (+2) from 02:00 that Sunday; CET at the publish
    ];

    /// <summary>Recipients with no zone or an unknown one get the node's (UTC): Sunday 09:30 UTC.</summary>
    private static readonly DateTimeOffset NodeZoneDue = new(2027, 3, 28, 9, 30, 0, TimeSpan.Zero);

    private const string Canvas = """
        { "name": "Half past nine", "activities": [ { "id": "all", "type": "buildAudience" },
            { "id": "mail", "type": "email", "sendAt": { "localTime": "09:30" },
              "content": { "from": "shop@example.com", "subject": "Good morning", "html": "<p>Morning</p>" } } ],
          "transitions": [ { "from": "all", "to": "mail" } ] }
        """;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    /// <summary>Profiles with gaps in their ids, in the zones round robin, and <paramref name="unzoned"/> each with none and with 'Mars/Olympus'.</summary>
    private async Task<Dictionary<long, DateTimeOffset>> ImportAsync(int zoned, int unzoned)
    {
        var due = new Dictionary<long, DateTimeOffset>();
        var csv = new StringBuilder("id,email,emailOptIn,timezone\n");
        for (var i = 0; i < zoned + 2 * unzoned; i++)
        {
            var id = 104_729L * i + i % 7 + 11;
            var (zone, at) = i < zoned ? Zones[i % Zones.Length] : i < zoned + unzoned ? ("", NodeZoneDue) : ("Mars/Olympus", NodeZoneDue);
            csv.Append($"{id},p{i}@example.com,true,{zone}\n");
            due[id] = at;
        }
        var store = new SqliteProfileStore(new SqliteDatabase(Path.Combine(_dataDir, "data.db")));
        await store.InitializeAsync();
        using (var reader = new StringReader(csv.ToString()))
            Assert.Equal(due.Count, (await store.ImportCsvAsync(reader)).Imported);
        SqliteConnection.ClearAllPools();
        return due;
    }

    private static async Task<DateTimeOffset> MoveToAsync(NodeProcess node, DateTimeOffset to)
    {
        var now = (await node.SendAsync(HttpMethod.Post, "/testing/clock/advance?by=PT1S")).Body.GetProperty("now").GetDateTimeOffset();
        if (to <= now)
            return now;
        // Whole seconds, rounded up: never short of the instant.
        var by = (long)Math.Ceiling((to - now).TotalSeconds);
        return (await node.SendAsync(HttpMethod.Post, $"/testing/clock/advance?by=PT{by}S")).Body.GetProperty("now").GetDateTimeOffset();
    }

    /// <summary>Every message the ledger recorded sent: profile → when, by the node's clock.</summary>
    private Dictionary<long, DateTimeOffset> Sent(string campaign)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT se.profile, se.at FROM sends se JOIN sendings sg ON sg.id = se.sending WHERE sg.campaign = $campaign";
        command.Parameters.AddWithValue("$campaign", campaign);
        var sent = new Dictionary<long, DateTimeOffset>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
                sent.Add(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
        }
        SqliteConnection.ClearPool(connection);
        return sent;
    }

    /// <summary>The outbox's messages of the campaign, by profile (a profile twice fails).</summary>
    private Dictionary<long, JsonElement> Outbox(string campaign)
    {
        var path = Path.Combine(_dataDir, "outbox", "email.jsonl");
        var text = File.Exists(path) ? File.ReadAllText(path) : "";
        return text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(m => m.GetProperty("campaignId").GetString() == campaign).ToDictionary(m => m.GetProperty("profileId").GetInt64());
    }

    private static async Task<JsonElement> MailAsync(NodeProcess node, string id, Func<JsonElement, bool> until, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var execution = (await node.StatusAsync(id)).GetProperty("executions")[0];
            var mail = execution.GetProperty("activities").GetProperty("mail");
            if (until(mail))
                return mail;
            Assert.True(DateTime.UtcNow < deadline, $"{what}: {execution}");
            await Task.Delay(100);
        }
    }

    /// <summary>Moves the clock to each moment due in turn: a minute before it nothing more has left, at it exactly that moment's recipients do.</summary>
    private async Task SendsEachGroupOnTimeAsync(NodeProcess node, string id, Dictionary<long, DateTimeOffset> due, IEnumerable<DateTimeOffset> moments)
    {
        foreach (var moment in moments)
        {
            var before = Outbox(id).Count;
            await MoveToAsync(node, moment.AddMinutes(-1));
            await Task.Delay(1_500);
            Assert.Equal(before, Outbox(id).Count);
            await MoveToAsync(node, moment);
            var expected = due.Where(d => d.Value <= moment).Select(d => d.Key).ToHashSet();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            // The outbox line is written before the ledger marks the batch sent: both are waited for.
            while (Outbox(id).Count < expected.Count || Sent(id).Count < expected.Count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the messages due at {moment:O} did not all leave: {Outbox(id).Count} of {expected.Count}");
                await Task.Delay(100);
            }
            Assert.Equal(expected.Order(), Outbox(id).Keys.Order());
            var late = Sent(id).Where(s => due[s.Key] == moment).Select(s => s.Value - moment).ToList();
            output.WriteLine($"{moment:O}: {late.Count} sent, from {late.Min().TotalSeconds:F1} s to {late.Max().TotalSeconds:F1} s after");
            Assert.All(late, l => Assert.InRange(l, TimeSpan.Zero, TimeSpan.FromMinutes(1)));
        }
    }

    [Fact]
    public async Task Each_recipient_gets_the_message_at_half_past_nine_on_their_own_clock()
    {
        var due = await ImportAsync(9_900, 50);
        await using var node = await NodeProcess.StartAsync(_dataDir, ("ClockControl", "true"));
        await MoveToAsync(node, Publish);
        var id = await CampaignRuns.PublishAsync(node, Canvas);

        // Nobody's 09:30 has come: everything waits for New York's.
        var waiting = await MailAsync(node, id, m => m.GetProperty("state").GetString() == "waiting", "the email did not wait");
        Assert.Equal((Zones[0].Due.UtcDateTime, 10_000L), (waiting.GetProperty("later").GetProperty("until").GetDateTime().ToUniversalTime(),
            waiting.GetProperty("later").GetProperty("messages").GetInt64()));
        Assert.Empty(Outbox(id));

        await SendsEachGroupOnTimeAsync(node, id, due, Zones.Select(z => z.Due).Append(NodeZoneDue));

        var mail = await MailAsync(node, id, m => m.GetProperty("state").GetString() == "completed", "the email did not complete");
        Assert.Equal((10_000L, 10_000L), (mail.GetProperty("in").GetInt64(), mail.GetProperty("out").GetProperty("out").GetInt64()));
        var lines = (await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/logs")).GetProperty("lines").EnumerateArray()
            .Select(l => l.GetProperty("message").GetString()!).ToList();
        Assert.Contains(lines, l => l.Contains("50 recipients with an unknown timezone (such as 'Mars/Olympus') and 50 with none", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Killed_while_messages_wait_for_their_time_they_leave_at_it_once_after_the_restart()
    {
        var due = await ImportAsync(1_200, 0);
        string id;
        await using (var first = await NodeProcess.StartAsync(_dataDir, ("ClockControl", "true")))
        {
            await MoveToAsync(first, Publish);
            id = await CampaignRuns.PublishAsync(first, Canvas);
            await SendsEachGroupOnTimeAsync(first, id, due, Zones.Take(2).Select(z => z.Due));
            await MailAsync(first, id, m => m.GetProperty("state").GetString() == "waiting", "the email did not wait for Sydney");
            first.Kill();
        }
        Assert.Equal(400, Outbox(id).Count);

        // The restarted node's clock starts from the real time again: moved back to where it was, then on.
        await using var second = await NodeProcess.StartAsync(_dataDir, ("ClockControl", "true"));
        await MoveToAsync(second, Zones[1].Due.AddMinutes(5));
        await SendsEachGroupOnTimeAsync(second, id, due, Zones.Skip(2).Select(z => z.Due));
        var mail = await MailAsync(second, id, m => m.GetProperty("state").GetString() == "completed", "the email did not complete");
        Assert.Equal(1_200L, mail.GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(1_200, Sent(id).Count);
    }
}

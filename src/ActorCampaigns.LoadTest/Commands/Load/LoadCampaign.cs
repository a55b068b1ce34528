using System.Globalization;
using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Samples;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.LoadTest.Commands.Load;

/// <summary>
/// One campaign of a load run: the profiles of its id slice, split by channel consent into an email and an SMS; and
/// what it must send, counted by plain SQL over the same profiles.
/// </summary>
public sealed record LoadCampaign(int Number, long After, long Through)
{
    public string Id { get; set; } = "";

    /// <summary>
    /// Slices of the ids <paramref name="generator"/> gives <paramref name="profiles"/> profiles, each holding
    /// profiles / campaigns of them (or one more) whatever the ids' layout: their bounds are the ids' quantiles.
    /// </summary>
    public static IReadOnlyList<LoadCampaign> Slices(int campaigns, long profiles, ProfileGenerator generator)
    {
        var ids = new long[profiles];
        for (var i = 0; i < ids.Length; i++)
            ids[i] = generator.IdOf(i + 1);
        Array.Sort(ids);
        // Slice k ends at the id of the (profiles * k / campaigns)-th profile in id order; the first starts below the lowest id.
        long Bound(int k) => profiles * k / campaigns is var count and > 0 ? ids[count - 1] : ids[0] - 1;
        return Enumerable.Range(0, campaigns).Select(k => new LoadCampaign(k + 1, Bound(k), Bound(k + 1))).ToList();
    }

    public string Document => string.Create(CultureInfo.InvariantCulture, $$$"""
        { "name": "Load {{{Number}}}", "activities": [
            { "id": "slice", "type": "buildAudience", "filter": "id > {{{After}}} and id <= {{{Through}}}" },
            { "id": "split", "type": "split", "subsets": [
                { "name": "email", "filter": "emailOptIn and email is not null" },
                { "name": "sms", "filter": "smsOptIn and phone is not null" } ], "complement": true },
            { "id": "mail", "type": "email", "content": { "from": "load@example.com", "subject": "Load {{{Number}}}, {{ firstName }}", "html": "<p>Hi {{ firstName }}</p>" } },
            { "id": "text", "type": "sms", "content": { "text": "{{ firstName }}: load {{{Number}}}" } },
            { "id": "end", "type": "end" } ],
          "transitions": [ { "from": "slice", "to": "split" }, { "from": "split", "port": "email", "to": "mail" },
                           { "from": "split", "port": "sms", "to": "text" }, { "from": "mail", "to": "end" }, { "from": "text", "to": "end" } ] }
        """);

    /// <summary>What plain SQL says the campaign must do: profiles in its slice, emails, SMS (split takes email first).</summary>
    public async Task<(long Slice, long Mail, long Text)> ExpectedAsync(Database database, CancellationToken cancel)
    {
        const string email = "COALESCE(\"emailOptIn\" = true AND \"email\" IS NOT NULL, false)";
        const string sms = "COALESCE(\"smsOptIn\" = true AND \"phone\" IS NOT NULL, false)";
        await using var connection = await database.OpenAsync(cancel);
        await using var command = Command(connection,
            $"SELECT COUNT(*), SUM(CASE WHEN {email} THEN 1 ELSE 0 END), SUM(CASE WHEN NOT {email} AND {sms} THEN 1 ELSE 0 END) " +
            "FROM profiles WHERE \"id\" > @after AND \"id\" <= @through");
        Parameter(command, "@after", After);
        Parameter(command, "@through", Through);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        await reader.ReadAsync(cancel);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? 0 : Convert.ToInt64(reader.GetValue(1)), reader.IsDBNull(2) ? 0 : Convert.ToInt64(reader.GetValue(2)));
    }

    /// <summary>Messages the delivery ledger recorded as sent for the execution, per channel activity (plain SQL over sends).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> RecordedAsync(Database database, string campaign, string execution, CancellationToken cancel)
    {
        await using var connection = await database.OpenAsync(cancel);
        await using var command = Command(connection,
            "SELECT g.activity, COUNT(*) FROM sends s JOIN sendings g ON g.id = s.sending WHERE g.campaign = @campaign AND g.execution = @execution GROUP BY g.activity");
        Parameter(command, "@campaign", campaign);
        Parameter(command, "@execution", execution);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync(cancel))
            counts[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1));
        return counts;
    }

    public static long Out(JsonElement status, string activity) =>
        status.GetProperty("executions")[0].GetProperty("activities").GetProperty(activity).GetProperty("out").GetProperty("out").GetInt64();
}

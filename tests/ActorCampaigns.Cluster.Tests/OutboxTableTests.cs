using ActorCampaigns.Channels;
using ActorCampaigns.Data;
using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.LoadTest.Postgres;
using Npgsql;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>The cluster's outbox table: a batch sent again, wholly or in part, leaves one row per message.</summary>
public sealed class OutboxTableTests : IAsyncLifetime
{
    private TemporaryPostgres? _postgres;
    private PostgresDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _postgres = await TemporaryPostgres.StartAsync();
        _database = new PostgresDatabase(_postgres.ConnectionString);
        await OutboxTable.InitializeAsync(_database);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
    }

    private static List<OutboundMessage> Messages(int from, int to) => Enumerable.Range(from, to - from + 1).Select(p => new OutboundMessage(
        OutboundMessage.IdFor("c-1", "e-1", "mail", p), "c-1", "e-1", "mail", p, $"p{p}@example.com",
        [new("subject", $"Hi {p}"), new("html", "<p>it's \"quoted\" \\ and ünïcode</p>")])).ToList();

    private async Task<List<string[]>> RowsAsync()
    {
        await using var connection = new NpgsqlConnection(_postgres!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT message_id, channel, profile, recipient, content->>'subject', content->>'html' FROM outbox_messages ORDER BY profile", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
            rows.Add([reader.GetString(0), reader.GetString(1), reader.GetInt64(2).ToString(), reader.GetString(3), reader.GetString(4), reader.GetString(5)]);
        return rows;
    }

    [Fact]
    public async Task A_batch_sent_again_in_part_adds_only_the_messages_not_yet_there()
    {
        var outbox = new OutboxTable(_database, "email");
        await outbox.SendAsync(Messages(1, 100));
        // The same batch again (a node died after writing it) and a batch overlapping it: no error, no second row.
        var results = await outbox.SendAsync(Messages(1, 100));
        await outbox.SendAsync(Messages(51, 150));

        Assert.All(results, r => Assert.True(r.Sent));
        var rows = await RowsAsync();
        Assert.Equal(150, rows.Count);
        Assert.Equal(Enumerable.Range(1, 150).Select(p => $"c-1.e-1.mail.{p}"), rows.Select(r => r[0]));
        Assert.Equal(["c-1.e-1.mail.150", "email", "150", "p150@example.com", "Hi 150", "<p>it's \"quoted\" \\ and ünïcode</p>"], rows[^1]);
    }
}

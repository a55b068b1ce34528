using ActorCampaigns.Data;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Data.Tests;

/// <summary>
/// Microsoft.Data.Sqlite's pool could lend one native connection to two owners when opens raced (dotnet/efcore#39008):
/// a worktable writer then shared its connection with a reader's open statement, and its insert waited forever for a
/// snapshot that could not move (a 10M-profile campaign hung that way). Connections open one at a time. Without
/// that, this test found two owners of one connection within 100 to 200 rounds here.
/// </summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-sqlite-").FullName;

    [Fact]
    public async Task Connections_opened_at_once_each_have_a_native_connection_of_their_own()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "data.db"));
        const int owners = 16;
        for (var round = 0; round < 300; round++)
        {
            // Opens race best from a cold pool, on threads of their own released at once.
            await using (var first = await database.OpenAsync(CancellationToken.None))
                SqliteConnection.ClearPool((SqliteConnection)first);
            using var ready = new Barrier(owners);
            var connections = new SqliteConnection[owners];
            var threads = Enumerable.Range(0, owners).Select(i => new Thread(() =>
            {
                ready.SignalAndWait(TimeSpan.FromSeconds(30));
                connections[i] = (SqliteConnection)database.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            try
            {
                Assert.Equal(owners, connections.Select(c => c.Handle!.DangerousGetHandle()).Distinct().Count());
            }
            finally
            {
                foreach (var connection in connections)
                    await connection.DisposeAsync();
            }
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

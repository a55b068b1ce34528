using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>Opens the profile store named on the command line: SQLite under --data-dir, or PostgreSQL with --postgres.</summary>
public static class Stores
{
    public static async Task<ProfileStore> OpenAsync(Arguments args, CancellationToken cancellationToken)
    {
        var postgres = args.Text("postgres");
        ProfileStore store = postgres is not null
            ? new PostgresProfileStore(new PostgresDatabase(postgres))
            : new SqliteProfileStore(new SqliteDatabase(Path.Combine(args.Text("data-dir") ?? "./data", "data.db")));
        await store.InitializeAsync(cancellationToken);
        return store;
    }
}

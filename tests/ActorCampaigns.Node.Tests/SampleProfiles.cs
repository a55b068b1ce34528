using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Data.Samples;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>Generated profiles imported into a data dir before a node starts on it, as the import command would.</summary>
internal static class SampleProfiles
{
    public static async Task ImportAsync(string dataDir, int profiles, int seed, IdLayout ids = IdLayout.Dense)
    {
        var csv = Path.Combine(dataDir, "profiles.csv");
        await using (var file = File.Create(csv))
            await new ProfileGenerator(seed, ids).WriteAsync(file, profiles);
        var store = new SqliteProfileStore(new SqliteDatabase(Path.Combine(dataDir, "data.db")));
        await store.InitializeAsync();
        using (var reader = new StreamReader(csv))
            Assert.Equal(profiles, (await store.ImportCsvAsync(reader)).Imported);
        SqliteConnection.ClearAllPools();
    }
}

using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// <c>demo [--data-dir ./data] [--profiles 1M]</c>: on an empty data dir, generates and imports sample profiles;
/// then counts the audiences of the benchmark canvas's targeting filters.
/// </summary>
public static class DemoCommand
{
    public static readonly string[] Filters =
    [
        "country = 'FR' and emailOptIn",
        "emailOptIn or smsOptIn or pushOptIn",
        "createdAt > timestamp('2024-01-01T00:00:00Z')",
        "country in ('KP', 'IR', 'SY')",
        "loyaltyTier in ('gold', 'platinum') and lifetimeValue > 100 and birthDate > date('1990-01-01')",
    ];

    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var dataDir = args.Text("data-dir") ?? "./data";
        var profiles = args.Count("profiles", 1_000_000);
        args.RejectUnknown();
        var store = new SqliteProfileStore(new SqliteDatabase(Path.Combine(dataDir, "data.db")));
        await store.InitializeAsync(cancellationToken);
        var existing = await store.CountAsync(null, EvaluationContext.At(DateTime.UtcNow), cancellationToken);
        if (existing == 0)
        {
            var csv = Path.Combine(dataDir, "sample-profiles.csv");
            output.WriteLine($"{dataDir} has no profiles yet: generating {profiles:N0} sample profiles");
            await GenerateCommand.GenerateAsync(csv, profiles, seed: 1, output, cancellationToken);
            await ImportCommand.ImportAsync(store, csv, output, cancellationToken);
            File.Delete(csv);
        }
        else
        {
            output.WriteLine($"{dataDir} holds {existing:N0} profiles");
        }
        output.WriteLine();
        output.WriteLine($"{"audience",-100} {"profiles",12} {"seconds",8}");
        foreach (var filter in Filters)
        {
            var audience = await CountCommand.CountAsync(store, filter, cancellationToken);
            output.WriteLine($"{filter,-100} {audience.Count,12:N0} {audience.Elapsed.TotalSeconds,8:F2}");
        }
        return 0;
    }
}

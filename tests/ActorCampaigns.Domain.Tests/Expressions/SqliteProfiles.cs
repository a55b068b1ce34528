using ActorCampaigns.Data;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Domain.Tests.Expressions;

/// <summary>
/// A real SQLite profile store in a temporary file, its tables created by the Data project (profiles with a custom
/// attribute of every type, feedback events, sends), holding a few profiles with nulls, long text and extreme numbers.
/// </summary>
public sealed class SqliteProfiles : IAsyncLifetime
{
    public const string Mail = "mail";

    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-expr-").FullName;

    /// <summary>Profile 2's tier: a <c>like</c> pattern SQLite refuses ("LIKE or GLOB pattern too complex").</summary>
    public const int LongTier = 60_000;

    public SqliteProfileStore Store { get; private set; } = null!;

    public ProfileSchema Schema { get; private set; } = null!;

    /// <summary>Profile attributes and a variable of every type; feedback predicates may name <see cref="Mail"/>.</summary>
    public BindingScope Scope { get; private set; } = null!;

    public static readonly EvaluationContext Context = new(new DateTime(2026, 11, 28, 10, 30, 0, DateTimeKind.Utc),
        new Dictionary<string, object?> { ["text"] = "%" + new string('_', 2_000), ["whole"] = long.MaxValue, ["flag"] = true },
        new ExecutionScope("c-1", "e-1"));

    public async Task InitializeAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "profiles.db"));
        Store = new SqliteProfileStore(database);
        await Store.InitializeAsync();
        await new FeedbackStore(database).InitializeAsync();
        await new Ledger(database).InitializeAsync();
        var longText = new string('%', LongTier);
        var csv = $"""
            id,email,country,tier:string,score:int,ratio:number,vip:bool,joined:date,seen:timestamp
            1,a@x.io,FR,gold,7,0.5,true,2000-01-01,2024-01-31T09:00:00Z
            2,,DE,{longText},{long.MaxValue},-1e300,false,0001-01-01,9999-12-31T23:59:59Z
            3,c@x.io,,,{long.MinValue},,,,
            4,d@x.io,FR,_,-3000000,0,true,9999-12-31,0001-01-01T00:00:00Z
            """;
        var summary = await Store.ImportCsvAsync(new StringReader(csv));
        Assert.Equal(4, summary.Imported);
        Schema = await Store.GetSchemaAsync();
        var variables = new Dictionary<string, ExprType> { ["text"] = ExprType.String, ["whole"] = ExprType.Int, ["flag"] = ExprType.Bool };
        Scope = BindingScope.ForProfiles(Schema, variables) with { FeedbackActivities = new HashSet<string> { Mail } };
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

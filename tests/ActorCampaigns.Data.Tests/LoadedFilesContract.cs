using System.Text;
using ActorCampaigns.Data.Files;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Data.Tests;

/// <summary>Loads of files kept per execution, on SQLite and PostgreSQL alike.</summary>
public abstract class LoadedFilesContract
{
    protected abstract Task<Database> CreateDatabaseAsync();

    private static readonly FileColumn[] Columns = [new("email", AttributeType.String), new("amount", AttributeType.Number), new("at", AttributeType.Timestamp)];

    private static async Task<List<FileChunk>> ReadAsync(string text, FileFormat format, int chunk = 3) =>
        await FileRows.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), format, Columns, chunk, CancellationToken.None).ToListAsync();

    [Fact]
    public async Task A_load_written_in_chunks_reads_back_its_rows_by_line_and_its_rejects_and_starts_over_once_cleared()
    {
        var loads = new LoadedFiles(await CreateDatabaseAsync());
        await loads.InitializeAsync();
        var load = new ExecutionActivity("c-1", "e-1", "load");
        var chunks = await ReadAsync("""
            at,email,amount,extra
            2026-11-01T10:00:00Z,a@example.com,1.5,x
            2026-11-01T10:00:00Z,b@example.com,two,x
            ,c@example.com,,x

            2026-11-31T10:00:00Z,d@example.com,4,x
            2026-11-02T10:00:00+01:00,"e, the ""fifth""@example.com",5e1,x
            2026-11-02T10:00:00Z,f@example.com,6
            """.Replace("\r\n", "\n"), FileFormat.Csv);
        Assert.Null(await loads.LoadedAsync(load));
        foreach (var chunk in chunks)
            await loads.AppendAsync(load, chunk);
        await loads.CloseAsync(load, new LoadSummary(3, 3));
        Assert.Equal(new LoadSummary(3, 3), await loads.LoadedAsync(load));
        Assert.Equal([[2L, 4L], [7L]], await loads.LinesAsync(load, 2).ToListAsync());
        var rows = (await loads.RowsAsync(load, 10).ToListAsync()).SelectMany(page => page).ToList();
        Assert.Equal("""{"email":"a@example.com","amount":1.5,"at":"2026-11-01T10:00:00.000000Z"}""", rows[0].Values);
        Assert.Equal("""{"email":"c@example.com","amount":null,"at":null}""", rows[1].Values);
        Assert.Equal("""{"email":"e, the \"fifth\"@example.com","amount":50,"at":"2026-11-02T09:00:00.000000Z"}""", rows[2].Values);
        Assert.Equal([(3L, "amount: 'two' is not a valid number"), (6L, "at: '2026-11-31T10:00:00Z' is not a valid timestamp"), (8L, "has 3 fields, the header has 4")],
            (await loads.RejectsAsync(load).ToListAsync()).Select(r => (r.Line, r.Reason)));

        // Another execution's load is apart; a cleared load (stopped midway) has nothing left.
        Assert.Empty(await loads.LinesAsync(load with { Execution = "e-2" }, 10).ToListAsync());
        await loads.ClearAsync(load);
        Assert.Null(await loads.LoadedAsync(load));
        Assert.Empty(await loads.LinesAsync(load, 10).ToListAsync());
        Assert.Empty(await loads.RejectsAsync(load).ToListAsync());
    }

    [Fact]
    public async Task A_header_without_a_declared_column_refuses_the_file()
    {
        var refused = await Assert.ThrowsAsync<FileRefusedException>(() => ReadAsync("email,total\na@example.com,3\n", FileFormat.Csv));
        Assert.Equal("its header has no column 'amount' (it has 'email', 'total')", refused.Message);
    }

    [Fact]
    public async Task Json_lines_are_read_by_key_each_bad_line_rejected_alone()
    {
        var chunks = await ReadAsync("{\"amount\": 2, \"email\": \"a@example.com\", \"other\": [1]}\r\n\n  \n{\"email\": null, \"amount\": true}\n{\"email\": \"\\u00e9\", \"at\": \"2026-11-01T10:00:00Z\"}\n{\"email\": \"x\"", FileFormat.Jsonl);
        Assert.Equal([(1L, """{"email":"a@example.com","amount":2,"at":null}"""), (5L, """{"email":"é","amount":null,"at":"2026-11-01T10:00:00.000000Z"}""")],
            chunks.SelectMany(c => c.Rows).Select(r => (r.Line, r.Values)));
        Assert.Equal([4L, 6L], chunks.SelectMany(c => c.Rejects).Select(r => r.Line));
        Assert.StartsWith("amount: 'true' is not a valid number", chunks.SelectMany(c => c.Rejects).First().Reason);

        // A byte order mark before the first line is not part of it; bytes that are not UTF-8 reject their line alone.
        var file = new MemoryStream();
        file.Write([0xEF, 0xBB, 0xBF]);
        file.Write("{\"email\": \"a@example.com\"}\n{\"email\": \""u8);
        file.Write([0xFF, 0xFE]);
        file.Write("\"}\n{\"email\": \"b@example.com\"}\n"u8);
        file.Position = 0;
        var read = await FileRows.ReadAsync(file, FileFormat.Jsonl, Columns, 10, CancellationToken.None).ToListAsync();
        Assert.Equal([1L, 3L], read.SelectMany(c => c.Rows).Select(r => r.Line));
        Assert.Equal((2L, "has bytes that are not UTF-8"), read.SelectMany(c => c.Rejects).Select(r => (r.Line, r.Reason)).Single());
    }
}

public sealed class SqliteLoadedFilesTests : LoadedFilesContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-loaded-").FullName;

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult<Database>(new SqliteDatabase(Path.Combine(_folder, "data.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLoadedFilesTests(PostgresFixture postgres) : LoadedFilesContract
{
    protected override async Task<Database> CreateDatabaseAsync() => new PostgresDatabase(await postgres.CreateDatabaseAsync());
}

using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Profiles;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Entities;

/// <summary>An entity a campaign can target: its rows' store and the column that links each row to its profile.</summary>
public sealed record Entity(string Name, string Link, ProfileStore Rows);

/// <summary>
/// The entities of a node besides profiles (bookings, subscriptions, purchases): each declared by its first import,
/// whose header names an <c>id</c> and one column typed <c>link(profiles)</c>, kept in a table of its own and listed
/// in <c>entities</c> with its link. Later imports upsert rows and may add columns, as profile imports do; they keep
/// the link column the first declared.
/// </summary>
public sealed class EntityCatalog(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, _, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS entities (name {text} PRIMARY KEY, link_column {text} NOT NULL, link_to {text} NOT NULL);
            """, cancellationToken);
    }

    /// <summary>The entities declared, by name.</summary>
    public async Task<IReadOnlyList<Entity>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT name, link_column FROM entities ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entities = new List<Entity>();
        while (await reader.ReadAsync(cancellationToken))
            entities.Add(Open(reader.GetString(0), reader.GetString(1)));
        return entities;
    }

    /// <summary>The columns of each entity's rows, by entity: what campaigns are checked against.</summary>
    public async Task<IReadOnlyDictionary<string, ProfileSchema>> SchemasAsync(CancellationToken cancellationToken = default)
    {
        var schemas = new Dictionary<string, ProfileSchema>(StringComparer.Ordinal);
        foreach (var entity in await ListAsync(cancellationToken))
            schemas[entity.Name] = await entity.Rows.GetSchemaAsync(cancellationToken);
        return schemas;
    }

    /// <summary>The entity of that name, or null when none was imported.</summary>
    public async Task<Entity?> FindAsync(string name, CancellationToken cancellationToken = default) =>
        ProfileSchema.IsEntityName(name) ? (await ListAsync(cancellationToken)).FirstOrDefault(e => e.Name == name) : null;

    /// <summary>
    /// Imports an entity's rows from a CSV file of UTF-8 bytes, declaring the entity on its first import. A name that
    /// is not an entity name, a first header without exactly one <c>link(profiles)</c> column, a link to anything else
    /// or a later header linking by another column refuse the file (<see cref="ImportRefusedException"/>) before any row
    /// is written; bad lines are rejected one by one, as for profiles.
    /// </summary>
    public async Task<ImportSummary> ImportCsvAsync(string name, Stream utf8, IProgress<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (!ProfileSchema.IsEntityName(name))
            throw new ImportRefusedException($"'{Excerpt(name)}' is not an entity name: lower-case letters, digits and '_', from a letter, " +
                $"at most {ProfileSchema.MaxEntityNameLength} characters, and not 'profiles'");
        var known = await FindAsync(name, cancellationToken);
        var rows = known?.Rows ?? ProfileStore.Open(database, StoredTable.Entity(name));
        await rows.InitializeAsync(cancellationToken);
        try
        {
            return await rows.ImportCsvAsync(utf8, progress, cancellationToken, (header, cancel) => AcceptAsync(name, known, header, cancel));
        }
        catch (ImportRefusedException) when (known is null)
        {
            // A first import refused leaves no tables behind, unless another declared the entity meanwhile.
            if (await FindAsync(name, CancellationToken.None) is null)
                await database.CreateTablesAsync($"DROP TABLE IF EXISTS {rows.Table.Name}; DROP TABLE IF EXISTS {rows.Table.Columns}; " +
                    $"DROP TABLE IF EXISTS {rows.Table.Imports};", CancellationToken.None);
            throw;
        }
    }

    /// <summary>Checks an import's header against the entity (declared or not yet), declaring it on its first import.</summary>
    private async Task AcceptAsync(string name, Entity? known, ImportHeader header, CancellationToken cancel)
    {
        if (header.Links.FirstOrDefault(l => l.Target != "profiles") is ({ } column, { } target))
            throw new ImportRefusedException($"bad CSV header: column '{column}' links to '{Excerpt(target)}': an entity's rows link to profiles (link(profiles))");
        if (known is null && header.Links.Count != 1)
            throw new ImportRefusedException($"bad CSV header: the first import of '{name}' declares the column that links each row to its profile, " +
                $"such as profileId:link(profiles); {(header.Links.Count == 0 ? "none is declared" : $"{header.Links.Count} are")}");
        if (known is not null && header.Links.FirstOrDefault(l => l.Column != known.Link) is ({ } other, _))
            throw new ImportRefusedException($"bad CSV header: '{name}' links to profiles by '{known.Link}', not by '{other}'");
        // A first import that stopped between declaring the entity and adding its columns left the link to declare.
        if (known is not null && header.Schema.Find(known.Link) is null)
            throw new ImportRefusedException($"bad CSV header: the rows of '{name}' have no column '{known.Link}' yet: declare it ({known.Link}:link(profiles))");
        if (known is null && await RegisterAsync(name, header.Links[0].Column, cancel) is { } declared && declared != header.Links[0].Column)
            throw new ImportRefusedException($"bad CSV header: '{name}' was declared meanwhile, linking to profiles by '{declared}'");
    }

    /// <summary>Declares the entity unless an import running at the same time did; the link column it has.</summary>
    private async Task<string?> RegisterAsync(string name, string link, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var insert = Command(connection, "INSERT INTO entities (name, link_column, link_to) VALUES (@name, @link, 'profiles') ON CONFLICT (name) DO NOTHING"))
        {
            Parameter(insert, "@name", name);
            Parameter(insert, "@link", link);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var declared = Command(connection, "SELECT link_column FROM entities WHERE name = @name");
        Parameter(declared, "@name", name);
        return (string?)await declared.ExecuteScalarAsync(cancellationToken);
    }

    private Entity Open(string name, string link) => new(name, link, ProfileStore.Open(database, StoredTable.Entity(name, link)));

    private static string Excerpt(string text) => Csv.CsvText.Excerpt(text);
}

using System.Security.Cryptography;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Files;

/// <summary>A file attached to a campaign, as listed.</summary>
public sealed record CampaignFile(string Name, long Size, string Sha256, DateTimeOffset StoredAt);

/// <summary>A file over the node's size limit: nothing of it is kept.</summary>
public sealed class FileTooLargeException(long limit) : Exception($"the file is larger than {limit:N0} bytes")
{
    public long Limit => limit;
}

/// <summary>
/// Files attached to campaigns (<c>campaign_files</c>), in the database every member shares, so whichever member runs
/// the campaign reads them. A file replaced keeps its name; executions already loaded keep what they loaded.
/// </summary>
public sealed class CampaignFiles(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (blob, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS campaign_files (
                campaign {text} NOT NULL, name {text} NOT NULL, size {whole} NOT NULL, sha256 {text} NOT NULL, stored_at {text} NOT NULL,
                content {blob} NOT NULL, PRIMARY KEY (campaign, name));
            """, cancellationToken);
    }

    /// <summary>Stores <paramref name="content"/> as the campaign's file <paramref name="name"/>, replacing one of that name; nothing when it is over <paramref name="limit"/>.</summary>
    public async Task<CampaignFile> PutAsync(string campaign, string name, Stream content, long limit, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var bytes = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (bytes.Length + read > limit)
                throw new FileTooLargeException(limit);
            bytes.Write(buffer, 0, read);
        }
        var file = new CampaignFile(name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes.GetBuffer().AsSpan(0, (int)bytes.Length))), now);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var upsert = Command(connection,
            "INSERT INTO campaign_files (campaign, name, size, sha256, stored_at, content) VALUES (@campaign, @name, @size, @sha256, @at, @content) " +
            "ON CONFLICT (campaign, name) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, stored_at = excluded.stored_at, content = excluded.content");
        Parameter(upsert, "@campaign", campaign);
        Parameter(upsert, "@name", name);
        Parameter(upsert, "@size", file.Size);
        Parameter(upsert, "@sha256", file.Sha256);
        Parameter(upsert, "@at", now.UtcDateTime.ToString("O"));
        Parameter(upsert, "@content", bytes.ToArray());
        await upsert.ExecuteNonQueryAsync(cancellationToken);
        return file;
    }

    /// <summary>The campaign's file <paramref name="name"/>, or null.</summary>
    public async Task<Stream?> OpenAsync(string campaign, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, "SELECT content FROM campaign_files WHERE campaign = @campaign AND name = @name");
        Parameter(select, "@campaign", campaign);
        Parameter(select, "@name", name);
        return await select.ExecuteScalarAsync(cancellationToken) is byte[] content ? new MemoryStream(content, writable: false) : null;
    }

    public async Task<IReadOnlyList<CampaignFile>> ListAsync(string campaign, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, "SELECT name, size, sha256, stored_at FROM campaign_files WHERE campaign = @campaign ORDER BY name");
        Parameter(select, "@campaign", campaign);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var files = new List<CampaignFile>();
        while (await reader.ReadAsync(cancellationToken))
            files.Add(new CampaignFile(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture)));
        return files;
    }
}

using System.Data.Common;
using System.Globalization;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Campaigns;

/// <summary>A version of a campaign's document: its number (1: as created), when and by whom, and the document as written.</summary>
public sealed record CampaignVersion(int Number, DateTimeOffset At, string Actor, string Document);

/// <summary>
/// Every document a campaign had (<c>campaign_versions</c>): the one it was created with, then each that replaced it,
/// numbered from 1, with who gave it (the id of the key presented, as the audit names it) and when. Kept for good.
/// </summary>
public sealed class CampaignVersions(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS campaign_versions (campaign {text} NOT NULL, version {whole} NOT NULL, at {text} NOT NULL, actor {text} NOT NULL,
                document {text} NOT NULL, PRIMARY KEY (campaign, version));
            """, cancellationToken);
    }

    /// <summary>Keeps <paramref name="document"/> as the campaign's next version; its number.</summary>
    public async Task<int> AddAsync(string campaign, DateTimeOffset at, string actor, string document, CancellationToken cancellationToken = default)
    {
        // Two replaces at once both read the same last number: the second's insert conflicts, and it takes the next.
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var insert = Command(connection, """
                INSERT INTO campaign_versions (campaign, version, at, actor, document)
                SELECT @campaign, COALESCE(MAX(version), 0) + 1, @at, @actor, @document FROM campaign_versions WHERE campaign = @campaign
                ON CONFLICT DO NOTHING RETURNING version
                """);
            Parameter(insert, "@campaign", campaign);
            Parameter(insert, "@at", at.UtcDateTime.ToString("O"));
            Parameter(insert, "@actor", actor);
            Parameter(insert, "@document", document);
            if (await insert.ExecuteScalarAsync(cancellationToken) is { } version and not DBNull)
                return Convert.ToInt32(version, CultureInfo.InvariantCulture);
            if (attempt == 10)
                throw new InvalidOperationException($"campaign '{campaign}': no version number could be taken after {attempt} tries");
        }
    }

    /// <summary>The campaign's versions, oldest first, documents included.</summary>
    public async Task<IReadOnlyList<CampaignVersion>> ListAsync(string campaign, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, "SELECT version, at, actor, document FROM campaign_versions WHERE campaign = @campaign ORDER BY version");
        Parameter(select, "@campaign", campaign);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var versions = new List<CampaignVersion>();
        while (await reader.ReadAsync(cancellationToken))
            versions.Add(new CampaignVersion((int)reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                reader.GetString(2), reader.GetString(3)));
        return versions;
    }
}

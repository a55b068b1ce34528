using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Campaigns;

/// <summary>What became of an approval asked for: none asked for that confirmation, the same key that asked, or approved.</summary>
public enum ApprovalOutcome { NotAsked, SameKey, Approved }

/// <summary>
/// Approvals of publishes above the node's audience threshold, in the database every member shares: a publish asked
/// for with a confirmation token by one API key, approved by another. Keyed by campaign and token, so an approval
/// holds for the figures it was given on and no others (the audience changed: a new token, a new approval).
/// </summary>
public sealed class PublishApprovals(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS publish_approvals (
                campaign {text} NOT NULL, token {text} NOT NULL, requested_by {text} NOT NULL, requested_at {whole} NOT NULL,
                approved_by {text}, approved_at {whole}, PRIMARY KEY (campaign, token));
            """, cancellationToken);
    }

    /// <summary>Records that <paramref name="by"/> asked to publish with <paramref name="token"/> (the first to ask stays the asker).</summary>
    public async Task RequestAsync(string campaign, string token, string by, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = Command(connection, "INSERT INTO publish_approvals (campaign, token, requested_by, requested_at) " +
                                                     "VALUES (@campaign, @token, @by, @at) ON CONFLICT DO NOTHING");
        Key(insert, campaign, token);
        Parameter(insert, "@by", by);
        Parameter(insert, "@at", at.ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Approves the publish asked with <paramref name="token"/>, by <paramref name="by"/>, which must not be the key that asked.</summary>
    /// <returns>The outcome, and the key that asked when there was one.</returns>
    public async Task<(ApprovalOutcome Outcome, string? RequestedBy)> ApproveAsync(string campaign, string token, string by, DateTimeOffset at,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var (requestedBy, _) = await ReadAsync(connection, campaign, token, cancellationToken);
        if (requestedBy is null)
            return (ApprovalOutcome.NotAsked, null);
        if (requestedBy == by)
            return (ApprovalOutcome.SameKey, requestedBy);
        await using var update = Command(connection, "UPDATE publish_approvals SET approved_by = @by, approved_at = @at WHERE campaign = @campaign AND token = @token");
        Key(update, campaign, token);
        Parameter(update, "@by", by);
        Parameter(update, "@at", at.ToUnixTimeMilliseconds());
        await update.ExecuteNonQueryAsync(cancellationToken);
        return (ApprovalOutcome.Approved, requestedBy);
    }

    /// <summary>Who asked to publish with <paramref name="token"/> and who approved it (null: not yet); nulls when nobody asked.</summary>
    public async Task<(string? RequestedBy, string? ApprovedBy)> OfAsync(string campaign, string token, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReadAsync(connection, campaign, token, cancellationToken);
    }

    private static async Task<(string? RequestedBy, string? ApprovedBy)> ReadAsync(System.Data.Common.DbConnection connection, string campaign, string token,
        CancellationToken cancellationToken)
    {
        await using var select = Command(connection, "SELECT requested_by, approved_by FROM publish_approvals WHERE campaign = @campaign AND token = @token");
        Key(select, campaign, token);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : (null, null);
    }

    private static void Key(System.Data.Common.DbCommand command, string campaign, string token)
    {
        Parameter(command, "@campaign", campaign);
        Parameter(command, "@token", token);
    }
}

using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Campaigns;

/// <summary>One proof sent: a channel activity's message rendered for a profile and sent to a seed address.</summary>
public sealed record Proof(string Campaign, string Activity, long Profile, string To, string MessageId, string? Failure, DateTimeOffset At);

/// <summary>
/// The proofs sent, kept apart from the delivery ledger: they are never counted as sends, in the report, the
/// frequency cap or <c>sent(...)</c>.
/// </summary>
public sealed class ProofLog(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS proofs (
                campaign {text} NOT NULL, activity {text} NOT NULL, profile {whole} NOT NULL, address {text} NOT NULL,
                message_id {text} NOT NULL PRIMARY KEY, failure {text}, at {whole} NOT NULL);
            """, cancellationToken);
    }

    public async Task RecordAsync(IReadOnlyList<Proof> proofs, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var proof in proofs)
        {
            await using var insert = Command(connection, "INSERT INTO proofs (campaign, activity, profile, address, message_id, failure, at) " +
                                                         "VALUES (@campaign, @activity, @profile, @address, @id, @failure, @at)", transaction);
            Parameter(insert, "@campaign", proof.Campaign);
            Parameter(insert, "@activity", proof.Activity);
            Parameter(insert, "@profile", proof.Profile);
            Parameter(insert, "@address", proof.To);
            Parameter(insert, "@id", proof.MessageId);
            Parameter(insert, "@failure", proof.Failure);
            Parameter(insert, "@at", proof.At.ToUnixTimeMilliseconds());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}

using System.Data.Common;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Files;

/// <summary>
/// One activity in one execution of its campaign (a load, a reconciliation): what it keeps for its execution's reruns
/// is keyed by it, in tables whose key starts (campaign, execution, activity).
/// </summary>
public sealed record ExecutionActivity(string Campaign, string Execution, string Activity)
{
    /// <summary>Selects its rows of such a table, with the parameters <see cref="Bind"/> sets.</summary>
    internal const string Where = "campaign = @campaign AND execution = @execution AND activity = @activity";

    internal void Bind(DbCommand command)
    {
        Parameter(command, "@campaign", Campaign);
        Parameter(command, "@execution", Execution);
        Parameter(command, "@activity", Activity);
    }

    /// <summary>Deletes its rows of <paramref name="tables"/> in one transaction: what a run stopped midway wrote, so the next starts over.</summary>
    internal async Task ClearAsync(Database database, IEnumerable<string> tables, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in tables)
        {
            await using var delete = Command(connection, $"DELETE FROM {table} WHERE {Where}", transaction);
            Bind(delete);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}

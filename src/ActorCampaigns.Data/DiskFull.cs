using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Data;

/// <summary>Recognises a write refused because the node's disk is full, whichever layer refused it.</summary>
public static class DiskFull
{
    private const int SqliteFull = 13;
    private const int NoSpace = 28;
    private const int QuotaExceeded = 122;
    private const string PostgresDiskFull = "53100";

    /// <summary>What a user reads first when a write failed for want of space.</summary>
    public const string Reason = "no space left on the node's disk";

    public static bool Is(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteFull }
                || e is IOException { HResult: NoSpace or QuotaExceeded }
                || e is DbException { SqlState: PostgresDiskFull })
                return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(Is))
                return true;
        }
        return false;
    }
}

using System.Data.Common;
using System.Net.Sockets;

namespace ActorCampaigns.Data;

/// <summary>Errors that say the database server went away (restarted, shut down, out of reach), not that the work was wrong.</summary>
public static class DatabaseOutage
{
    /// <summary>
    /// True when <paramref name="error"/> or an error inside it is one: a session ended by the server (SQLSTATE class
    /// 08, 57P: an operator's restart ends every session with 57P01), or a database error caused by the network (a
    /// connection refused or cut). A slow query or a serialization conflict is not: the database is there.
    /// </summary>
    public static bool Is(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is AggregateException { InnerExceptions: [var only] })
                return Is(only);
            if (e is DbException { SqlState: ['0', '8', ..] or ['5', '7', 'P', ..] } || (e is DbException && CausedByTheNetwork(e)))
                return true;
        }
        return false;
    }

    private static bool CausedByTheNetwork(Exception error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            if (e is SocketException or IOException)
                return true;
        }
        return false;
    }
}

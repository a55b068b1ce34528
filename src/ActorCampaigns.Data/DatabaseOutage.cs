using System.Data.Common;
using System.Net.Sockets;

namespace ActorCampaigns.Data;

/// <summary>Errors that say the database server went away (restarted, shut down, out of reach), not that the work was wrong.</summary>
public static class DatabaseOutage
{
    /// <summary>
    /// True when <paramref name="error"/> or an error inside it is one: a connection refused or cut, a session ended
    /// by the server (SQLSTATE class 08, 57P: an operator's restart ends every session with 57P01).
    /// </summary>
    public static bool Is(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is AggregateException { InnerExceptions: [var only] })
                return Is(only);
            if (e is DbException { IsTransient: true } or DbException { SqlState: ['0', '8', ..] or ['5', '7', 'P', ..] } or SocketException)
                return true;
        }
        return false;
    }
}

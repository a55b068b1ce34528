using System.Runtime.InteropServices;
using ActorCampaigns.Domain.Expressions;
using SQLitePCL;

namespace ActorCampaigns.Data.Profiles;

/// <summary>
/// A row's values read straight from the SQLite library the provider loaded (e_sqlite3), without the provider's
/// per-call indirection and GC transition: a population's columns are millions of values, each a few calls that
/// return at once (no callback, no lock, no I/O), which is what <see cref="SuppressGCTransitionAttribute"/> asks.
/// Stepping a statement may take long and stays with the provider.
/// </summary>
internal static class SqliteColumns
{
    private const string Library = "e_sqlite3";

    private static readonly object True = true;
    private static readonly object False = false;

    [DllImport(Library, ExactSpelling = true, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern int sqlite3_column_type(IntPtr statement, int column);

    [DllImport(Library, ExactSpelling = true, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern long sqlite3_column_int64(IntPtr statement, int column);

    [DllImport(Library, ExactSpelling = true, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern double sqlite3_column_double(IntPtr statement, int column);

    [DllImport(Library, ExactSpelling = true, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern IntPtr sqlite3_column_text(IntPtr statement, int column);

    [DllImport(Library, ExactSpelling = true, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern int sqlite3_column_bytes(IntPtr statement, int column);

    public static long Id(IntPtr statement) => sqlite3_column_int64(statement, 0);

    /// <param name="statement">The statement's handle (<c>sqlite3_stmt.DangerousGetHandle()</c>), positioned on a row.</param>
    public static object? Value(IntPtr statement, int column, ExprType type)
    {
        if (sqlite3_column_type(statement, column) == raw.SQLITE_NULL)
            return null;
        return type switch
        {
            ExprType.String => Text(statement, column),
            ExprType.Bool => sqlite3_column_int64(statement, column) != 0 ? True : False,
            ExprType.Int => sqlite3_column_int64(statement, column),
            ExprType.Number => sqlite3_column_double(statement, column),
            _ => SqlValues.DecodeSqlite(type, sqlite3_column_int64(statement, column)),
        };
    }

    private static string Text(IntPtr statement, int column)
    {
        // The text first (it may convert the value), then its length in bytes, as SQLite's documentation asks.
        var text = sqlite3_column_text(statement, column);
        return Marshal.PtrToStringUTF8(text, sqlite3_column_bytes(statement, column));
    }
}

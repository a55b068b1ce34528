using System.Globalization;

namespace ActorCampaigns.Cli.Output;

/// <summary>Rows in aligned columns for people: a header, text left-aligned, numbers right-aligned and grouped.</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<(string Text, bool Number)[]> _rows = [];

    public int Count => _rows.Count;

    public Table Add(params object?[] cells)
    {
        _rows.Add(cells.Select(Cell).ToArray());
        return this;
    }

    public void WriteTo(TextWriter output)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Select(r => r[i].Text.Length).DefaultIfEmpty(0).Max())).ToArray();
        output.WriteLine(Line(headers.Select(h => (h, false)).ToArray(), widths));
        foreach (var row in _rows)
            output.WriteLine(Line(row, widths));
    }

    public override string ToString()
    {
        using var text = new StringWriter();
        WriteTo(text);
        return text.ToString();
    }

    private static string Line((string Text, bool Number)[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => c.Number ? c.Text.PadLeft(widths[i]) : c.Text.PadRight(widths[i]))).TrimEnd();

    private static (string, bool) Cell(object? value) => value switch
    {
        null => ("-", false),
        long or int => (Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture), true),
        double d => (d.ToString("0.##", CultureInfo.InvariantCulture), true),
        bool b => (b ? "yes" : "no", false),
        _ => (Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", false),
    };
}

using System.Globalization;
using ActorCampaigns.Data.Csv;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Data.Profiles;

/// <summary>One parsed CSV line: the profile id and its typed values in header order.</summary>
public sealed record ProfileRow(long Line, long Id, object?[] Values)
{
    /// <summary>Parses the current record of <paramref name="csv"/>, or says why the line is rejected.</summary>
    public static (ProfileRow? Row, string? Reason) Parse(CsvReader csv, ImportHeader header, StringPool pool)
    {
        if (csv.FieldCount != header.Columns.Count)
            return (null, $"has {csv.FieldCount} fields, the header has {header.Columns.Count}");
        var values = new object?[csv.FieldCount];
        for (var i = 0; i < values.Length; i++)
        {
            if (csv.IsNull(i))
                continue;
            var column = header.Columns[i];
            var text = csv.Field(i);
            var value = column.Type == AttributeType.String ? pool.Get(i, text) : ParseValue(column.Type, text);
            if (value is null)
                return (null, $"{column.Name}: '{CsvText.Excerpt(text)}' is not a valid {AttributeTypes.Name(column.Type)}");
            values[i] = value;
        }
        if (values[header.IdIndex] is not long id)
            return (null, "id is missing");
        return (new ProfileRow(csv.Line, id, values), null);
    }

    /// <summary>A typed value from its text (not a string column), or null when the text is not one.</summary>
    internal static object? ParseValue(AttributeType type, ReadOnlySpan<char> text) => type switch
    {
        AttributeType.Int => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null,
        AttributeType.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null,
        AttributeType.Bool => text.Equals("true", StringComparison.OrdinalIgnoreCase) || text is "1" ? true
            : text.Equals("false", StringComparison.OrdinalIgnoreCase) || text is "0" ? false
            : null,
        AttributeType.Date => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null,
        AttributeType.Timestamp => Timestamps.TryParse(text.ToString(), out var ts) ? ts : null,
        _ => null,
    };
}

/// <summary>
/// Reuses the string of a value already seen in the same column (countries, cities, tiers...), so millions of
/// rows do not make millions of copies of a few hundred words. A column with too many distinct values
/// (emails, phones) stops being pooled.
/// </summary>
public sealed class StringPool
{
    private const int MaxPerColumn = 4_096;
    private const int MaxLength = 64;

    private readonly Dictionary<int, Dictionary<string, string>?> _columns = [];

    public string Get(int column, ReadOnlySpan<char> text)
    {
        if (text.Length > MaxLength)
            return text.ToString();
        if (!_columns.TryGetValue(column, out var pool))
            _columns[column] = pool = new Dictionary<string, string>(StringComparer.Ordinal);
        if (pool is null)
            return text.ToString();
        var lookup = pool.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out var known))
            return known;
        var value = text.ToString();
        if (pool.Count < MaxPerColumn)
            pool[value] = value;
        else
            _columns[column] = null;
        return value;
    }
}

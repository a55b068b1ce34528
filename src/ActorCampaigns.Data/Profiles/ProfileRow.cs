using System.Globalization;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Data.Profiles;

/// <summary>One parsed CSV line: the profile id and its typed values in header order.</summary>
public sealed record ProfileRow(long Line, long Id, object?[] Values)
{
    /// <summary>Parses the fields of a record, or says why the line is rejected.</summary>
    public static (ProfileRow? Row, string? Reason) Parse(long line, IReadOnlyList<string?> fields, ImportHeader header)
    {
        if (fields.Count != header.Columns.Count)
            return (null, $"has {fields.Count} fields, the header has {header.Columns.Count}");
        var values = new object?[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            var column = header.Columns[i];
            var text = fields[i];
            if (text is null)
                continue;
            var value = ParseValue(column.Type, text);
            if (value is null)
                return (null, $"{column.Name}: '{Shorten(text)}' is not a valid {AttributeTypes.Name(column.Type)}");
            values[i] = value;
        }
        if (values[header.IdIndex] is not long id)
            return (null, "id is missing");
        return (new ProfileRow(line, id, values), null);
    }

    private static object? ParseValue(AttributeType type, string text) => type switch
    {
        AttributeType.String => text,
        AttributeType.Int => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null,
        AttributeType.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null,
        AttributeType.Bool => text.ToLowerInvariant() switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => null,
        },
        AttributeType.Date => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null,
        AttributeType.Timestamp => Timestamps.TryParse(text, out var ts) ? ts : null,
        _ => null,
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

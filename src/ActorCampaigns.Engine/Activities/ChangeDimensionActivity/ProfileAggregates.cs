using System.Globalization;
using System.Buffers;
using ActorCampaigns.Data;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// One profile's aggregates over the rows that link to it, added up row by row: count counts rows; sum, avg, min and
/// max skip a row whose column is empty (null when every row's is, as SQL's do). Written as a JSON object by name,
/// dates and timestamps as their ISO text.
/// </summary>
internal sealed class ProfileAggregates(IReadOnlyList<DimensionAggregate> aggregates)
{
    private readonly object?[] _values = new object?[aggregates.Count];
    private readonly long[] _counts = new long[aggregates.Count];

    /// <param name="columns">The values of each aggregate's column in the batch (null for count).</param>
    public void Add(object?[]?[] columns, int row)
    {
        for (var a = 0; a < aggregates.Count; a++)
        {
            var value = columns[a]?[row];
            if (aggregates[a].Function == "count")
            {
                _counts[a]++;
                continue;
            }
            if (value is null)
                continue;
            _counts[a]++;
            _values[a] = (aggregates[a].Function, _values[a], value) switch
            {
                (_, null, _) => value,
                ("sum" or "avg", long total, long whole) => total + whole,
                ("sum" or "avg", var total, var number) => Convert.ToDouble(total, CultureInfo.InvariantCulture) + Convert.ToDouble(number, CultureInfo.InvariantCulture),
                ("min", { } least, _) => Compare(least, value) <= 0 ? least : value,
                ("max", { } most, _) => Compare(most, value) >= 0 ? most : value,
                var (_, kept, _) => kept,
            };
        }
    }

    /// <summary>Strings by their characters (ordinal, as the databases' binary collation), the rest as they order.</summary>
    private static int Compare(object a, object b) =>
        a is string x && b is string y ? string.CompareOrdinal(x, y) : ((IComparable)a).CompareTo(b);

    public string Json()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = RowValuesJson.Writer(buffer))
        {
            writer.WriteStartObject();
            for (var a = 0; a < aggregates.Count; a++)
            {
                RowValuesJson.Write(writer, aggregates[a].Name, aggregates[a].Function switch
                {
                    "count" => _counts[a],
                    "avg" when _values[a] is { } total => Convert.ToDouble(total, CultureInfo.InvariantCulture) / _counts[a],
                    _ => _values[a],
                });
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

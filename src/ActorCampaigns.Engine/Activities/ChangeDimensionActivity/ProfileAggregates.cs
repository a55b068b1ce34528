using System.Buffers;
using System.Globalization;
using ActorCampaigns.Data;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// One profile's aggregates over the rows that link to it, added up row by row: count counts rows; sum, avg, min and
/// max skip a row whose column is empty (null when every row's is, as SQL's do). Sums add up unboxed (a whole number
/// column's as a whole number). Written as a JSON object by name, dates and timestamps as their ISO text.
/// </summary>
internal sealed class ProfileAggregates(IReadOnlyList<DimensionAggregate> aggregates)
{
    private struct Accumulator
    {
        public long Count;
        public long Whole;
        public double Number;
        public bool IsWhole;
        public object? Extreme;
    }

    private readonly Accumulator[] _accumulators = new Accumulator[aggregates.Count];

    /// <param name="columns">The values of each aggregate's column in the batch (null for count).</param>
    public void Add(object?[]?[] columns, int row)
    {
        for (var a = 0; a < _accumulators.Length; a++)
        {
            ref var accumulator = ref _accumulators[a];
            var function = aggregates[a].Function;
            if (function == "count")
            {
                accumulator.Count++;
                continue;
            }
            if (columns[a]![row] is not { } value)
                continue;
            accumulator.Count++;
            switch (function, value)
            {
                case ("sum" or "avg", long whole):
                    (accumulator.Whole, accumulator.IsWhole) = (accumulator.Whole + whole, true);
                    break;
                case ("sum" or "avg", _):
                    accumulator.Number += Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    break;
                case ("min", _) when accumulator.Extreme is null || Compare(value, accumulator.Extreme) < 0:
                case ("max", _) when accumulator.Extreme is null || Compare(value, accumulator.Extreme) > 0:
                    accumulator.Extreme = value;
                    break;
            }
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
            for (var a = 0; a < _accumulators.Length; a++)
            {
                var accumulator = _accumulators[a];
                RowValuesJson.Write(writer, aggregates[a].Name, aggregates[a].Function switch
                {
                    "count" => accumulator.Count,
                    _ when accumulator.Count == 0 => null,
                    "sum" => accumulator.IsWhole ? (object)accumulator.Whole : accumulator.Number,
                    "avg" => (accumulator.IsWhole ? accumulator.Whole : accumulator.Number) / accumulator.Count,
                    _ => accumulator.Extreme,
                });
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

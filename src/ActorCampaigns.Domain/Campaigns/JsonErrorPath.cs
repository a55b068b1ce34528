using System.Text;
using System.Text.Json;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// Where JSON that does not parse goes wrong, as a JSON path (<c>$.activities[3].filter</c>): the parser tells a line
/// and a position, which a person editing a one-line body or a generated document cannot use.
/// </summary>
public static class JsonErrorPath
{
    /// <summary>The path of the value being read when <paramref name="json"/> stopped being JSON; <c>$</c> if it parses.</summary>
    public static string Of(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        var path = new List<Container>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        path[^1] = path[^1] with { Property = reader.GetString() };
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(new Container(reader.TokenType == JsonTokenType.StartArray, null, -1));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        Done(path);
                        break;
                    default:
                        Advance(path);
                        Done(path);
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // It stopped inside the last container; in an array, at the item after the last one read.
            Advance(path);
        }
        return Render(path);
    }

    /// <summary>What the parser said, with the line and position a person counts from 1, without its own zero-based ones.</summary>
    public static string Describe(JsonException e)
    {
        var where = e.LineNumber is { } line ? $"line {line + 1}, position {e.BytePositionInLine + 1}: " : "";
        return where + e.Message.Split(" Path:")[0].Split(" LineNumber:")[0];
    }

    /// <summary>An open object (the property being read) or array (the index reached).</summary>
    private readonly record struct Container(bool IsArray, string? Property, int Index);

    /// <summary>A value begins: in an array, it is the next item (an object's value keeps its property name).</summary>
    private static void Advance(List<Container> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
    }

    /// <summary>A value was read whole: in an object, what follows belongs to no property until the next name.</summary>
    private static void Done(List<Container> path)
    {
        if (path.Count > 0 && !path[^1].IsArray)
            path[^1] = path[^1] with { Property = null };
    }

    private static string Render(List<Container> path)
    {
        var text = new StringBuilder("$");
        foreach (var container in path)
        {
            if (container is { IsArray: true, Index: >= 0 })
                text.Append('[').Append(container.Index).Append(']');
            else if (container is { IsArray: false, Property: { } property })
                text.Append('.').Append(property);
        }
        return text.ToString();
    }
}

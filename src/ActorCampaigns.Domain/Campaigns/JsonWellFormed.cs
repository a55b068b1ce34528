using System.Text.Json;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// What a JSON parser lets through but a document must not hold: a key twice in one object (one of the two values
/// would silently win, and only it would be validated) and text that is not Unicode (a lone surrogate escape such as
/// <c>"\ud800"</c>, which no string can hold).
/// </summary>
public static class JsonWellFormed
{
    /// <summary>Adds a located problem for each such place in <paramref name="root"/>.</summary>
    public static void Check(JsonElement root, List<ValidationError> errors) => Walk(root, "$", errors);

    private static void Walk(JsonElement element, string path, List<ValidationError> errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!TryText(() => property.Name, out var name))
                    {
                        errors.Add(new ValidationError(path, "a key is not valid Unicode text (a lone surrogate escape)"));
                        continue;
                    }
                    var at = $"{path}.{name}";
                    if (!seen.Add(name))
                        errors.Add(new ValidationError(at, "appears more than once in its object; a key may appear once"));
                    Walk(property.Value, at, errors);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                    Walk(item, $"{path}[{index++}]", errors);
                break;
            case JsonValueKind.String when !TryText(element.GetString, out _):
                errors.Add(new ValidationError(path, "is not valid Unicode text (a lone surrogate escape)"));
                break;
        }
    }

    private static bool TryText(Func<string?> read, out string text)
    {
        try
        {
            text = read() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }
}

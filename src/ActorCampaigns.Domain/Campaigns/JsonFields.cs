using System.Text.Json;
using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// Reads the fields of one JSON object, recording a problem with its path for each missing, mistyped or
/// unknown field instead of stopping, so a document reports all its problems at once.
/// </summary>
public sealed class JsonFields
{
    private readonly JsonElement _element;
    private readonly List<ValidationError> _errors;

    public List<ValidationError> Errors => _errors;
    private readonly HashSet<string> _read = [];

    public JsonFields(JsonElement element, string path, List<ValidationError> errors)
    {
        _element = element;
        Path = path;
        _errors = errors;
        IsObject = element.ValueKind == JsonValueKind.Object;
        if (!IsObject)
            Error(path, $"must be an object, found {Describe(element)}");
    }

    public string Path { get; }

    public bool IsObject { get; }

    public string At(string name) => $"{Path}.{name}";

    public void Error(string path, string message) => _errors.Add(new ValidationError(path, message));

    public JsonElement? Get(string name)
    {
        _read.Add(name);
        return IsObject && _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public string? String(string name, bool required)
    {
        var value = Get(name);
        if (value is null)
        {
            if (required && IsObject)
                Error(At(name), "is required");
            return null;
        }
        if (value.Value.ValueKind == JsonValueKind.String)
            return value.Value.GetString();
        Error(At(name), $"must be a string, found {Describe(value.Value)}");
        return null;
    }

    public bool Bool(string name)
    {
        var value = Get(name);
        if (value is null)
            return false;
        if (value.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return value.Value.GetBoolean();
        Error(At(name), $"must be true or false, found {Describe(value.Value)}");
        return false;
    }

    public double? Number(string name)
    {
        var value = Get(name);
        if (value is null)
            return null;
        if (value.Value.ValueKind == JsonValueKind.Number)
            return value.Value.GetDouble();
        Error(At(name), $"must be a number, found {Describe(value.Value)}");
        return null;
    }

    public long? Whole(string name)
    {
        var value = Get(name);
        if (value is null)
            return null;
        if (value.Value.ValueKind == JsonValueKind.Number && value.Value.TryGetInt64(out var whole))
            return whole;
        Error(At(name), $"must be a whole number, found {Describe(value.Value)}");
        return null;
    }

    public DateTime? Timestamp(string name, bool required)
    {
        var text = String(name, required);
        if (text is null)
            return null;
        if (Timestamps.TryParse(text, out var utc))
            return utc;
        Error(At(name), $"'{text}' is not an ISO 8601 timestamp such as 2026-12-01T09:00:00Z");
        return null;
    }

    public T? Enum<T>(string name, bool required, T? fallback = null) where T : struct, System.Enum
    {
        var text = String(name, required);
        if (text is null)
            return fallback;
        var names = System.Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]).ToList();
        var index = names.IndexOf(text);
        if (index >= 0)
            return System.Enum.GetValues<T>()[index];
        Error(At(name), $"'{text}' is not one of {string.Join(", ", names)}");
        return fallback;
    }

    /// <summary>The elements of an array field, each with its path.</summary>
    public IEnumerable<(JsonElement Element, string Path)> Array(string name, bool required)
    {
        var value = Get(name);
        if (value is null)
        {
            if (required && IsObject)
                Error(At(name), "is required");
            return [];
        }
        if (value.Value.ValueKind != JsonValueKind.Array)
        {
            Error(At(name), $"must be an array, found {Describe(value.Value)}");
            return [];
        }
        return value.Value.EnumerateArray().Select((e, i) => (e, $"{At(name)}[{i}]")).ToList();
    }

    /// <summary>The properties of an object field, each with its path.</summary>
    public IEnumerable<(string Name, JsonElement Element, string Path)> Map(string name, bool required)
    {
        var value = Get(name);
        if (value is null)
        {
            if (required && IsObject)
                Error(At(name), "is required");
            return [];
        }
        if (value.Value.ValueKind != JsonValueKind.Object)
        {
            Error(At(name), $"must be an object, found {Describe(value.Value)}");
            return [];
        }
        return value.Value.EnumerateObject().Select(p => (p.Name, p.Value, $"{At(name)}.{p.Name}")).ToList();
    }

    public JsonFields? Object(string name, bool required)
    {
        var value = Get(name);
        if (value is null)
        {
            if (required && IsObject)
                Error(At(name), "is required");
            return null;
        }
        var fields = new JsonFields(value.Value, At(name), _errors);
        return fields.IsObject ? fields : null;
    }

    /// <summary>Reports the fields present in the object that no reader asked for (typos, misplaced parameters).</summary>
    public void RejectUnknown(string what)
    {
        if (!IsObject)
            return;
        foreach (var property in _element.EnumerateObject().Where(p => !_read.Contains(p.Name)))
            Error(At(property.Name), $"unknown field '{property.Name}' for {what}");
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a bool",
        _ => "null",
    };
}

using System.Text.RegularExpressions;

namespace ActorCampaigns.Domain.Profiles;

/// <summary>
/// The attributes a profile has: the fixed core attributes plus the custom ones
/// declared by imported CSV headers. Names are case-sensitive, but two names that
/// differ only by case are refused, since SQL identifiers are not case-sensitive.
/// </summary>
public sealed partial class ProfileSchema
{
    public static readonly IReadOnlyList<ProfileAttribute> CoreAttributes =
    [
        new("id", AttributeType.Int, true),
        new("email", AttributeType.String, true),
        new("phone", AttributeType.String, true),
        new("pushToken", AttributeType.String, true),
        new("firstName", AttributeType.String, true),
        new("lastName", AttributeType.String, true),
        new("country", AttributeType.String, true),
        new("city", AttributeType.String, true),
        new("language", AttributeType.String, true),
        new("birthDate", AttributeType.Date, true),
        new("createdAt", AttributeType.Timestamp, true),
        new("emailOptIn", AttributeType.Bool, true),
        new("smsOptIn", AttributeType.Bool, true),
        new("pushOptIn", AttributeType.Bool, true),
    ];

    /// <summary>Words of the expression language, which cannot name an attribute.</summary>
    public static readonly IReadOnlySet<string> ReservedWords = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "in", "between", "like", "is", "null", "true", "false", "vars",
    };

    public static readonly ProfileSchema Core = new(CoreAttributes);

    /// <summary>What every entity's rows have before their imports declare columns: an id.</summary>
    public static readonly ProfileSchema EntityCore = new([new("id", AttributeType.Int, true)]);

    /// <summary>Longest entity name: its tables' names stay well within PostgreSQL's 63 characters.</summary>
    public const int MaxEntityNameLength = 40;

    /// <summary>Whether <paramref name="name"/> names an entity: lower-case ASCII letters, digits and '_', from a letter; not <c>profiles</c>.</summary>
    public static bool IsEntityName(string name) => name.Length is > 0 and <= MaxEntityNameLength && char.IsAsciiLetterLower(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') && name != "profiles";

    private readonly Dictionary<string, ProfileAttribute> _byName;

    private ProfileSchema(IReadOnlyList<ProfileAttribute> attributes)
    {
        Attributes = attributes;
        _byName = attributes.ToDictionary(a => a.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<ProfileAttribute> Attributes { get; }

    public IEnumerable<ProfileAttribute> CustomAttributes => Attributes.Where(a => !a.IsCore);

    public ProfileAttribute? Find(string name) => _byName.GetValueOrDefault(name);

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>Why <paramref name="name"/> cannot be added as a custom attribute of <paramref name="type"/>, or null.</summary>
    public string? WhyNotAdd(string name, AttributeType type)
    {
        if (!IsValidName(name))
            return $"attribute name '{name}' must match [A-Za-z][A-Za-z0-9_]*";
        if (ReservedWords.Contains(name))
            return $"attribute name '{name}' is a reserved word of the expression language";
        var clash = Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
        if (clash is null)
            return null;
        if (clash.Name != name)
            return $"attribute '{name}' differs from existing attribute '{clash.Name}' only by case";
        if (clash.Type != type)
            return $"attribute '{name}' is already declared as {AttributeTypes.Name(clash.Type)}, not {AttributeTypes.Name(type)}";
        return null;
    }

    /// <summary>This schema plus custom attributes; throws if one cannot be added (check with <see cref="WhyNotAdd"/>).</summary>
    public ProfileSchema With(IEnumerable<(string Name, AttributeType Type)> custom)
    {
        var attributes = Attributes.ToList();
        var schema = this;
        foreach (var (name, type) in custom)
        {
            var why = schema.WhyNotAdd(name, type);
            if (why is not null)
                throw new ArgumentException(why, nameof(custom));
            if (schema.Find(name) is not null)
                continue;
            attributes.Add(new ProfileAttribute(name, type, false));
            schema = new ProfileSchema(attributes.ToList());
        }
        return schema;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();
}

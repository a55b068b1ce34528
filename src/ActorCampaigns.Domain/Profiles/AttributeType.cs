namespace ActorCampaigns.Domain.Profiles;

/// <summary>The type of a profile attribute, as declared in a CSV header (<c>name:type</c>).</summary>
public enum AttributeType
{
    String,
    Int,
    Number,
    Bool,
    Date,
    Timestamp,
}

/// <summary>Names of attribute types as users write them.</summary>
public static class AttributeTypes
{
    public static string Name(AttributeType type) => type switch
    {
        AttributeType.String => "string",
        AttributeType.Int => "int",
        AttributeType.Number => "number",
        AttributeType.Bool => "bool",
        AttributeType.Date => "date",
        AttributeType.Timestamp => "timestamp",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string text, out AttributeType type)
    {
        foreach (var candidate in Enum.GetValues<AttributeType>())
        {
            if (Name(candidate) == text)
            {
                type = candidate;
                return true;
            }
        }
        type = default;
        return false;
    }
}

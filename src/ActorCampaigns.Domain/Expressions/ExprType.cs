using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Expressions;

/// <summary>The type of an expression; <see cref="Null"/> is the type of a bare <c>null</c>.</summary>
public enum ExprType { Null, Bool, Int, Number, String, Date, Timestamp }

public static class ExprTypes
{
    public static ExprType Of(AttributeType type) => type switch
    {
        AttributeType.String => ExprType.String,
        AttributeType.Int => ExprType.Int,
        AttributeType.Number => ExprType.Number,
        AttributeType.Bool => ExprType.Bool,
        AttributeType.Date => ExprType.Date,
        AttributeType.Timestamp => ExprType.Timestamp,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Name(ExprType type) => type switch
    {
        ExprType.Null => "null",
        ExprType.Number => "number",
        _ => AttributeTypes.Name(ToAttributeType(type)),
    };

    public static AttributeType ToAttributeType(ExprType type) => type switch
    {
        ExprType.String => AttributeType.String,
        ExprType.Int => AttributeType.Int,
        ExprType.Number => AttributeType.Number,
        ExprType.Bool => AttributeType.Bool,
        ExprType.Date => AttributeType.Date,
        ExprType.Timestamp => AttributeType.Timestamp,
        _ => throw new ArgumentOutOfRangeException(nameof(type), "null has no attribute type"),
    };

    public static bool IsNumeric(ExprType type) => type is ExprType.Int or ExprType.Number;

    public static bool IsTemporal(ExprType type) => type is ExprType.Date or ExprType.Timestamp;
}

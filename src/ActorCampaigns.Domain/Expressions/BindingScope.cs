using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Expressions;

/// <summary>
/// What an expression may refer to where it is written: attributes and population columns,
/// variables, the channel activities its feedback predicates may name (null: none allowed),
/// whether <c>count(...)</c> of feedback is allowed (enrich columns only), and whether it is read over profiles, where
/// what a profile did (<c>did('purchase')</c>) can be asked.
/// </summary>
public sealed record BindingScope(
    IReadOnlyDictionary<string, ExprType> Columns,
    IReadOnlyDictionary<string, ExprType> Variables,
    IReadOnlySet<string>? FeedbackActivities = null,
    bool AllowsAggregates = false,
    bool OverProfiles = false)
{
    public static readonly IReadOnlyDictionary<string, ExprType> NoVariables = new Dictionary<string, ExprType>();

    /// <summary>How an expression over an entity's rows names the attributes of each row's profile: <c>profile.country</c>.</summary>
    public const string LinkedProfile = "profile";

    /// <summary>
    /// The columns of an entity's rows (<paramref name="entity"/>) and, through their link, their profile's attributes
    /// as <c>profile.name</c>. Not over profiles: no feedback, no <c>did(...)</c>.
    /// </summary>
    public static BindingScope ForEntity(ProfileSchema entity, ProfileSchema profiles, IReadOnlyDictionary<string, ExprType>? variables = null)
    {
        var columns = entity.Attributes.ToDictionary(a => a.Name, a => ExprTypes.Of(a.Type), StringComparer.Ordinal);
        foreach (var attribute in profiles.Attributes)
            columns[$"{LinkedProfile}.{attribute.Name}"] = ExprTypes.Of(attribute.Type);
        return new BindingScope(columns, variables ?? NoVariables);
    }

    /// <summary>The profile attributes of <paramref name="schema"/>, plus population columns such as enrich results.</summary>
    public static BindingScope ForProfiles(
        ProfileSchema schema,
        IReadOnlyDictionary<string, ExprType>? variables = null,
        IEnumerable<KeyValuePair<string, ExprType>>? populationColumns = null)
    {
        var columns = schema.Attributes.ToDictionary(a => a.Name, a => ExprTypes.Of(a.Type), StringComparer.Ordinal);
        foreach (var (name, type) in populationColumns ?? [])
            columns[name] = type;
        return new BindingScope(columns, variables ?? NoVariables, OverProfiles: true);
    }
}

using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using System.Text.Json;
namespace ActorCampaigns.Domain.Campaigns;

/// <summary>An activity that starts a population of rows picked by a filter: profiles, or an entity's rows.</summary>
public interface IRowSource
{
    string Filter { get; }

    /// <summary>The entity whose rows it picks (bookings); null: profiles.</summary>
    string? Entity { get; }
}

/// <param name="Entity">The entity whose rows it picks (bookings); null: profiles.</param>
public sealed record BuildAudienceActivity(string Id, string Filter, string? Entity = null) : Activity(Id), IRowSource;

public sealed class BuildAudienceKind : ActivityKind<BuildAudienceActivity>
{
    public override string Type => "buildAudience";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary => "Starts a population: the profiles (or an entity's rows) whose attributes match a filter expression (every one when the filter is empty).";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("entity", "Entity (empty: profiles)", "text", "The entity whose rows it picks, such as bookings (imported with POST /api/entities/{name}/import); empty picks profiles."),
        new("filter", "Filter (empty: every row)", "area",
            "A boolean expression over a profile's attributes, variables and feedback; over an entity's rows, their columns and their profile's as profile.name. Empty keeps every row."),
    ];

    public override bool IsSource => true;

    public override string Start => """{ "filter": "" }""";

    public override string Icon => "M2 3h12l-4.5 5.5V13l-3 1.5V8.5z";

    public override Activity Read(string id, JsonFields fields) => new BuildAudienceActivity(id, fields.String("filter", required: false) ?? "", EntityOf(fields));

    /// <summary>The <c>entity</c> field: null for none, empty or <c>profiles</c>.</summary>
    internal static string? EntityOf(JsonFields fields) => fields.String("entity", required: false) is { Length: > 0 } entity and not "profiles" ? entity : null;

    protected override void Check(BuildAudienceActivity activity, KindChecks checks) => CheckSource(activity, checks);

    /// <summary>
    /// Checks a source of rows (this kind, an incremental query): its entity, its filter over the rows' columns, and that
    /// an entity's rows go only where they can. The scope of the rows' columns, or null when the entity is unknown.
    /// </summary>
    internal static BindingScope? CheckSource(IRowSource source, KindChecks checks)
    {
        var (entity, filter) = (source.Entity, source.Filter);
        if (entity is null)
        {
            checks.Filter(filter, ".filter");
            return checks.Scope;
        }
        if (checks.Entities.GetValueOrDefault(entity) is not { } schema)
        {
            checks.Error(".entity", ProfileSchema.IsEntityName(entity)
                ? $"no entity '{entity}' on this node: import its rows first (POST /api/entities/{entity}/import)"
                : $"'{entity}' is not an entity name: lower-case letters, digits and '_', from a letter");
            return null;
        }
        var scope = BindingScope.ForEntity(schema, checks.Schema, checks.Scope.Variables);
        checks.Filter(filter, ".filter", scope);
        return scope;
    }

    /// <summary>What a source of rows outputs: its entity's rows, or profiles.</summary>
    internal static Dimension OutputOf(IRowSource source) => source.Entity is { } entity ? Dimension.Of(entity) : Dimension.Profiles;

    public override Dimension Output(Activity activity, string port, Dimension input) => OutputOf((BuildAudienceActivity)activity);

    public override string OutputField(Activity activity) => ((BuildAudienceActivity)activity).Entity is null ? "" : ".entity";

    protected override void Write(BuildAudienceActivity build, Utf8JsonWriter writer)
    {
        if (build.Entity is { } entity)
            writer.WriteString("entity", entity);
        writer.WriteString("filter", build.Filter);
    }

    protected override IEnumerable<string> Columns(BuildAudienceActivity build, BindingScope scope) => build.Entity is null ? NamesIn(build.Filter, scope) : [];
}

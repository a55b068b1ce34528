using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Domain.Templates;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// What a kind's check can see and use for one activity: its path in the document, what its expressions may name,
/// the activities feeding it, and the checks kinds share (filters, attributes, templates, audience names). Paths
/// given to these methods are relative to the activity (<c>".filter"</c>, <c>".subsets[0].name"</c>).
/// </summary>
public sealed class KindChecks
{
    private readonly List<ValidationError> _errors;

    private readonly Func<string, IReadOnlyList<Activity>> _downstream;
    private readonly Func<string, int> _inboundCount;
    private readonly Func<string, Activity?> _activityOf;

    internal KindChecks(string path, BindingScope scope, ProfileSchema schema, IReadOnlyDictionary<string, ProfileSchema> entities, Dimension input,
        IReadOnlyList<string> inbound, IReadOnlyList<(string Port, string To)> outbound, Func<string, IReadOnlyList<Activity>> downstream,
        Func<string, int> inboundCount, Func<string, Activity?> activityOf, List<ValidationError> errors)
    {
        (Path, Scope, Schema, Entities, Input, Inbound, Outbound, _downstream, _inboundCount, _activityOf, _errors) =
            (path, scope, schema, entities, input, inbound, outbound, downstream, inboundCount, activityOf, errors);
    }

    /// <summary>What the activity takes: profiles, an entity's rows, a file's rows.</summary>
    public Dimension Input { get; }

    /// <summary>The activity's path in the document (<c>$.activities[3]</c>).</summary>
    public string Path { get; }

    /// <summary>What the activity's expressions may name: attributes, the enrich columns upstream, variables, channel activities.</summary>
    public BindingScope Scope { get; }

    public ProfileSchema Schema { get; }

    /// <summary>The entities of the node (bookings…) with their columns, by name.</summary>
    public IReadOnlyDictionary<string, ProfileSchema> Entities { get; }

    /// <summary>The activity at the start of each inbound transition, one per transition (an activity may appear twice, by two ports).</summary>
    public IReadOnlyList<string> Inbound { get; }

    /// <summary>The activity's outbound transitions, each as its port and the activity it leads to.</summary>
    public IReadOnlyList<(string Port, string To)> Outbound { get; }

    /// <summary>Every activity reachable from the activity's <paramref name="port"/>, each once (the graph is acyclic when asked).</summary>
    public IReadOnlyList<Activity> Downstream(string port) => _downstream(port);

    /// <summary>The document's activity <paramref name="id"/>, or null when it has none.</summary>
    public Activity? ActivityOf(string id) => _activityOf(id);

    /// <summary>How many transitions lead into the activity <paramref name="id"/>.</summary>
    public int InboundCount(string id) => _inboundCount(id);

    public void Error(string at, string message) => _errors.Add(new ValidationError(Path + at, message));

    /// <summary>How many errors the document has so far: a check can tell whether its own found any.</summary>
    public int ErrorCount => _errors.Count;

    /// <summary>A boolean expression over a profile (an empty filter keeps every profile).</summary>
    public void Filter(string filter, string at, BindingScope? scope = null)
    {
        var (_, error) = Expression.CheckFilter(filter, scope ?? Scope);
        if (error is not null)
            Error(at, error.ToString());
    }

    /// <summary>An attribute or enrich column the activity can read.</summary>
    public void Column(string name, string at)
    {
        if (name.Length > 0 && !Scope.Columns.ContainsKey(name))
            Error(at, $"unknown attribute '{name}'");
    }

    public void AudienceName(string name, string at)
    {
        if (name.Length > 0 && !CampaignValidator.AudienceName().IsMatch(name))
            Error(at, $"'{name}' is not a valid audience name (letters, digits, _ . -, up to 128)");
    }

    /// <summary>A port name of the activity's own choosing (a split's subset, a test's condition), not one of <paramref name="reserved"/>.</summary>
    public bool PortName(string name, string at, string what, string reserved)
    {
        if (CampaignValidator.PortName().IsMatch(name) && name != reserved)
            return true;
        Error(at, $"'{name}' is not a valid {what} name (a letter, then letters, digits, _ or -; not '{reserved}')");
        return false;
    }

    /// <summary>A Liquid template: it parses, follows the rules, and names only what the activity can see.</summary>
    public void Template(string template, string at)
    {
        if (template.Length > TemplateLimits.MaxTemplateCharacters)
        {
            Error(at, $"Liquid template has {template.Length:N0} characters, more than the {TemplateLimits.MaxTemplateCharacters:N0} allowed");
            return;
        }
        if (!TemplateNames.TryParse(template, out var parsed, out var error))
        {
            Error(at, $"Liquid template does not parse: {error}");
            return;
        }
        foreach (var broken in TemplateRules.Broken(parsed))
            Error(at, $"Liquid template: {broken}");
        foreach (var name in TemplateNames.Free(parsed))
        {
            var rows = Input.Entity is { } entity ? Entities.GetValueOrDefault(entity) : null;
            var why = name switch
            {
                { Root: "entity" } when Input.Entity is null && !Scope.Columns.ContainsKey("entity") =>
                    "'entity' is the row a message is for, and this activity takes profiles: it reads the row's columns when fed by an entity's rows",
                { Root: "entity", Member: null } when Input.Entity is not null => "'entity' needs a column of the rows, as in entity.amount",
                { Root: "entity", Member: { } column } when Input.Entity is not null && rows is not null && rows.Find(column) is null =>
                    $"'{column}' is not a column of {Input.Entity}",
                { Root: "vars", Member: null } => "'vars' needs a variable name, as in vars.code",
                { Root: "vars", Member: { } variable } when !Scope.Variables.ContainsKey(variable) => $"unknown variable 'vars.{variable}'",
                { Root: "campaign", Member: not "name" } => $"'{name}' is not a campaign field; a template can use campaign.name",
                { Root: "entity" } when Input.Entity is not null => null,
                { Root: not ("vars" or "campaign") } when !Scope.Columns.ContainsKey(name.Root) =>
                    $"unknown attribute '{name.Root}' (not a profile attribute nor an enrich column upstream of this activity)",
                _ => null,
            };
            if (why is not null)
                Error(at, $"Liquid template: {why}");
        }
    }
}

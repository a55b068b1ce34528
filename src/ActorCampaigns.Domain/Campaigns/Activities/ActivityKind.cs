using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>Where a kind sits in the palette.</summary>
public enum ActivityGroup { Targeting, FlowControl, Channel }

/// <summary>
/// Whether a kind decides for each profile on its own (it could run on any part of a population) or needs the whole
/// population at once (deduplicate, split's limits, combine).
/// </summary>
public enum PopulationScope { EachProfile, WholePopulation }

/// <summary>
/// A field of a kind's document, for the reference and the console's form. <see cref="Form"/> is how the console
/// edits it: <c>text</c>, <c>area</c> (several lines), <c>select:a|b</c>, <c>number</c>, <c>bool</c>, <c>list</c>
/// (comma-separated), <c>json</c> (a structured value); a key with a dot is inside an object (<c>content.subject</c>).
/// </summary>
public sealed record KindField(string Key, string Label, string Form, string Description, bool Required = false);

/// <summary>
/// How a kind's output ports come about: a fixed port, a port present when a boolean field is true
/// (<see cref="When"/>), or one port per element of an array field named by the element's <see cref="Name"/> field
/// (<see cref="Each"/>). The console draws ports from these; the record says them for one activity.
/// </summary>
public sealed record PortRule(string? Port = null, string? When = null, string? Each = null, string? Name = null)
{
    public static PortRule Fixed(string port) => new(Port: port);
}

/// <summary>
/// Everything a campaign document knows of one kind of activity: its <c>type</c>, its record, how it is read and
/// checked, its ports, its place in the palette, and what the reference and the console show of it. The engine's
/// side of a kind (how it runs) is its stage, in the engine. A kind is registered in <see cref="ActivityKinds"/>.
/// </summary>
public abstract class ActivityKind
{
    /// <summary>Its <c>type</c> in a document.</summary>
    public abstract string Type { get; }

    /// <summary>The record a document's activity of this kind is read into.</summary>
    public abstract Type Record { get; }

    public abstract ActivityGroup Group { get; }

    /// <summary>What it does, in a sentence or two, for the reference and the palette.</summary>
    public abstract string Summary { get; }

    /// <summary>Its fields beyond <c>id</c> and <c>type</c>.</summary>
    public abstract IReadOnlyList<KindField> Fields { get; }

    public virtual IReadOnlyList<PortRule> Ports => [PortRule.Fixed(Transition.DefaultPort)];

    /// <summary>A targeting source: it starts a population and takes no inbound transition.</summary>
    public virtual bool IsSource => false;

    public virtual PopulationScope Scope => PopulationScope.EachProfile;

    /// <summary>The fields a new activity of this kind starts with in the console (JSON object text).</summary>
    public virtual string Start => "{}";

    /// <summary>Its icon: an SVG path on a 16×16 grid.</summary>
    public abstract string Icon { get; }

    /// <summary>Reads the activity's fields (its id and type already read); each problem is recorded with its path.</summary>
    public abstract Activity Read(string id, JsonFields fields);

    /// <summary>
    /// Writes the activity's fields beyond <c>id</c> and <c>type</c>, as <see cref="Read"/> reads them back: the public
    /// format, which the journal stores (<see cref="CampaignFormat"/>), so what it writes is part of the journal's contract.
    /// </summary>
    public abstract void Write(Activity activity, Utf8JsonWriter writer);

    /// <summary>
    /// The attributes and enrich columns an activity of this kind reads of each profile, its expressions bound in
    /// <paramref name="scope"/> (names it cannot bind are left out: the validator reports them).
    /// </summary>
    public virtual IReadOnlySet<string> Columns(Activity activity, BindingScope scope) => new HashSet<string>();

    /// <summary>The columns an expression names (aggregates allowed where <paramref name="scope"/> allows them).</summary>
    protected static IEnumerable<string> NamesIn(string expression, BindingScope scope)
    {
        var names = new List<string>();
        if (expression.Length > 0 && Expression.Check(expression, scope).Bound is { } bound)
            BoundSubstitution.Replace(bound, column =>
            {
                names.Add(column.Name);
                return null;
            });
        return names;
    }

    /// <summary>Whether it takes populations of <paramref name="dimension"/>: profiles, unless its kind says more.</summary>
    public virtual bool Takes(Dimension dimension) => dimension == Dimension.Profiles;

    /// <summary>What it takes, in words, for the error naming a transition that brings something else.</summary>
    public virtual string Taken => "profiles";

    /// <summary>What leaves it by <paramref name="port"/>, given what it takes: the same, unless its kind changes it.</summary>
    public virtual Dimension Output(Activity activity, string port, Dimension input) => input;

    /// <summary>Where an error about what it outputs is reported, within the activity (the <c>.entity</c> of an entity's source).</summary>
    public virtual string OutputField(Activity activity) => "";

    /// <summary>Checks what reading alone cannot: expressions, attributes, templates, the activity's place in the graph.</summary>
    public virtual void Check(Activity activity, KindChecks checks)
    {
    }

    /// <summary>The kind as the console and <c>GET /api/activity-kinds</c> show it.</summary>
    public JsonObject Describe() => new()
    {
        ["type"] = Type,
        ["group"] = char.ToLowerInvariant(Group.ToString()[0]) + Group.ToString()[1..],
        ["summary"] = Summary,
        ["source"] = IsSource,
        ["scope"] = Scope == PopulationScope.EachProfile ? "eachProfile" : "wholePopulation",
        ["icon"] = Icon,
        ["start"] = JsonNode.Parse(Start),
        ["fields"] = new JsonArray([.. Fields.Select(f => (JsonNode)new JsonObject
        {
            ["key"] = f.Key, ["label"] = f.Label, ["form"] = f.Form, ["description"] = f.Description, ["required"] = f.Required,
        })]),
        ["ports"] = new JsonArray([.. Ports.Select(p => (JsonNode)new JsonObject
        {
            ["port"] = p.Port, ["when"] = p.When, ["each"] = p.Each, ["name"] = p.Name,
        })]),
        ["schema"] = Schema(),
    };

    /// <summary>
    /// The JSON Schema of an activity of this kind, from its fields (a field with a dot is inside an object): what an
    /// editor can check before the node does; the node's checks go further (expressions, templates, the graph).
    /// </summary>
    public JsonObject Schema()
    {
        var root = SchemaObject();
        root["properties"]!["id"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z][a-z0-9_-]{0,63}$" };
        root["properties"]!["type"] = new JsonObject { ["const"] = Type };
        root["required"]!.AsArray().Add("id");
        root["required"]!.AsArray().Add("type");
        foreach (var field in Fields)
        {
            var parts = field.Key.Split('.');
            var owner = root;
            foreach (var part in parts[..^1])
            {
                if (owner["properties"]![part] is not JsonObject inner)
                {
                    owner["properties"]![part] = inner = SchemaObject();
                    if (field.Required)
                        owner["required"]!.AsArray().Add(part);
                }
                owner = inner;
            }
            owner["properties"]![parts[^1]] = FieldSchema(field);
            if (field.Required)
                owner["required"]!.AsArray().Add(parts[^1]);
        }
        return root;
    }

    private static JsonObject SchemaObject() => new() { ["type"] = "object", ["properties"] = new JsonObject(), ["required"] = new JsonArray() };

    private static JsonObject FieldSchema(KindField field)
    {
        var schema = field.Form switch
        {
            "number" => new JsonObject { ["type"] = "number" },
            "bool" => new JsonObject { ["type"] = "boolean" },
            "list" => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            "json" => new JsonObject { ["type"] = new JsonArray("object", "array") },
            var select when select.StartsWith("select:", StringComparison.Ordinal) =>
                new JsonObject { ["enum"] = new JsonArray([.. select["select:".Length..].Split('|').Select(v => (JsonNode)v)]) },
            _ => new JsonObject { ["type"] = "string" },
        };
        schema["description"] = field.Description;
        return schema;
    }
}

/// <summary>A kind whose record is <typeparamref name="T"/>.</summary>
public abstract class ActivityKind<T> : ActivityKind where T : Activity
{
    public sealed override Type Record => typeof(T);

    public sealed override void Check(Activity activity, KindChecks checks) => Check((T)activity, checks);

    public sealed override void Write(Activity activity, Utf8JsonWriter writer) => Write((T)activity, writer);

    public sealed override IReadOnlySet<string> Columns(Activity activity, BindingScope scope) => Columns((T)activity, scope).ToHashSet(StringComparer.Ordinal);

    protected virtual IEnumerable<string> Columns(T activity, BindingScope scope) => [];

    protected abstract void Write(T activity, Utf8JsonWriter writer);

    protected virtual void Check(T activity, KindChecks checks)
    {
    }
}

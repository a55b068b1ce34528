using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>A node of the canvas. <see cref="OutputPorts"/> are the ports transitions may leave from.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(BuildAudience), "buildAudience")]
[JsonDerivedType(typeof(ReadAudience), "readAudience")]
[JsonDerivedType(typeof(Combine), "combine")]
[JsonDerivedType(typeof(Deduplicate), "deduplicate")]
[JsonDerivedType(typeof(Enrich), "enrich")]
[JsonDerivedType(typeof(Split), "split")]
[JsonDerivedType(typeof(SaveAudience), "saveAudience")]
[JsonDerivedType(typeof(Wait), "wait")]
[JsonDerivedType(typeof(Fork), "fork")]
[JsonDerivedType(typeof(AndJoin), "andJoin")]
[JsonDerivedType(typeof(Test), "test")]
[JsonDerivedType(typeof(End), "end")]
[JsonDerivedType(typeof(EmailActivity), "email")]
[JsonDerivedType(typeof(SmsActivity), "sms")]
[JsonDerivedType(typeof(PushActivity), "push")]
public abstract record Activity(string Id)
{
    public static readonly IReadOnlyList<string> Out = [Transition.DefaultPort];

    [JsonIgnore]
    public virtual IReadOnlyList<string> OutputPorts => Out;

    /// <summary>Targeting sources start a population; they take no inbound transition.</summary>
    [JsonIgnore]
    public virtual bool IsSource => false;
}

public sealed record BuildAudience(string Id, string Filter) : Activity(Id)
{
    [JsonIgnore]
    public override bool IsSource => true;
}

public sealed record ReadAudience(string Id, string Audience) : Activity(Id)
{
    [JsonIgnore]
    public override bool IsSource => true;
}

public enum CombineMode { Union, Intersection, Exclusion }

public sealed record Combine(string Id, CombineMode Mode, string? Primary, bool Complement) : Activity(Id)
{
    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => Complement ? [Transition.DefaultPort, "complement"] : Out;
}

public enum DeduplicateMethod { Lowest, Highest, Random }

public sealed record Deduplicate(string Id, IReadOnlyList<string> Keys, int Keep, DeduplicateMethod Method, string By) : Activity(Id)
{
    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => [Transition.DefaultPort, "duplicates"];
}

/// <summary>A computed column: <see cref="Expression"/> evaluated per profile, carried with the population as <see cref="Name"/>.</summary>
public sealed record EnrichColumn(string Name, string Expression);

public sealed record Enrich(string Id, IReadOnlyList<EnrichColumn> Columns) : Activity(Id);

public sealed record SplitLimit(long? Count, double? Percent);

public sealed record Subset(string Name, string? Filter, SplitLimit? Limit, string? Order);

public sealed record Split(string Id, IReadOnlyList<Subset> Subsets, bool Complement, bool AllowOverlap) : Activity(Id)
{
    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts =>
        [.. Subsets.Select(s => s.Name), .. Complement ? new[] { "complement" } : []];
}

public sealed record SaveAudience(string Id, string Audience) : Activity(Id);

/// <summary>Holds the population for <see cref="Duration"/> or until <see cref="Until"/> (exactly one is set).</summary>
public sealed record Wait(string Id, string? Duration, DateTime? Until) : Activity(Id);

public sealed record Fork(string Id) : Activity(Id);

public sealed record AndJoin(string Id, string Primary) : Activity(Id);

public sealed record TestCondition(string Name, string When);

public sealed record Test(string Id, IReadOnlyList<TestCondition> Conditions) : Activity(Id)
{
    public const string DefaultPort = "default";

    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => [.. Conditions.Select(c => c.Name), DefaultPort];
}

public sealed record EndSignal(string Campaign, IReadOnlyDictionary<string, VariableValue> Variables);

public sealed record End(string Id, EndSignal? Signal) : Activity(Id)
{
    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => [];
}

public enum MessageCategory { Marketing, Transactional }

/// <summary>A channel activity: sends one message per profile; profiles it cannot reach leave by <c>excluded</c>.</summary>
public abstract record ChannelActivity(string Id, MessageCategory Category, double? Throttle) : Activity(Id)
{
    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => [Transition.DefaultPort, "excluded"];

    /// <summary>The Liquid templates of the content, by their name in the document.</summary>
    [JsonIgnore]
    public abstract IEnumerable<(string Field, string Template)> Templates { get; }
}

public sealed record EmailContent(string From, string Subject, string Html, string? Text);

public sealed record EmailActivity(string Id, EmailContent Content, MessageCategory Category, double? Throttle)
    : ChannelActivity(Id, Category, Throttle)
{
    [JsonIgnore]
    public override IEnumerable<(string, string)> Templates =>
        [("from", Content.From), ("subject", Content.Subject), ("html", Content.Html), .. Content.Text is null ? [] : new[] { ("text", Content.Text) }];
}

public sealed record SmsContent(string Text);

public sealed record SmsActivity(string Id, SmsContent Content, MessageCategory Category, double? Throttle)
    : ChannelActivity(Id, Category, Throttle)
{
    [JsonIgnore]
    public override IEnumerable<(string, string)> Templates => [("text", Content.Text)];
}

public sealed record PushContent(string Title, string Body, IReadOnlyDictionary<string, string>? Data);

public sealed record PushActivity(string Id, PushContent Content, MessageCategory Category, double? Throttle)
    : ChannelActivity(Id, Category, Throttle)
{
    [JsonIgnore]
    public override IEnumerable<(string, string)> Templates =>
        [("title", Content.Title), ("body", Content.Body), .. (Content.Data ?? new Dictionary<string, string>()).Select(d => ($"data.{d.Key}", d.Value))];
}

using System.Text.Json;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Templates;
using ActorCampaigns.Domain.Time;
using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

public enum MessageCategory { Marketing, Transactional }

/// <summary>An activity's quiet hours as written: times of day <c>HH:mm</c> (checked by the validator) and the action.</summary>
public sealed record QuietHoursField(string From, string To, QuietAction Action)
{
    /// <summary>The window, once valid; null for <c>ignore</c>.</summary>
    public QuietHours? Window => Action == QuietAction.Ignore ? null
        : new QuietHours(TimeOnly.ParseExact(From, "HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            TimeOnly.ParseExact(To, "HH:mm", System.Globalization.CultureInfo.InvariantCulture), Action);
}

/// <summary>
/// When a channel activity's messages leave, as written: a time of day <c>HH:mm</c> on each recipient's clock (their
/// <c>timezone</c> attribute), on some days (<c>mon</c> to <c>sun</c>; all when none are named). Checked by the validator.
/// </summary>
public sealed record SendAtField(string LocalTime, IReadOnlyList<string> Days)
{
    /// <summary>The time, once valid.</summary>
    public LocalSendTime Time => new(TimeOnly.ParseExact(LocalTime, "HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        Days.Count == 0 ? Enum.GetValues<DayOfWeek>() : Days.Select(d => LocalSendTime.Day(d)!.Value).ToList());
}

/// <summary>
/// What a channel activity's messages aim at: profiles who had a conversion event named <paramref name="Event"/>
/// (<c>POST /api/events</c>) within <paramref name="Window"/> (an ISO 8601 duration) after their message count as
/// converted in the report, with the events' value.
/// </summary>
public sealed record ConversionGoal(string Event, string Window)
{
    public const string DefaultWindow = "P7D";
}

/// <summary>A channel activity: sends one message per profile; profiles it cannot reach leave by <c>excluded</c>.</summary>
public abstract record ChannelActivity(string Id, MessageCategory Category, double? Throttle) : Activity(Id)
{
    /// <summary>The conversion its report measures, if it names one.</summary>
    public ConversionGoal? Conversion { get; init; }

    /// <summary>
    /// How long it may send (ISO 8601), from when it started: what is not sent by then is excluded as <c>expired</c> and
    /// the activity completes. None: it sends until done.
    /// </summary>
    public string? MaxDuration { get; init; }

    /// <summary>
    /// Its own quiet hours, in the node's quiet-hours time zone, over the node's for its channel (which apply to
    /// marketing messages only): these apply whatever the category; action <c>ignore</c> sends at any hour.
    /// </summary>
    public QuietHoursField? QuietHours { get; init; }

    /// <summary>
    /// The local time its messages leave at: each recipient's message waits, from when the activity started, for the
    /// next such moment in their time zone. None: they leave as the activity reaches them.
    /// </summary>
    public SendAtField? SendAt { get; init; }

    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => [Transition.DefaultPort, "excluded"];

    /// <summary>The Liquid templates of the content, by their name in the document.</summary>
    [JsonIgnore]
    public abstract IEnumerable<(string Field, string Template)> Templates { get; }
}

/// <summary>What a channel kind says of its messages: the channel's name, and the attributes holding a profile's address and consent.</summary>
public interface IChannelKind
{
    /// <summary>The channel's name (<c>email</c>, <c>sms</c>, <c>push</c>): providers, feedback and the frequency cap know it by it.</summary>
    string Channel { get; }

    string Address { get; }

    string OptIn { get; }
}

/// <summary>What the channel kinds share: a category, a throttle, a content of Liquid templates, out and excluded.</summary>
public abstract class ChannelKind<T> : ActivityKind<T>, IChannelKind where T : ChannelActivity
{
    public string Channel => Type;

    public abstract string Address { get; }

    public abstract string OptIn { get; }

    /// <summary>The address, the consent, and what the templates name (variables and the campaign aside).</summary>
    protected override IEnumerable<string> Columns(T channel, BindingScope scope) =>
        [Address, OptIn, .. TemplateNames.Roots(channel.Templates.Select(t => t.Template)).Where(scope.Columns.ContainsKey)];

    public override ActivityGroup Group => ActivityGroup.Channel;

    public override IReadOnlyList<PortRule> Ports => [PortRule.Fixed(Transition.DefaultPort), PortRule.Fixed("excluded")];

    /// <summary>Profiles (a message each), or an entity's rows (a message per row, to the row's profile).</summary>
    public override bool Takes(Dimension dimension) => dimension.Kind != DimensionKind.File;

    public override string Taken => "profiles or an entity's rows";

    /// <summary>The content's fields.</summary>
    protected abstract IReadOnlyList<KindField> Content { get; }

    public override IReadOnlyList<KindField> Fields =>
    [
        .. Content,
        new("category", "Category", "select:marketing|transactional",
            "marketing (default: needs the channel's opt-in, counts against the frequency cap) or transactional."),
        new("throttle", "Throttle (messages/s)", "number", "At most this many messages a second, spread through each second."),
        new("quietHours.from", "Quiet hours from", "text", "Start of this activity's quiet hours (HH:mm), over the node's for the channel."),
        new("quietHours.to", "Quiet hours to", "text", "End of its quiet hours (HH:mm, excluded); past midnight when earlier than from."),
        new("quietHours.action", "Quiet hours action", "select:hold|drop|ignore",
            "hold (default): messages wait until the quiet hours end; drop: they are excluded as quietHours; ignore: no quiet hours."),
        new("sendAt.localTime", "Send at local time", "text",
            "Each message waits for this time of day (HH:mm) in its recipient's time zone (their timezone attribute, else the node's)."),
        new("maxDuration", "Maximum send duration", "text",
            "How long it may send from its start, as an ISO 8601 duration (PT12H): what is not sent by then is excluded as expired."),
        new("conversion.event", "Conversion event", "text",
            "A conversion event's name (purchase): the report counts the profiles who had one after their message, with its value."),
        new("conversion.window", "Attribution window", "text", "How long after its message an event counts, as an ISO 8601 duration (default P7D)."),
    ];

    /// <summary>The activity with its content read from <paramref name="content"/>, or with empty templates when it has none.</summary>
    protected abstract T Read(string id, JsonFields? content, MessageCategory category, double? throttle);

    public sealed override Activity Read(string id, JsonFields fields)
    {
        var category = fields.Enum<MessageCategory>("category", required: false, MessageCategory.Marketing)!.Value;
        var throttle = fields.Number("throttle");
        if (throttle is <= 0)
            fields.Error(fields.At("throttle"), "must be a positive number of messages per second");
        var content = fields.Object("content", required: true);
        var activity = Read(id, content, category, throttle) with
        {
            MaxDuration = fields.String("maxDuration", required: false), QuietHours = ReadQuietHours(fields), SendAt = ReadSendAt(fields),
        };
        content?.RejectUnknown($"{Type} content");
        if (fields.Object("conversion", required: false) is not { } conversion)
            return activity;
        var name = conversion.String("event", required: true);
        if (name == "")
            conversion.Error(conversion.At("event"), "must be a conversion event's name, such as purchase");
        var goal = new ConversionGoal(name ?? "", conversion.String("window", required: false) ?? ConversionGoal.DefaultWindow);
        conversion.RejectUnknown("conversion");
        return (T)(activity with { Conversion = goal });
    }

    private static QuietHoursField? ReadQuietHours(JsonFields fields)
    {
        if (fields.Object("quietHours", required: false) is not { } quiet)
            return null;
        var action = quiet.Enum<QuietAction>("action", required: false, QuietAction.Hold)!.Value;
        var window = new QuietHoursField(quiet.String("from", required: action != QuietAction.Ignore) ?? "",
            quiet.String("to", required: action != QuietAction.Ignore) ?? "", action);
        quiet.RejectUnknown("quiet hours");
        return window;
    }

    private static SendAtField? ReadSendAt(JsonFields fields)
    {
        if (fields.Object("sendAt", required: false) is not { } sendAt)
            return null;
        var days = new List<string>();
        foreach (var (element, path) in sendAt.Array("days", required: false))
        {
            if (element.ValueKind != JsonValueKind.String)
                sendAt.Error(path, $"must be a day's name ({string.Join(", ", LocalSendTime.DayNames)}), not {JsonFields.Describe(element)}");
            else
                days.Add(element.GetString()!);
        }
        if (sendAt.Get("days") is { ValueKind: JsonValueKind.Array } named && named.GetArrayLength() == 0)
            sendAt.Error(sendAt.At("days"), "names no day: leave it out to send on every day");
        var field = new SendAtField(sendAt.String("localTime", required: true) ?? "", days);
        sendAt.RejectUnknown("sendAt");
        return field;
    }

    /// <summary>The content's fields, inside <c>content</c>.</summary>
    protected abstract void WriteContent(T channel, Utf8JsonWriter writer);

    protected sealed override void Write(T channel, Utf8JsonWriter writer)
    {
        writer.WriteString("category", CampaignFormat.Name(channel.Category));
        if (channel.Throttle is { } throttle)
        {
            writer.WritePropertyName("throttle");
            CampaignFormat.WriteNumber(writer, throttle);
        }
        if (channel.MaxDuration is not null)
            writer.WriteString("maxDuration", channel.MaxDuration);
        if (channel.QuietHours is { } quiet)
        {
            writer.WriteStartObject("quietHours");
            if (quiet.From.Length > 0)
                writer.WriteString("from", quiet.From);
            if (quiet.To.Length > 0)
                writer.WriteString("to", quiet.To);
            writer.WriteString("action", CampaignFormat.Name(quiet.Action));
            writer.WriteEndObject();
        }
        if (channel.SendAt is { } sendAt)
        {
            writer.WriteStartObject("sendAt");
            writer.WriteString("localTime", sendAt.LocalTime);
            if (sendAt.Days.Count > 0)
            {
                writer.WriteStartArray("days");
                foreach (var day in sendAt.Days)
                    writer.WriteStringValue(day);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        writer.WriteStartObject("content");
        WriteContent(channel, writer);
        writer.WriteEndObject();
        if (channel.Conversion is { } conversion)
        {
            writer.WriteStartObject("conversion");
            writer.WriteString("event", conversion.Event);
            writer.WriteString("window", conversion.Window);
            writer.WriteEndObject();
        }
    }

    protected override void Check(T channel, KindChecks checks)
    {
        foreach (var (field, template) in channel.Templates)
            checks.Template(template, $".content.{field}");
        if (channel.QuietHours is { Action: not QuietAction.Ignore } quiet)
        {
            var from = QuietHours.TryParseTime(quiet.From, out var start, out var fromError);
            var to = QuietHours.TryParseTime(quiet.To, out var end, out var toError);
            if (!from)
                checks.Error(".quietHours.from", fromError);
            if (!to)
                checks.Error(".quietHours.to", toError);
            if (from && to && QuietHours.Problem(start, end) is { } problem)
                checks.Error(".quietHours", problem);
        }
        if (channel.SendAt is not null && checks.Input.Entity is { } entity)
            checks.Error(".sendAt", $"sends one message per row of {entity} as the rows arrive: a local send time is for profiles (it groups them by time zone)");
        if (channel.SendAt is { } sendAt)
        {
            if (!QuietHours.TryParseTime(sendAt.LocalTime, out _, out var timeError))
                checks.Error(".sendAt.localTime", timeError);
            for (var i = 0; i < sendAt.Days.Count; i++)
            {
                if (LocalSendTime.Day(sendAt.Days[i]) is null)
                    checks.Error($".sendAt.days[{i}]", $"'{sendAt.Days[i]}' is not a day's name ({string.Join(", ", LocalSendTime.DayNames)})");
            }
        }
        if (channel.MaxDuration is { } maxDuration)
        {
            if (!IsoDuration.TryParse(maxDuration, out var duration, out var reason))
                checks.Error(".maxDuration", reason);
            else if (duration <= TimeSpan.Zero)
                checks.Error(".maxDuration", "a maximum send duration must be longer than zero");
        }
        if (channel.Conversion is not { } conversion)
            return;
        if (conversion.Event.Length > 0 && !ConversionEvents.IsName(conversion.Event))
            checks.Error(".conversion.event", $"'{conversion.Event}' is not an event name (a letter, then letters, digits, '_', '.' or '-', at most 100)");
        if (!IsoDuration.TryParse(conversion.Window, out var window, out var why))
            checks.Error(".conversion.window", why);
        else if (window <= TimeSpan.Zero)
            checks.Error(".conversion.window", "an attribution window must be longer than zero");
    }
}

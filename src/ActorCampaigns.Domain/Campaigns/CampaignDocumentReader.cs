using System.Text.Json;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// Reads a campaign document from JSON, field by field, so that every structural problem is reported
/// with its path. What could be read is kept, so the graph can still be checked in the same pass.
/// </summary>
internal static class CampaignDocumentReader
{
    private static readonly string KnownTypes =
        "buildAudience, readAudience, combine, deduplicate, enrich, split, saveAudience, wait, fork, andJoin, test, end, email, sms, push";

    public sealed record Result(
        CampaignDocument Document,
        IReadOnlyList<string> ActivityPaths,
        IReadOnlySet<string> UnreadActivities,
        List<ValidationError> Errors);

    public static Result? Read(string json, List<ValidationError> errors)
    {
        if (json.Length > CampaignLimits.MaxDocumentCharacters)
        {
            errors.Add(new ValidationError("$", $"document is larger than {CampaignLimits.MaxDocumentCharacters:N0} characters"));
            return null;
        }
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = CampaignLimits.MaxJsonDepth });
        }
        catch (JsonException e)
        {
            errors.Add(new ValidationError(JsonErrorPath.Of(System.Text.Encoding.UTF8.GetBytes(json), CampaignLimits.MaxJsonDepth), $"not valid JSON: {JsonErrorPath.Describe(e)}"));
            return null;
        }
        catch (ArgumentException)
        {
            // Text handed over as a string may hold a lone surrogate, which no UTF-8 (so no JSON) can carry.
            errors.Add(new ValidationError("$", "not valid JSON: the text is not valid Unicode (a lone surrogate)"));
            return null;
        }
        using (parsed)
        {
            var found = errors.Count;
            JsonWellFormed.Check(parsed.RootElement, errors);
            if (errors.Count > found)
                return null;
            var root = new JsonFields(parsed.RootElement, "$", errors);
            if (!root.IsObject)
                return null;
            var name = root.String("name", required: true) ?? "";
            if (root.IsObject && name.Trim().Length == 0 && root.Get("name") is { ValueKind: JsonValueKind.String })
                errors.Add(new ValidationError("$.name", "must not be empty"));
            var description = root.String("description", required: false);
            var schedule = ReadSchedule(root);
            var variables = ReadVariables(root, "variables");
            var activities = new List<Activity>();
            var paths = new List<string>();
            var unread = new HashSet<string>();
            foreach (var (element, path) in root.Array("activities", required: true))
            {
                var activity = ReadActivity(new JsonFields(element, path, errors), unread);
                if (activity is null)
                    continue;
                activities.Add(activity);
                paths.Add(path);
            }
            var transitions = root.Array("transitions", required: true).Select(t => ReadTransition(new JsonFields(t.Element, t.Path, errors))).ToList();
            root.RejectUnknown("a campaign");
            return new Result(new CampaignDocument(name, description, schedule, variables, activities, transitions), paths, unread, errors);
        }
    }

    private static Schedule ReadSchedule(JsonFields root)
    {
        var fields = root.Object("schedule", required: false);
        if (fields is null)
            return new AsapSchedule();
        Schedule schedule;
        switch (fields.String("type", required: true))
        {
            case null or "asap":
                schedule = new AsapSchedule();
                break;
            case "once":
                schedule = new OnceSchedule(fields.Timestamp("at", required: true) ?? default);
                break;
            case "recurring":
                schedule = new RecurringSchedule(
                    fields.String("cron", required: true) ?? "",
                    fields.String("timeZone", required: false) ?? "UTC",
                    fields.Timestamp("from", required: false),
                    fields.Timestamp("until", required: false));
                break;
            case "signal":
                schedule = new SignalSchedule();
                break;
            case var other:
                fields.Error(fields.At("type"), $"unknown schedule type '{other}'; known: asap, once, recurring, signal");
                return new AsapSchedule();
        }
        fields.RejectUnknown("this schedule");
        return schedule;
    }

    private static Dictionary<string, VariableValue> ReadVariables(JsonFields fields, string name)
    {
        var variables = new Dictionary<string, VariableValue>(StringComparer.Ordinal);
        foreach (var (key, element, path) in fields.Map(name, required: false))
        {
            object? value = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString()!,
                JsonValueKind.True or JsonValueKind.False => element.GetBoolean(),
                JsonValueKind.Number when element.TryGetInt64(out var whole) => whole,
                JsonValueKind.Number => element.GetDouble(),
                _ => null,
            };
            if (!Profiles.ProfileSchema.IsValidName(key))
                fields.Error(path, $"variable name '{key}' must match [A-Za-z][A-Za-z0-9_]*");
            else if (value is null)
                fields.Error(path, $"a variable is a string, a number or a bool, found {JsonFields.Describe(element)}");
            else
                variables[key] = new VariableValue(value);
        }
        return variables;
    }

    private static Transition ReadTransition(JsonFields fields)
    {
        var transition = new Transition(
            fields.String("from", required: true) ?? "",
            fields.String("port", required: false) ?? Transition.DefaultPort,
            fields.String("to", required: true) ?? "");
        fields.RejectUnknown("a transition");
        return transition;
    }

    private static Activity? ReadActivity(JsonFields fields, HashSet<string> unread)
    {
        if (!fields.IsObject)
            return null;
        var id = fields.String("id", required: true) ?? "";
        var type = fields.String("type", required: true);
        Activity? activity = type switch
        {
            null => null,
            "buildAudience" => new BuildAudience(id, fields.String("filter", required: false) ?? ""),
            "readAudience" => new ReadAudience(id, fields.String("audience", required: true) ?? ""),
            "combine" => new Combine(id, fields.Enum<CombineMode>("mode", required: true) ?? CombineMode.Union,
                fields.String("primary", required: false), fields.Bool("complement")),
            "deduplicate" => ReadDeduplicate(id, fields),
            "enrich" => new Enrich(id, fields.Map("columns", required: true)
                .Select(c => new EnrichColumn(c.Name, ExpressionText(fields, c.Element, c.Path))).ToList()),
            "split" => ReadSplit(id, fields),
            "saveAudience" => new SaveAudience(id, fields.String("audience", required: true) ?? ""),
            "wait" => new Wait(id, fields.String("duration", required: false), fields.Timestamp("until", required: false)),
            "fork" => new Fork(id),
            "andJoin" => new AndJoin(id, fields.String("primary", required: true) ?? ""),
            "test" => new Test(id, fields.Array("conditions", required: true).Select(c =>
            {
                var condition = new JsonFields(c.Element, c.Path, ErrorsOf(fields));
                var read = new TestCondition(condition.String("name", required: true) ?? "", condition.String("when", required: true) ?? "");
                condition.RejectUnknown("a test condition");
                return read;
            }).ToList()),
            "end" => new End(id, ReadSignal(fields)),
            "email" or "sms" or "push" => ReadChannel(id, type, fields),
            _ => null,
        };
        if (activity is null)
        {
            if (type is not null)
                fields.Error(fields.At("type"), $"unknown activity type '{type}'; known: {KnownTypes}");
            unread.Add(id);
            return null;
        }
        fields.RejectUnknown($"a {type} activity");
        return activity;
    }

    private static Deduplicate ReadDeduplicate(string id, JsonFields fields)
    {
        var keys = fields.Array("keys", required: true).Select(k => k.Element.ValueKind == JsonValueKind.String
            ? k.Element.GetString()!
            : Invalid(fields, k.Path, "a key is an attribute name")).ToList();
        if (keys.Count == 0 && fields.Get("keys") is { ValueKind: JsonValueKind.Array })
            fields.Error(fields.At("keys"), "must name at least one attribute");
        var keep = fields.Whole("keep");
        if (keep is < 1 or > 1_000_000)
            fields.Error(fields.At("keep"), "must be between 1 and 1000000");
        var method = fields.Enum<DeduplicateMethod>("method", required: false, DeduplicateMethod.Lowest)!.Value;
        var by = fields.String("by", required: false);
        if (by is not null && method == DeduplicateMethod.Random)
            fields.Error(fields.At("by"), "is used only with method lowest or highest");
        return new Deduplicate(id, keys, (int)Math.Clamp(keep ?? 1, 1, 1_000_000), method, by ?? "id");
    }

    private static Split ReadSplit(string id, JsonFields fields)
    {
        var subsets = new List<Subset>();
        foreach (var (element, path) in fields.Array("subsets", required: true))
        {
            var subset = new JsonFields(element, path, ErrorsOf(fields));
            if (!subset.IsObject)
                continue;
            SplitLimit? limit = null;
            if (subset.Object("limit", required: false) is { } limitFields)
            {
                limit = new SplitLimit(limitFields.Whole("count"), limitFields.Number("percent"));
                if ((limit.Count is null) == (limit.Percent is null))
                    limitFields.Error(limitFields.Path, "must have exactly one of count or percent");
                if (limit.Count < 0)
                    limitFields.Error(limitFields.At("count"), "must not be negative");
                if (limit.Percent is < 0 or > 100)
                    limitFields.Error(limitFields.At("percent"), "must be between 0 and 100");
                limitFields.RejectUnknown("a limit");
            }
            subsets.Add(new Subset(subset.String("name", required: true) ?? "", subset.String("filter", required: false), limit,
                subset.String("order", required: false)));
            subset.RejectUnknown("a subset");
        }
        if (subsets.Count == 0 && fields.Get("subsets") is { ValueKind: JsonValueKind.Array })
            fields.Error(fields.At("subsets"), "must have at least one subset");
        return new Split(id, subsets, fields.Bool("complement"), fields.Bool("allowOverlap"));
    }

    private static EndSignal? ReadSignal(JsonFields fields)
    {
        if (fields.Object("signal", required: false) is not { } signal)
            return null;
        var read = new EndSignal(signal.String("campaign", required: true) ?? "", ReadVariables(signal, "variables"));
        signal.RejectUnknown("a signal");
        return read;
    }

    private static ChannelActivity? ReadChannel(string id, string type, JsonFields fields)
    {
        var category = fields.Enum<MessageCategory>("category", required: false, MessageCategory.Marketing)!.Value;
        var throttle = fields.Number("throttle");
        if (throttle is <= 0)
            fields.Error(fields.At("throttle"), "must be a positive number of messages per second");
        var content = fields.Object("content", required: true);
        if (content is null)
            return type switch
            {
                "email" => new EmailActivity(id, new EmailContent("", "", "", null), category, throttle),
                "sms" => new SmsActivity(id, new SmsContent(""), category, throttle),
                _ => new PushActivity(id, new PushContent("", "", null), category, throttle),
            };
        ChannelActivity activity = type switch
        {
            "email" => new EmailActivity(id, new EmailContent(content.String("from", true) ?? "", content.String("subject", true) ?? "",
                content.String("html", true) ?? "", content.String("text", false)), category, throttle),
            "sms" => new SmsActivity(id, new SmsContent(content.String("text", true) ?? ""), category, throttle),
            _ => new PushActivity(id, new PushContent(content.String("title", true) ?? "", content.String("body", true) ?? "",
                content.Get("data") is null ? null : content.Map("data", false).ToDictionary(d => d.Name,
                    d => d.Element.ValueKind == JsonValueKind.String ? d.Element.GetString()! : Invalid(content, d.Path, "a data value is a string template"))),
                category, throttle),
        };
        content.RejectUnknown($"{type} content");
        return activity;
    }

    private static string ExpressionText(JsonFields fields, JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : Invalid(fields, path, "an enrich column is an expression string");

    private static string Invalid(JsonFields fields, string path, string message)
    {
        fields.Error(path, message);
        return "";
    }

    private static List<ValidationError> ErrorsOf(JsonFields fields) => fields.Errors;
}

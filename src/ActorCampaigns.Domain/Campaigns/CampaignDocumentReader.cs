using System.Text.Json;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// Reads a campaign document from JSON, field by field, so that every structural problem is reported
/// with its path. What could be read is kept, so the graph can still be checked in the same pass.
/// </summary>
internal static class CampaignDocumentReader
{
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
            var onError = ReadErrorPolicy(root);
            root.RejectUnknown("a campaign");
            return new Result(new CampaignDocument(name, description, schedule, variables, activities, transitions, onError), paths, unread, errors);
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
                    fields.Timestamp("until", required: false),
                    fields.Enum<CatchUp>("catchUp", required: false) ?? CatchUp.Latest);
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

    private static ErrorPolicy? ReadErrorPolicy(JsonFields root)
    {
        var fields = root.Object("onError", required: false);
        if (fields is null)
            return null;
        var policy = fields.Enum<ErrorAction>("policy", required: false) ?? ErrorAction.Suspend;
        var most = fields.Whole("maxConsecutiveErrors") ?? ErrorPolicy.DefaultMaxConsecutiveErrors;
        if (most is < 1 or > ErrorPolicy.MostConsecutiveErrors)
        {
            fields.Error(fields.At("maxConsecutiveErrors"), $"must be from 1 to {ErrorPolicy.MostConsecutiveErrors:N0}, found {most}");
            most = ErrorPolicy.DefaultMaxConsecutiveErrors;
        }
        ErrorNotify? notify = null;
        if (fields.Object("notify", required: false) is { } to)
        {
            notify = new ErrorNotify(to.String("email", required: false), to.String("webhook", required: false), to.String("from", required: false));
            to.RejectUnknown("onError.notify");
        }
        fields.RejectUnknown("onError");
        return new ErrorPolicy(policy, (int)most, notify);
    }

    internal static Dictionary<string, VariableValue> ReadVariables(JsonFields fields, string name)
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
        var kind = type is null ? null : ActivityKinds.Find(type);
        if (kind is null)
        {
            if (type is not null)
                fields.Error(fields.At("type"), $"unknown activity type '{type}'; known: {ActivityKinds.Known}");
            unread.Add(id);
            return null;
        }
        var activity = kind.Read(id, fields);
        fields.RejectUnknown($"a {type} activity");
        return activity;
    }
}

using System.Text.Json.Nodes;

namespace ActorCampaigns.Engine.Serialization;

/// <summary>
/// Brings a stored payload of an older version of <see cref="CampaignJournalFormat"/> to the current one, step by step:
/// <c>Steps[n]</c> turns version n into n + 1, in place, on the JSON, for events and the state alike. A change to what
/// is stored (an event's field, or a field of the public campaign format inside a document) is a new version: its step
/// is added here, the writer writes the new shape, and the readers know only the newest. Steps never change once shipped.
/// </summary>
public static class CampaignJournalMigrations
{
    private static readonly Action<JsonObject>[] Steps =
    [
        FromRecords,
        // Version 2 added partitioned executions: two events and optional fields (an execution's partitions, an
        // activity's), none of which a version 1 payload has. Nothing to change.
        _ => { },
        // Version 3 added an activity's decision for its partitions (an event, and an optional field of an activity)
        // and a channel activity's optional conversion goal in documents: nothing a version 2 payload has.
        _ => { },
        // Version 4 added the experiment kind in documents, an experiment's decision (an event) and an activity's
        // first-wave counts (an optional field), a recurring schedule's catch-up policy and a channel's maximum send
        // duration and quiet hours (optional, in documents), and the occurrences a catch-up skipped (an event, and the
        // state's skippedThrough): nothing a version 3 payload has.
        _ => { },
        // Version 5 added a campaign's error policy (optional, in documents), the record of an error notification (an
        // event), why a campaign stopped itself (an optional field of stopped), an execution's trace (optional, in
        // execution started and the state), when an activity's run started (optional, in activity completed and
        // the state) and a published campaign's document waiting for its running executions (an event, and the
        // state's pendingDocument): nothing a version 4 payload has.
        _ => { },
    ];

    public static void Upgrade(JsonObject payload, int version)
    {
        if (Steps.Length != CampaignJournalFormat.Version)
            throw new InvalidOperationException($"version {CampaignJournalFormat.Version} needs a step from each older version, there are {Steps.Length}");
        for (var from = version; from < CampaignJournalFormat.Version; from++)
            Steps[from](payload);
        payload["v"] = CampaignJournalFormat.Version;
    }

    /// <summary>
    /// Version 0 to 1. Version 0 is the C# records as System.Text.Json wrote them (camelCase, nulls left out): ids were
    /// objects (<c>{"value":"c-7"}</c>) and the document followed the records, not the public format, where they
    /// differ: an enrich's columns were a list of <c>{name, expression}</c> (the format has an object of expressions
    /// by name), and a random deduplication kept the default <c>"by"</c> (the format refuses it there).
    /// </summary>
    private static void FromRecords(JsonObject payload)
    {
        Unwrap(payload, "id");
        Unwrap(payload, "execution");
        Unwrap(payload, "duplicatedFrom");
        if (payload["executions"] is JsonArray executions)
        {
            foreach (var execution in executions.OfType<JsonObject>())
                Unwrap(execution, "id");
        }
        if (payload["document"] is not JsonObject document || document["activities"] is not JsonArray activities)
            return;
        foreach (var activity in activities.OfType<JsonObject>())
        {
            switch ((string?)activity["type"])
            {
                case "enrich" when activity["columns"] is JsonArray columns:
                    var byName = new JsonObject();
                    foreach (var column in columns.OfType<JsonObject>())
                        byName[(string)column["name"]!] = (string)column["expression"]!;
                    activity["columns"] = byName;
                    break;
                case "deduplicate" when (string?)activity["method"] == "random":
                    activity.Remove("by");
                    break;
            }
        }
    }

    /// <summary>An id stored as <c>{"value": "..."}</c> becomes the string itself.</summary>
    private static void Unwrap(JsonObject owner, string name)
    {
        if (owner[name] is JsonObject wrapped)
            owner[name] = (string?)wrapped["value"];
    }
}

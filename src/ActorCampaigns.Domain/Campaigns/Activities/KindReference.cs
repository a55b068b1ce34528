using System.Text;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// The reference of the activity kinds (<c>docs/reference/activities.md</c>), written from the registry so it cannot
/// drift from what the node reads: a test compares the file with this text.
/// </summary>
public static class KindReference
{
    public static string Markdown()
    {
        var text = new StringBuilder("""
            # Activity kinds

            Every activity of a canvas has an `id` (a lower-case letter, then up to 63 of `a-z 0-9 _ -`) and a `type`,
            one of the kinds below, with the fields of its kind. Transitions leave an activity by one of its ports
            (`out` when a transition names none). This page is written from the node's registry of kinds
            (`GET /api/activity-kinds` serves the same); a test fails when they differ.

            A kind that looks at **each profile** on its own decides for a profile without seeing the others; one that
            needs the **whole population** compares profiles (duplicates, limits, counts) or waits for all of it.

            """);
        foreach (var group in ActivityKinds.All.GroupBy(k => k.Group))
        {
            text.Append("\n## ").Append(group.Key switch
            {
                ActivityGroup.Targeting => "Targeting",
                ActivityGroup.FlowControl => "Flow control",
                _ => "Channels",
            }).Append("\n\n");
            foreach (var kind in group)
            {
                text.Append("### `").Append(kind.Type).Append("`\n\n").Append(kind.Summary).Append("\n\n");
                text.Append("- Ports: ").Append(Ports(kind)).Append('\n');
                text.Append("- Looks at: ").Append(kind.Scope == PopulationScope.EachProfile ? "each profile" : "the whole population").Append('\n');
                if (kind.IsSource)
                    text.Append("- Starts a population: takes no inbound transition.\n");
                if (kind.Fields.Count > 0)
                {
                    text.Append("\n| field | required | what it is |\n|---|---|---|\n");
                    foreach (var field in kind.Fields)
                        text.Append("| `").Append(field.Key).Append("` | ").Append(field.Required ? "yes" : "no").Append(" | ").Append(field.Description.Replace("|", "\\|")).Append(" |\n");
                }
                text.Append("\nExample:\n\n```json\n").Append(Example(kind)).Append("\n```\n\n");
            }
        }
        return text.ToString().TrimEnd() + "\n";
    }

    private static string Ports(ActivityKind kind) => kind.Ports.Count == 0
        ? "none (a path ends here)"
        : string.Join(", ", kind.Ports.Select(rule => rule switch
        {
            { Each: { } each } => $"one per element of `{each}`, named by its `{rule.Name}`",
            { When: { } when } => $"`{rule.Port}` when `{when}` is true",
            _ => $"`{rule.Port}`",
        }));

    private static string Example(ActivityKind kind)
    {
        var start = System.Text.Json.Nodes.JsonNode.Parse(kind.Start)!.AsObject();
        var example = new System.Text.Json.Nodes.JsonObject { ["id"] = kind.Type.ToLowerInvariant() + "1", ["type"] = kind.Type };
        foreach (var (name, value) in start)
            example[name] = value?.DeepClone();
        return example.ToJsonString();
    }
}

using System.Text.RegularExpressions;
using ActorCampaigns.Data.Csv;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Data.Profiles;

/// <summary>
/// The columns a CSV file declares in its header (<c>name</c> or <c>name:type</c>), checked against the schema. A
/// column typed <c>link(profiles)</c> holds ids of another table's rows (an entity's link to its profile): an int
/// column, listed in <see cref="Links"/> with what it links to.
/// </summary>
public sealed partial record ImportHeader(IReadOnlyList<ProfileAttribute> Columns, ProfileSchema Schema, IReadOnlyList<ProfileAttribute> NewAttributes)
{
    /// <summary>The columns declared <c>link(target)</c>, with their target.</summary>
    public IReadOnlyList<(string Column, string Target)> Links { get; private init; } = [];

    [GeneratedRegex(@"^link\(\s*([A-Za-z0-9_]+)\s*\)$")]
    private static partial Regex LinkType();

    /// <summary>PostgreSQL's longest identifier (NAMEDATALEN - 1 bytes; names are ASCII): longer ones would be cut and could clash.</summary>
    public const int MaxNameLength = 63;

    /// <summary>A garbage header of a thousand columns makes a message to read, not a page.</summary>
    private const int MaxListedProblems = 20;

    public int IdIndex { get; } = Columns.ToList().FindIndex(c => c.Name == "id");

    /// <summary>Reads the header; throws <see cref="ImportRefusedException"/> with every problem found.</summary>
    public static ImportHeader Parse(IReadOnlyList<string?> fields, ProfileSchema schema)
    {
        var problems = new List<string>();
        var columns = new List<ProfileAttribute>();
        var added = new List<ProfileAttribute>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var links = new List<(string, string)>();
        var updated = schema;
        for (var i = 0; i < fields.Count; i++)
        {
            var text = (fields[i] ?? "").Trim().TrimStart('\uFEFF');
            var parts = text.Split(':', 2);
            var name = parts[0].Trim();
            if (name.Length > MaxNameLength)
            {
                problems.Add($"column {i + 1} '{CsvText.Excerpt(name)}': an attribute name has at most {MaxNameLength} characters");
                continue;
            }
            var existing = updated.Find(name);
            var type = existing?.Type ?? AttributeType.String;
            if (parts.Length == 2 && LinkType().Match(parts[1].Trim()) is { Success: true } link)
            {
                type = AttributeType.Int;
                links.Add((name, link.Groups[1].Value));
            }
            else if (parts.Length == 2 && !AttributeTypes.TryParse(parts[1].Trim(), out type))
            {
                problems.Add($"column {i + 1} '{CsvText.Excerpt(text)}': unknown type '{CsvText.Excerpt(parts[1].Trim())}' (string, int, number, bool, date, timestamp, link(profiles))");
                continue;
            }
            if (!seen.Add(name))
            {
                problems.Add($"column {i + 1} '{CsvText.Excerpt(name)}' appears twice");
                continue;
            }
            var why = existing is { IsCore: true } && existing.Type != type
                ? $"core attribute '{name}' is {AttributeTypes.Name(existing.Type)}, not {AttributeTypes.Name(type)}"
                : existing is { IsCore: true } ? null : updated.WhyNotAdd(name, type);
            if (why is not null)
            {
                problems.Add($"column {i + 1}: {why}");
                continue;
            }
            if (existing is null)
            {
                updated = updated.With([(name, type)]);
                added.Add(updated.Find(name)!);
            }
            columns.Add(updated.Find(name)!);
        }
        if (!seen.Contains("id"))
            problems.Add("the header has no 'id' column");
        if (problems.Count > 0)
            throw new ImportRefusedException("bad CSV header: " + string.Join("; ", problems.Take(MaxListedProblems))
                + (problems.Count > MaxListedProblems ? $"; and {problems.Count - MaxListedProblems} more problems" : ""));
        return new ImportHeader(columns, updated, added) { Links = links };
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>A column a loaded file declares: its name in the file (the CSV header, the JSON key) and its type.</summary>
public sealed record FileColumn(string Name, AttributeType Type);

public enum FileFormat
{
    Csv,
    Jsonl,
}

/// <param name="File">A file attached to the campaign (<c>PUT /api/campaigns/{id}/files/{name}</c>); or null.</param>
/// <param name="Path">A file read when the activity runs, relative to the node's files folder; or null.</param>
/// <param name="MaxErrors">How many bad lines the load accepts (rejected, the others kept) before it fails.</param>
/// <param name="KeepRejects">Whether the rejected lines are kept, with their number and reason, to download.</param>
public sealed record LoadFileActivity(string Id, string? File, string? Path, FileFormat Format, IReadOnlyList<FileColumn> Columns, long MaxErrors = 0,
    bool KeepRejects = true) : Activity(Id)
{
    /// <summary>The file as messages name it.</summary>
    public string Source => File is { } file ? $"attached file '{file}'" : $"'{Path}' of the files folder";
}

public sealed partial class LoadFileKind : ActivityKind<LoadFileActivity>
{
    public const int MaxColumns = 256;

    public override string Type => "loadFile";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary =>
        "Starts a population of file rows: a CSV or JSON-lines file attached to the campaign or read from the node's files folder, its columns typed; bad lines rejected with their number and reason.";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("file", "Attached file", "text", "The name of a file attached to the campaign (PUT /api/campaigns/{id}/files/{name}). Give this or path."),
        new("path", "Path in the files folder", "text", "A file read when the activity runs, relative to the node's files folder (ActorCampaigns__Files__Folder). Give this or file."),
        new("format", "Format", "select:csv|jsonl", "csv (a header row, RFC 4180) or jsonl (one JSON object per line); by default from the name's extension (.jsonl, .ndjson: jsonl)."),
        new("columns", "Columns (JSON: name → type)", "json", "An object: each column read (CSV header or JSON key) and its type: string, int, number, bool, date, timestamp.", Required: true),
        new("onError.maxErrors", "Bad lines accepted", "number", "How many lines may be rejected before the load fails (default 0: any bad line fails it)."),
        new("onError.rejects", "Keep rejected lines", "bool", "Keep each rejected line's number and reason, to download (default true)."),
    ];

    public override bool IsSource => true;

    public override string Start => """{ "file": "rows.csv", "columns": { "email": "string" } }""";

    public override string Icon => "M4 2h5l3 3v9H4zM9 2v3h3M6 9h4M6 11h4";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    public static partial Regex FileName();

    public override Activity Read(string id, JsonFields fields)
    {
        var file = fields.String("file", required: false);
        var path = fields.String("path", required: false);
        var format = fields.String("format", required: false) switch
        {
            null or "" => (file ?? path ?? "").EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || (file ?? path ?? "").EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
                ? FileFormat.Jsonl : FileFormat.Csv,
            "csv" => FileFormat.Csv,
            "jsonl" => FileFormat.Jsonl,
            var other => Unknown(other),
        };
        var columns = fields.Map("columns", required: true).Select(c =>
        {
            if (c.Element.ValueKind == JsonValueKind.String && AttributeTypes.TryParse(c.Element.GetString()!, out var type))
                return new FileColumn(c.Name, type);
            fields.Error(c.Path, $"must be a type: string, int, number, bool, date or timestamp, found {JsonFields.Describe(c.Element)}");
            return new FileColumn(c.Name, AttributeType.String);
        }).ToList();
        long maxErrors = 0;
        var keepRejects = true;
        if (fields.Object("onError", required: false) is { } onError)
        {
            maxErrors = onError.Whole("maxErrors") ?? 0;
            keepRejects = onError.Get("rejects") is null || onError.Bool("rejects");
            onError.RejectUnknown("onError");
        }
        return new LoadFileActivity(id, file, path, format, columns, maxErrors, keepRejects);

        FileFormat Unknown(string format)
        {
            fields.Error(fields.At("format"), $"'{format}' is not a format: csv or jsonl");
            return FileFormat.Csv;
        }
    }

    protected override void Check(LoadFileActivity load, KindChecks checks)
    {
        if ((load.File is null) == (load.Path is null))
            checks.Error("", "give either file (attached to the campaign) or path (in the node's files folder), not both");
        if (load.File is { } file && !FileName().IsMatch(file))
            checks.Error(".file", $"'{file}' is not a file name: letters, digits, '.', '_' and '-', from a letter or digit, at most 100");
        if (load.Path is { } path && WhyNotRelative(path) is { } why)
            checks.Error(".path", why);
        if (load.Columns.Count == 0)
            checks.Error(".columns", "must declare at least one column");
        if (load.Columns.Count > MaxColumns)
            checks.Error(".columns", $"declares {load.Columns.Count} columns, more than {MaxColumns}");
        foreach (var column in load.Columns.Where(c => !ProfileSchema.IsValidName(c.Name)))
            checks.Error($".columns.{column.Name}", $"'{column.Name}' is not a column name: [A-Za-z][A-Za-z0-9_]*");
        if (load.MaxErrors < 0)
            checks.Error(".onError.maxErrors", "must be 0 or more");
    }

    public override Dimension Output(Activity activity, string port, Dimension input) => Dimension.FileRows;

    /// <summary>Why a path cannot name a file inside the files folder, or null.</summary>
    private static string? WhyNotRelative(string path)
    {
        if (path.Length is 0 or > 255)
            return "must be 1 to 255 characters";
        if (path.Any(char.IsControl) || path.Contains('\\') || path.Contains(':'))
            return $"'{path}' has a character a relative path here cannot: a control character, '\\' or ':'";
        if (path.StartsWith('/'))
            return $"'{path}' is absolute: a path is relative to the node's files folder";
        if (path.Split('/').Any(part => part is "" or "." or ".."))
            return $"'{path}' has an empty, '.' or '..' part: a path stays inside the node's files folder";
        return null;
    }

    protected override void Write(LoadFileActivity load, Utf8JsonWriter writer)
    {
        if (load.File is { } file)
            writer.WriteString("file", file);
        if (load.Path is { } path)
            writer.WriteString("path", path);
        writer.WriteString("format", load.Format == FileFormat.Jsonl ? "jsonl" : "csv");
        writer.WriteStartObject("columns");
        foreach (var column in load.Columns)
            writer.WriteString(column.Name, AttributeTypes.Name(column.Type));
        writer.WriteEndObject();
        writer.WriteStartObject("onError");
        writer.WriteNumber("maxErrors", load.MaxErrors);
        writer.WriteBoolean("rejects", load.KeepRejects);
        writer.WriteEndObject();
    }
}

using System.Text.Json;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Domain.Campaigns;

/// <param name="Entity">The entity whose rows it picks; null: profiles.</param>
/// <param name="By">A column of the rows whose high-water mark tells what is new (a timestamp, date or int); null: by id.</param>
public sealed record IncrementalQueryActivity(string Id, string Filter, string? Entity = null, string? By = null) : Activity(Id), IRowSource;

public sealed class IncrementalQueryKind : ActivityKind<IncrementalQueryActivity>
{
    public override string Type => "incrementalQuery";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary =>
        "Starts a population as buildAudience does, with only the rows that earlier executions of this activity did not output: new ids, or rows past the high-water mark of a column.";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("entity", "Entity (empty: profiles)", "text", "The entity whose rows it picks, such as bookings; empty picks profiles."),
        new("filter", "Filter (empty: every row)", "area", "A boolean expression over the rows, as for buildAudience. Empty keeps every row."),
        new("by", "New by (empty: id)", "text",
            "Empty: a row is new when no earlier execution output its id. A timestamp, date or int column: a row is new when its value is past the highest an earlier execution read."),
    ];

    public override bool IsSource => true;

    public override string Start => """{ "filter": "" }""";

    public override string Icon => "M2 3h12l-4.5 5.5V13l-3 1.5V8.5zM12 11h3M13.5 9.5v3";

    public override Activity Read(string id, JsonFields fields) =>
        new IncrementalQueryActivity(id, fields.String("filter", required: false) ?? "", BuildAudienceKind.EntityOf(fields),
            fields.String("by", required: false) is { Length: > 0 } by and not "id" ? by : null);

    public override Dimension Output(Activity activity, string port, Dimension input) => BuildAudienceKind.OutputOf((IncrementalQueryActivity)activity);

    public override string OutputField(Activity activity) => ((IncrementalQueryActivity)activity).Entity is null ? "" : ".entity";

    protected override void Check(IncrementalQueryActivity activity, KindChecks checks)
    {
        if (BuildAudienceKind.CheckSource(activity, checks) is not { } scope || activity.By is not { } by)
            return;
        if (!scope.Columns.TryGetValue(by, out var type) || by.Contains('.'))
            checks.Error(".by", $"'{by}' is not a column of the rows (their own, not their profile's)");
        else if (type is not (ExprType.Timestamp or ExprType.Date or ExprType.Int))
            checks.Error(".by", $"'{by}' is {ExprTypes.Name(type)}: a high-water mark is a timestamp, date or int column");
    }

    protected override void Write(IncrementalQueryActivity query, Utf8JsonWriter writer)
    {
        if (query.Entity is { } entity)
            writer.WriteString("entity", entity);
        writer.WriteString("filter", query.Filter);
        if (query.By is { } by)
            writer.WriteString("by", by);
    }

    protected override IEnumerable<string> Columns(IncrementalQueryActivity query, BindingScope scope) => query.Entity is null ? NamesIn(query.Filter, scope) : [];
}

using System.Globalization;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// The rows a buildAudience would pick that earlier executions of this activity did not output. A live execution first
/// claims its rows (<see cref="IncrementalRows"/>): by id, those no execution claimed; by a column, those in the range it
/// keeps, past the previous executions' high-water mark. Then it outputs what it claimed, in id order, from the claims:
/// a rerun after a crash finds them whole and outputs the same batches, whatever changed in the data meanwhile. A test
/// execution claims and keeps nothing: it outputs what a live one would claim now.
/// </summary>
public sealed class IncrementalQueryStage : ActivityStage<IncrementalQueryActivity>
{
    /// <summary>Claims are the campaign's, not a partition's: the query runs whole.</summary>
    public override bool RunsPerPartition(Activity activity) => false;

    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, IncrementalQueryActivity query, long input,
        CancellationToken cancellationToken)
    {
        var incremental = runner.Services.Incremental;
        var key = new IncrementalQuery(run.Campaign.Value, query.Id, run.Execution.Value, ByMark: query.By is not null);
        var live = run.Mode == ExecutionMode.Live;
        if (live && await incremental.IsClaimedAsync(key, cancellationToken))
            return Claimed();
        var (rows, filter, _) = await BuildAudienceStage.RowsAsync(runner, run, query, cancellationToken);
        if (query.By is { } column)
        {
            var type = ExprTypes.Of((await rows.GetSchemaAsync(cancellationToken)).Find(column)?.Type
                ?? throw new InvalidOperationException($"'{query.Id}' reads what is new by '{column}', which its rows no longer have"));
            var (from, to) = await incremental.RangeAsync(key, async () => Mark(await rows.MaxAsync(column, filter, run.Context, cancellationToken)),
                (a, b) => Comparer<object>.Default.Compare(Value(a, type), Value(b, type)), live, cancellationToken);
            if (to is null)
            {
                if (live)
                    await incremental.CloseAsync(key, cancellationToken);
                return Source.Empty<PortBatch>();
            }
            filter = And(filter, Compare(column, type, BinaryOperator.LessOrEqual, to));
            if (from is not null)
                filter = And(filter, Compare(column, type, BinaryOperator.Greater, from));
        }
        var picked = rows.StreamAsync(new ProfileQuery(filter, run.Context, [], runner.Services.BatchSize), cancellationToken);
        if (!live)
        {
            var batches = Source.From(() => picked).Select(batch => batch.Ids);
            return (query.By is null ? batches.SelectAsync(1, ids => incremental.UnclaimedAsync(key, ids, cancellationToken)) : batches)
                .Where(ids => ids.Length > 0)
                .Select(ids => new PortBatch(Transition.DefaultPort, ids));
        }
        await foreach (var batch in picked)
            await incremental.ClaimAsync(key, batch.Ids, cancellationToken);
        await incremental.CloseAsync(key, cancellationToken);
        return Claimed();

        Source<PortBatch, NotUsed> Claimed() =>
            Source.From(() => incremental.ClaimedAsync(key, runner.Services.BatchSize, cancellationToken)).Select(ids => new PortBatch(Transition.DefaultPort, ids));
    }

    private static Bound And(Bound? left, Bound right) => left is null ? right : new BoundBinary(ExprType.Bool, BinaryOperator.And, left, right);

    private static Bound Compare(string column, ExprType type, BinaryOperator comparison, string mark) =>
        new BoundBinary(ExprType.Bool, comparison, new BoundColumn(type, column), new BoundLiteral(type, Value(mark, type)));

    /// <summary>A mark as kept: invariant text that reads back as the same value.</summary>
    private static string? Mark(object? value) => value switch
    {
        null => null,
        DateTime at => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
    };

    private static object Value(string mark, ExprType type) => type switch
    {
        ExprType.Timestamp => DateTime.Parse(mark, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        ExprType.Date => DateOnly.ParseExact(mark, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => long.Parse(mark, CultureInfo.InvariantCulture),
    };
}

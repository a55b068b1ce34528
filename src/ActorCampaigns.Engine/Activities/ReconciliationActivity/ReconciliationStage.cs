using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Data.Files;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Matches rows (those a loadFile loaded, or an entity's reaching it) to profiles or to another entity's rows: the
/// rows' keys go into a table in memory, then what they are matched to streams past it once, as a hash join would.
/// A profile (or row) matched by several rows is matched once, by the first (lowest line or id); a row with a key
/// missing matches nothing. What it found is kept with the execution (<see cref="Reconciliations"/>) before anything
/// leaves, so a run again outputs the same, whatever the profiles and rows became.
/// </summary>
public sealed class ReconciliationStage : ActivityStage<ReconciliationActivity>
{
    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, ReconciliationActivity reconciliation, long input,
        CancellationToken cancellationToken)
    {
        var services = runner.Services;
        // An experiment's second wave (the held-back rows) keeps what it matched apart from the first's.
        var key = new ExecutionActivity(run.Campaign.Value, run.Execution.Value, run.SecondWave ? reconciliation.Id + BoundAggregateColumn.SecondWave : reconciliation.Id);
        var matchedTo = reconciliation.To == "profiles" ? "profiles" : $"rows of {reconciliation.To}";
        if (await services.Reconciliations.DoneAsync(key, cancellationToken) is not { } summary)
        {
            await services.Reconciliations.ClearAsync(key, cancellationToken);
            summary = await MatchAsync(runner, run, reconciliation, key, cancellationToken);
        }
        var note = $"matched {summary.Matched:N0} {matchedTo}; {summary.Unmatched:N0} rows matched none";
        return Source.Single(new PortBatch(ReconciliationActivity.Matched, [], Notes: [note]))
            .Concat(Source.From(() => services.Reconciliations.MatchedAsync(key, services.BatchSize, cancellationToken))
                .Select(ids => new PortBatch(ReconciliationActivity.Matched, ids)))
            .Concat(Source.From(() => services.Reconciliations.UnmatchedAsync(key, services.BatchSize, cancellationToken))
                .Select(lines => new PortBatch(ReconciliationActivity.Unmatched, lines)));
    }

    private static async Task<ReconciliationSummary> MatchAsync(ActivityRunner runner, ActivityRun run, ReconciliationActivity reconciliation, ExecutionActivity key,
        CancellationToken cancellationToken)
    {
        var services = runner.Services;
        // The rows taken, read once (an entity's rows may change meanwhile: each is matched or not by the key read here),
        // and each key they have, to the first line (or row id) having it.
        var rows = new List<(long Line, string? Key)>();
        var byKey = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var row in RowsAsync(runner, run, reconciliation, cancellationToken))
        {
            rows.Add(row);
            if (row.Key is not null)
                byKey.TryAdd(row.Key, row.Line);
        }

        // What they are matched to streams past, its key attributes read, in id order: matches are written as they are found.
        var attributes = reconciliation.Keys.Select(k => k.Attribute).Distinct().ToList();
        var target = reconciliation.To == "profiles" ? services.Profiles : (await runner.EntityAsync(run, reconciliation.To, cancellationToken)).Rows;
        var (matched, matchedKeys) = (0L, new HashSet<string>(StringComparer.Ordinal));
        await foreach (var batch in target.StreamAsync(new ProfileQuery(null, run.Context, attributes.Where(a => a != "id").ToList(), services.BatchSize), cancellationToken))
        {
            var found = new List<(long Profile, long Line)>();
            var columns = attributes.ToDictionary(a => a, a => ValuesOf(batch, a));
            for (var i = 0; i < batch.Count; i++)
            {
                if (KeyOf(reconciliation.Keys, k => Text(columns[k.Attribute][i])) is { } targetKey && byKey.TryGetValue(targetKey, out var line))
                {
                    found.Add((batch.Ids[i], line));
                    matchedKeys.Add(targetKey);
                }
            }
            if (found.Count > 0)
                await services.Reconciliations.AppendAsync(key, found, [], cancellationToken);
            matched += found.Count;
        }
        byKey.Clear();

        // A row matched when something has its key, even if that counts with an earlier row.
        var unmatched = 0L;
        var chunk = new List<long>(services.BatchSize);
        foreach (var row in rows)
        {
            if (row.Key is not null && matchedKeys.Contains(row.Key))
                continue;
            chunk.Add(row.Line);
            if (chunk.Count == services.BatchSize)
            {
                await services.Reconciliations.AppendAsync(key, [], chunk, cancellationToken);
                (unmatched, chunk) = (unmatched + chunk.Count, new List<long>(services.BatchSize));
            }
        }
        await services.Reconciliations.AppendAsync(key, [], chunk, cancellationToken);
        var summary = new ReconciliationSummary(matched, unmatched + chunk.Count);
        await services.Reconciliations.CloseAsync(key, summary, cancellationToken);
        return summary;
    }

    /// <summary>
    /// The rows taken, in ascending line (or id) order, each with its key (null when a key value is missing or empty):
    /// a file's from where its load kept them (validation makes that load the only inbound, and a load outputs every
    /// row it kept), an entity's those reaching the reconciliation, their columns read.
    /// </summary>
    private static async IAsyncEnumerable<(long Line, string? Key)> RowsAsync(ActivityRunner runner, ActivityRun run, ReconciliationActivity reconciliation,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = run.Plan.InputOf(reconciliation.Id).Entity is { } name
            ? EntityRowKeysAsync(runner, run, await runner.EntityAsync(run, name, cancellationToken), reconciliation, cancellationToken)
            : FileRowKeysAsync(runner.Services, new ExecutionActivity(run.Campaign.Value, run.Execution.Value, run.Inbound.Single().Activity), reconciliation,
                cancellationToken);
        await foreach (var row in rows)
            yield return row;
    }

    private static async IAsyncEnumerable<(long Line, string? Key)> FileRowKeysAsync(EngineServices services, ExecutionActivity load, ReconciliationActivity reconciliation,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in services.Loaded.RowsAsync(load, services.BatchSize, cancellationToken))
        {
            foreach (var row in page)
            {
                using var values = JsonDocument.Parse(row.Values);
                yield return (row.Line, KeyOf(reconciliation.Keys, k => values.RootElement.TryGetProperty(k.Column, out var value) ? Text(value) : null));
            }
        }
    }

    private static async IAsyncEnumerable<(long Line, string? Key)> EntityRowKeysAsync(ActivityRunner runner, ActivityRun run, Data.Entities.Entity entity,
        ReconciliationActivity reconciliation, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var columns = reconciliation.Keys.Select(k => k.Column).Distinct().ToList();
        var read = columns.Where(c => c != "id").ToList();
        await foreach (var batch in entity.Rows.ReadColumnsAsync(runner.Union(run, run.Inbound, cancellationToken), read, cancellationToken))
        {
            var values = columns.ToDictionary(c => c, c => ValuesOf(batch, c));
            for (var i = 0; i < batch.Count; i++)
                yield return (batch.Ids[i], KeyOf(reconciliation.Keys, k => Text(values[k.Column][i])));
        }
    }

    /// <summary>A column's values in a batch; <c>id</c> is the batch's ids.</summary>
    private static object?[] ValuesOf(ProfileBatch batch, string column) =>
        column == "id" ? Array.ConvertAll(batch.Ids, id => (object?)id) : batch.ValuesOf(column);

    /// <summary>
    /// The key of a row or profile: its key values (each lower-cased, invariantly, where case is ignored), each after
    /// its length, so no value can run into the next; null when one is missing or empty.
    /// </summary>
    private static string? KeyOf(IReadOnlyList<ReconciliationKey> keys, Func<ReconciliationKey, string?> valueOf)
    {
        var text = new StringBuilder();
        foreach (var key in keys)
        {
            if (valueOf(key) is not { Length: > 0 } value)
                return null;
            text.Append(value.Length).Append(':').Append(key.IgnoreCase ? value.ToLowerInvariant() : value);
        }
        return text.ToString();
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static string? Text(object? value) => value switch
    {
        null => null,
        string text => text,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}

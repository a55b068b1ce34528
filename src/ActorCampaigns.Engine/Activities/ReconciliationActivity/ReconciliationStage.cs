using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Data.Files;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Matches the rows a loadFile loaded (those that reach it) to profiles: the rows' keys go into a table in memory,
/// then the profiles stream past it once, as a hash join would. A profile matched by several rows is matched once, by
/// the first (lowest line); a row with a key missing matches nothing. What it found is kept with the execution
/// (<see cref="Reconciliations"/>) before anything leaves, so a run again outputs the same, whatever the profiles became.
/// </summary>
public sealed class ReconciliationStage : ActivityStage<ReconciliationActivity>
{
    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, ReconciliationActivity reconciliation, long input,
        CancellationToken cancellationToken)
    {
        var services = runner.Services;
        var key = new ExecutionActivity(run.Campaign.Value, run.Execution.Value, reconciliation.Id);
        if (await services.Reconciliations.DoneAsync(key, cancellationToken) is not { } summary)
        {
            await services.Reconciliations.ClearAsync(key, cancellationToken);
            summary = await MatchAsync(runner, run, reconciliation, key, cancellationToken);
        }
        var note = $"matched {summary.Matched:N0} profiles; {summary.Unmatched:N0} rows matched none";
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
        // Validation makes the one loadFile before it its only inbound, and a load outputs every row it kept: its rows are read where the load kept them.
        var load = new ExecutionActivity(key.Campaign, key.Execution, run.Inbound.Single().Activity);

        // Each key the rows have, to the first line having it.
        var byKey = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var row in RowKeysAsync(services, load, reconciliation, cancellationToken))
        {
            if (row.Key is not null)
                byKey.TryAdd(row.Key, row.Line);
        }

        // The profiles stream past, their key attributes read, in id order: matches are written as they are found.
        var (matched, attributes) = (0L, reconciliation.Keys.Select(k => k.Attribute).Distinct().ToList());
        var matchedKeys = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var batch in services.Profiles.StreamAsync(new ProfileQuery(null, run.Context, attributes, services.BatchSize), cancellationToken))
        {
            var found = new List<(long Profile, long Line)>();
            var columns = attributes.ToDictionary(a => a, batch.ValuesOf);
            for (var i = 0; i < batch.Count; i++)
            {
                if (KeyOf(reconciliation.Keys, k => Text(columns[k.Attribute][i])) is { } profileKey && byKey.TryGetValue(profileKey, out var line))
                {
                    found.Add((batch.Ids[i], line));
                    matchedKeys.Add(profileKey);
                }
            }
            if (found.Count > 0)
                await services.Reconciliations.AppendAsync(key, found, [], cancellationToken);
            matched += found.Count;
        }
        byKey.Clear();

        // A row matched when some profile has its key, even if that profile counts with an earlier row.
        var unmatched = 0L;
        var chunk = new List<long>(services.BatchSize);
        await foreach (var row in RowKeysAsync(services, load, reconciliation, cancellationToken))
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

    /// <summary>The load's rows, by line, each with its key (null when a key value is missing or empty).</summary>
    private static async IAsyncEnumerable<(long Line, string? Key)> RowKeysAsync(EngineServices services, ExecutionActivity load, ReconciliationActivity reconciliation,
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

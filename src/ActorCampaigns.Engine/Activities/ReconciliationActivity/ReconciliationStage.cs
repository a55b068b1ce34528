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
        var key = new Reconciliation(run.Campaign.Value, run.Execution.Value, reconciliation.Id);
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

    private static async Task<ReconciliationSummary> MatchAsync(ActivityRunner runner, ActivityRun run, ReconciliationActivity reconciliation, Reconciliation key,
        CancellationToken cancellationToken)
    {
        var services = runner.Services;
        var arriving = new HashSet<long>();
        await foreach (var lines in runner.Union(run, run.Inbound, cancellationToken))
            arriving.UnionWith(lines);
        var load = new FileLoad(key.Campaign, key.Execution, run.Inbound.Single().Activity);

        // The rows' keys (null: a key value missing, it matches nothing), and each key to the first line having it.
        var rows = new List<(long Line, string? Key)>();
        var byKey = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var page in services.Loaded.RowsAsync(load, services.BatchSize, cancellationToken))
        {
            foreach (var row in page.Where(r => arriving.Contains(r.Line)))
            {
                using var values = JsonDocument.Parse(row.Values);
                var rowKey = KeyOf(reconciliation.Keys, k => values.RootElement.TryGetProperty(k.Column, out var value) ? Text(value) : null);
                rows.Add((row.Line, rowKey));
                if (rowKey is not null)
                    byKey.TryAdd(rowKey, row.Line);
            }
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

        // A row matched when some profile has its key, even if that profile is counted with an earlier row.
        var unmatched = rows.Where(r => r.Key is null || !matchedKeys.Contains(r.Key)).Select(r => r.Line).ToList();
        foreach (var chunk in unmatched.Chunk(services.BatchSize))
            await services.Reconciliations.AppendAsync(key, [], chunk, cancellationToken);
        var summary = new ReconciliationSummary(matched, unmatched.Count);
        await services.Reconciliations.CloseAsync(key, summary, cancellationToken);
        return summary;
    }

    /// <summary>The key of a row or profile: its key values joined (each lower-cased where case is ignored); null when one is missing.</summary>
    private static string? KeyOf(IReadOnlyList<ReconciliationKey> keys, Func<ReconciliationKey, string?> valueOf)
    {
        var text = new StringBuilder();
        foreach (var key in keys)
        {
            if (valueOf(key) is not { } value)
                return null;
            text.Append(key.IgnoreCase ? value.ToLowerInvariant() : value).Append('\u001f');
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

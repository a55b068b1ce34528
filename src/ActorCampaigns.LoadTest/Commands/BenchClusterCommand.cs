using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.LoadTest.Postgres;
using Npgsql;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// <c>bench cluster [--profiles 1M] [--campaigns 10] [--nodes 1,3]</c>: the benchmark canvas as several campaigns at
/// once over one profile base, on node processes sharing a fresh PostgreSQL (durable settings), once per cluster size.
/// </summary>
public static class BenchClusterCommand
{
    private sealed record Row(int Nodes, int Campaigns, long Profiles, double ImportSeconds, double Seconds, long Messages, int Hosts,
        IReadOnlyList<PartitionDone> Partitions, IReadOnlyList<(string Activity, bool Decided, double After)> Timeline);

    /// <summary>A partition of an activity of a campaign, completed on a node, this long after the publish.</summary>
    private sealed record PartitionDone(string Campaign, string Activity, int Partition, string Node, long In, double DoneAfter);

    private static readonly System.Text.RegularExpressions.Regex PartitionLine = new(@"^partition (\d+) completed on (\S+): in (\d+)");

    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var profiles = args.Count("profiles", 1_000_000);
        var campaigns = (int)Math.Clamp(args.Count("campaigns", 10), 1, 50);
        var sizes = (args.Text("nodes") ?? "1,3").Split(',').Select(n => int.TryParse(n, out var v) && v is >= 1 and <= 5
            ? v : throw new UsageException($"--nodes takes node counts from 1 to 5, comma-separated; '{n}' is not one")).ToList();
        var canvasPath = args.Text("canvas") ?? "bench/bench-canvas.json";
        var target = args.Text("out") ?? "docs/benchmarks.md";
        args.RejectUnknown();
        var canvas = await BenchmarkDocument.ReadCanvasAsync(canvasPath, cancellationToken);
        var folder = Directory.CreateTempSubdirectory("actorcampaigns-cluster-bench-").FullName;
        try
        {
            var csv = Path.Combine(folder, "profiles.csv");
            await GenerateCommand.GenerateAsync(csv, profiles, seed: 1, output, cancellationToken);
            var rows = new List<Row>();
            foreach (var nodes in sizes)
                rows.Add(await MeasureAsync(canvas, csv, profiles, campaigns, nodes, Path.Combine(folder, $"nodes-{nodes}"), output, cancellationToken));

            var single = rows.FirstOrDefault(r => r.Nodes == 1);
            var table = string.Join("\n", new[]
            {
                "| nodes | campaigns at once | profiles each | import s | publish → all completed s | profiles/s | messages | nodes that ran campaigns | vs one node |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            }.Concat(rows.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"| {r.Nodes} | {r.Campaigns} | {r.Profiles:N0} | {r.ImportSeconds:F1} | {r.Seconds:F1} | {r.Campaigns * r.Profiles / r.Seconds:N0} | {r.Messages:N0} | {r.Hosts} | {(single is null ? "" : $"{single.Seconds / r.Seconds:F2}×")} |"))));
            output.WriteLine(table);
            var spread = Spread(rows);
            output.WriteLine(spread);
            // One campaign is the partitioned case; several at once, the spread of campaigns: each has its section.
            BenchmarkDocument.WriteSection(target, campaigns == 1 ? "cluster-one-campaign" : "cluster", $"""
                ## {(campaigns == 1 ? "One campaign on a cluster" : "Campaigns at once on a cluster")} (PostgreSQL)

                Command: `dotnet run -c Release --project src/ActorCampaigns.LoadTest -- bench cluster --profiles {profiles} --campaigns {campaigns} --nodes {string.Join(',', sizes)}`

                {BenchmarkDocument.Machine()}

                `bench/bench-canvas.json` published as {campaigns} campaigns at once, each over the same {profiles:N0} generated
                profiles (seed 1), so {campaigns * profiles:N0} profiles go through the canvas in all. For each cluster size: a fresh
                PostgreSQL server with its default, durable settings, the profiles imported (binary COPY), then that many Node
                processes on loopback (the first the seed, every node running campaigns and serving HTTP), campaigns submitted
                and published through the nodes' gateways in turn; the time runs from the first publish until every campaign
                reports completed. Messages go to the cluster's outbox table.

                {table}

                {spread}

                All the nodes and PostgreSQL share this machine's two cores, so more nodes cannot add computing power here: they
                add processes competing for the same cores (and connections for the same server). What the cluster shows on one
                machine is that the campaigns spread over the members and complete with the same counts. On three machines each
                node would have two cores of its own and the PostgreSQL server a machine of its own: the engine's work per
                campaign (rendering, streaming, Akka) would divide over the nodes, and the limit would move to the database
                server's writes (outbox rows, worktables, ledger), which this benchmark shares with the nodes.
                """);
            output.WriteLine($"written to {target}");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<Row> MeasureAsync(string canvas, string csv, long profiles, int campaigns, int nodes, string folder, TextWriter output,
        CancellationToken cancellationToken)
    {
        await using var postgres = await TemporaryPostgres.StartAsync(durable: true);
        // The server takes 200 connections: shared between the nodes' pools.
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { MaxPoolSize = 180 / nodes }.ToString();
        var import = Stopwatch.StartNew();
        var store = new PostgresProfileStore(new PostgresDatabase(connectionString));
        await store.InitializeAsync(cancellationToken);
        await ImportCommand.ImportAsync(store, csv, output, cancellationToken);
        var importSeconds = import.Elapsed.TotalSeconds;
        NpgsqlConnection.ClearAllPools();

        var ports = Enumerable.Range(0, nodes).Select(_ => LoopbackPorts.Free()).ToArray();
        var seed = $"akka.tcp://actorcampaigns@127.0.0.1:{ports[0]}";
        var started = await Task.WhenAll(ports.Select((port, i) => NodeProcess.StartAsync(Path.Combine(folder, $"node-{i + 1}"),
            ("Postgres", connectionString), ("RemotingPort", port.ToString(CultureInfo.InvariantCulture)), ("Cluster__Seeds__0", seed),
            // As many executions at once as the node's share of the server's connections serves (at most the default 8).
            ("MaxRunningExecutions", Math.Min(8, (180 / nodes - Node.NodeOptions.ConnectionsOfTheNode) / Node.NodeOptions.ConnectionsPerExecution).ToString(CultureInfo.InvariantCulture)))));
        try
        {
            output.WriteLine($"{nodes} node(s) up; submitting {campaigns} campaigns");
            var ids = new List<string>();
            for (var i = 0; i < campaigns; i++)
            {
                var (created, body) = await started[i % nodes].SendAsync(HttpMethod.Post, "/api/campaigns", canvas);
                if (created != HttpStatusCode.Created)
                    throw new InvalidOperationException($"the campaign was refused: {body}");
                ids.Add(body.GetProperty("id").GetString()!);
            }
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(ids.Select((id, i) => started[i % nodes].PublishAsync(id)));
            var done = new Dictionary<string, JsonElement>();
            var progress = new ProgressLine(output);
            while (done.Count < ids.Count)
            {
                await Task.Delay(1000, cancellationToken);
                foreach (var id in ids.Where(id => !done.ContainsKey(id)))
                {
                    var status = await started[0].Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/status", cancellationToken);
                    var state = status.GetProperty("executions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } e
                        ? e.GetProperty("state").GetString() : null;
                    if (state is "failed" or "stopped")
                        throw new InvalidOperationException($"campaign {id} {state}: {status}");
                    if (state == "completed")
                        done[id] = status;
                }
                progress.Report($"{nodes} node(s): {done.Count} of {ids.Count} campaigns completed after {clock.Elapsed.TotalSeconds:F0} s");
                if (clock.Elapsed > TimeSpan.FromMinutes(30))
                    throw new TimeoutException($"{ids.Count - done.Count} campaigns still running after 30 minutes");
            }
            var seconds = clock.Elapsed.TotalSeconds;
            progress.Done();
            var ends = done.Values.Select(s => s.GetProperty("executions")[0].GetProperty("activities").GetProperty("end").GetProperty("in").GetInt64()).ToList();
            if (ends.Distinct().Count() != 1)
                throw new InvalidOperationException($"the campaigns disagree on their counts: {string.Join(", ", ends)}");
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM outbox_messages", connection);
            var messages = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            if (messages != ends.Sum())
                throw new InvalidOperationException($"the outbox holds {messages:N0} messages; the campaigns counted {ends.Sum():N0}");
            var partitions = new List<PartitionDone>();
            var timeline = new List<(string, bool, double)>();
            foreach (var (id, status) in done)
            {
                var (parts, activities) = await LogAsync(started[0], id, status, cancellationToken);
                partitions.AddRange(parts);
                if (timeline.Count == 0)
                    timeline.AddRange(activities);
            }
            var hosts = done.Values.Select(s => s.GetProperty("node").GetString()).Concat(partitions.Select(p => p.Node)).Distinct().Count();
            output.WriteLine($"{nodes} node(s): {campaigns} campaigns of {profiles:N0} in {seconds:F1} s, {messages:N0} messages, run on {hosts} node(s)");
            return new Row(nodes, campaigns, profiles, importSeconds, seconds, messages, hosts, partitions, timeline);
        }
        finally
        {
            foreach (var node in started)
                await node.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
        }
    }

    /// <summary>
    /// What a campaign's log says: the partitions that completed, with their node, their input and when, and when each
    /// activity completed and when an activity deciding for its partitions decided (seconds after the execution started).
    /// </summary>
    private static async Task<(IReadOnlyList<PartitionDone> Partitions, IReadOnlyList<(string Activity, bool Decided, double After)> Activities)> LogAsync(NodeProcess node,
        string id, JsonElement status, CancellationToken cancellationToken)
    {
        var execution = status.GetProperty("executions")[0];
        var started = execution.GetProperty("startedAt").GetDateTime();
        var logs = await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/logs?execution={execution.GetProperty("id").GetString()}", cancellationToken);
        var lines = logs.GetProperty("lines").EnumerateArray()
            .Select(line => (Activity: line.GetProperty("activity").GetString(), Message: line.GetProperty("message").GetString() ?? "",
                After: (line.GetProperty("at").GetDateTime() - started).TotalSeconds))
            .Where(l => l.Activity is not null).ToList();
        var partitions = lines.Select(l => (Line: l, Match: PartitionLine.Match(l.Message))).Where(l => l.Match.Success)
            .Select(l => new PartitionDone(id, l.Line.Activity!, int.Parse(l.Match.Groups[1].Value, CultureInfo.InvariantCulture), l.Match.Groups[2].Value,
                long.Parse(l.Match.Groups[3].Value, CultureInfo.InvariantCulture), l.Line.After))
            .ToList();
        // When each activity completed, and when one deciding for its partitions (a split with limits) had decided.
        var activities = lines.Where(l => l.Message.StartsWith("completed:", StringComparison.Ordinal) || l.Message.StartsWith("decided", StringComparison.Ordinal))
            .Select(l => (l.Activity!, Decided: l.Message.StartsWith("decided", StringComparison.Ordinal), l.After)).OrderBy(a => a.After).ToList();
        return (partitions, activities);
    }

    /// <summary>
    /// How the work spread, per cluster size: per node, the partitions it ran and the profiles they took in; per partition
    /// of the email activity of the first campaign, its node, its input and when it completed.
    /// </summary>
    private static string Spread(IReadOnlyList<Row> rows)
    {
        var text = new System.Text.StringBuilder();
        foreach (var row in rows)
        {
            var perPartition = row.Partitions.Select(p => p.Activity).ToHashSet();
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Nodes} node(s), when each activity of the first campaign completed (or decided, at the campaign, for its partitions):");
            text.AppendLine();
            text.AppendLine("| activity | ran | s after start |");
            text.AppendLine("|---|---|---:|");
            foreach (var (activity, decided, after) in row.Timeline)
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {activity} | {(decided ? "decided at the campaign" : perPartition.Contains(activity) ? "per partition" : "whole, at the campaign")} | {after:F1} |");
            text.AppendLine();
            if (row.Partitions.Count == 0)
                continue;
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Nodes} nodes, per node (partitions of every per-profile activity of every campaign):");
            text.AppendLine();
            text.AppendLine("| node | partitions run | profiles in | last one completed s |");
            text.AppendLine("|---|---:|---:|---:|");
            foreach (var node in row.Partitions.GroupBy(p => p.Node).OrderBy(g => g.Key))
                text.AppendLine(CultureInfo.InvariantCulture, $"| {node.Key} | {node.Count()} | {node.Sum(p => p.In):N0} | {node.Max(p => p.DoneAfter):F1} |");
            var first = row.Partitions[0].Campaign;
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Nodes} nodes, the email activity's partitions (campaign {first}):");
            text.AppendLine();
            text.AppendLine("| partition | node | profiles in | completed s after start |");
            text.AppendLine("|---:|---|---:|---:|");
            foreach (var partition in row.Partitions.Where(p => p.Campaign == first && p.Activity == "mail").OrderBy(p => p.Partition))
                text.AppendLine(CultureInfo.InvariantCulture, $"| {partition.Partition} | {partition.Node} | {partition.In:N0} | {partition.DoneAfter:F1} |");
            text.AppendLine();
        }
        return text.ToString().TrimEnd();
    }
}

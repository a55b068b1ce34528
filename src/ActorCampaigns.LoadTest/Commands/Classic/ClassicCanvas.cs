using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Activities;
using Npgsql;
using Activity = ActorCampaigns.Domain.Campaigns.Activity;

namespace ActorCampaigns.LoadTest.Commands.Classic;

/// <summary>
/// A campaign executed the way database-centred campaign tools execute a workflow: one SQL statement per activity
/// output, each writing an unlogged work table in PostgreSQL from the work tables before it, and the channels
/// rendering their messages in SQL into an unlogged message table (INSERT ... SELECT). Covers what the benchmark canvas uses: buildAudience, combine (union,
/// exclusion), deduplicate (lowest/highest by an attribute), split (filters, percent or count limits, id, attribute
/// or random order, complement), email, SMS and push with simple Liquid templates, end. Random orders use the engine's
/// own keyed order (<see cref="Seeds.RandomKeySql"/>), so both draw the same sample for any ids.
/// </summary>
public sealed partial class ClassicCanvas(string connectionString, CampaignDocument document, ProfileSchema schema, string campaign, string execution)
{
    public const string Messages = "classic_messages";

    /// <summary>Each statement run, with its time; then the population count of each activity port.</summary>
    public List<(string Statement, double Seconds)> Steps { get; } = [];

    public Dictionary<(string Activity, string Port), long> Counts { get; } = [];

    private static string Table(string activity, string port) => $"wt_{activity}_{port}".ToLowerInvariant().Replace('-', '_');

    public async Task<double> RunAsync(CancellationToken cancel)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancel);
        await ExecuteAsync(connection, "setup", PrepareSql(), [], cancel);
        var clock = Stopwatch.StartNew();
        foreach (var activity in Ordered())
        {
            foreach (var (port, sql, parameters) in Statements(activity))
                await ExecuteAsync(connection, $"{activity.Id}.{port}", sql, parameters, cancel);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var activity in document.Activities)
        foreach (var port in activity.OutputPorts)
            Counts[(activity.Id, port)] = await CountAsync(connection, Table(activity.Id, port), cancel);
        return seconds;
    }

    private string PrepareSql()
    {
        var sql = new StringBuilder($"DROP TABLE IF EXISTS {Messages}; CREATE UNLOGGED TABLE {Messages} (message_id text PRIMARY KEY, channel text, activity text, profile bigint, recipient text, content jsonb);");
        foreach (var activity in document.Activities)
        foreach (var port in activity.OutputPorts)
            sql.Append($"DROP TABLE IF EXISTS {Table(activity.Id, port)}; CREATE UNLOGGED TABLE {Table(activity.Id, port)} (id bigint PRIMARY KEY);");
        foreach (var dedup in document.Activities.OfType<DeduplicateActivity>())
            sql.Append($"DROP TABLE IF EXISTS {Table(dedup.Id, "ranked")}; CREATE UNLOGGED TABLE {Table(dedup.Id, "ranked")} (id bigint PRIMARY KEY, kept boolean NOT NULL);");
        return sql.ToString();
    }

    private IEnumerable<Activity> Ordered()
    {
        var done = new HashSet<string>();
        var left = document.Activities.ToList();
        while (left.Count > 0)
        {
            var ready = left.First(a => document.Transitions.Where(t => t.To == a.Id).All(t => done.Contains(t.From)));
            done.Add(ready.Id);
            left.Remove(ready);
            yield return ready;
        }
    }

    /// <summary>The population arriving at an activity, joined to the profiles (<c>p</c>) as the derived table <c>i</c>.</summary>
    private string Joined(string activity) => $"profiles p JOIN ({Inbound(activity)}) i ON i.id = p.id";

    /// <summary>The population arriving at an activity: the union of its inbound transitions' work tables.</summary>
    private string Inbound(string activity, string? from = null) => string.Join(" UNION ",
        document.Transitions.Where(t => t.To == activity && (from is null || t.From == from)).Select(t => $"SELECT id FROM {Table(t.From, t.Port)}"));

    private IEnumerable<(string Port, string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters)> Statements(Activity activity)
    {
        var context = EvaluationContext.At(DateTime.UtcNow);
        var none = Array.Empty<KeyValuePair<string, object?>>();
        var into = (string port) => $"INSERT INTO {Table(activity.Id, port)} ";
        switch (activity)
        {
            case BuildAudienceActivity build:
                var filter = Filter(build.Filter, context, "b");
                yield return ("out", into("out") + $"SELECT p.id FROM profiles p WHERE {filter.Text}", filter.Parameters);
                break;
            case CombineActivity { Mode: CombineMode.Union } combine:
                yield return ("out", into("out") + Inbound(combine.Id), none);
                break;
            case CombineActivity { Mode: CombineMode.Exclusion } exclusion:
                var others = document.Transitions.Where(t => t.To == exclusion.Id && t.From != exclusion.Primary).Select(t => t.From).Distinct();
                yield return ("out", into("out") + $"SELECT id FROM ({Inbound(exclusion.Id, exclusion.Primary)}) p EXCEPT " +
                    string.Join(" EXCEPT ", others.Select(o => $"SELECT id FROM ({Inbound(exclusion.Id, o)}) o")), none);
                break;
            case DeduplicateActivity { Method: not DeduplicateMethod.Random } dedup:
                var keys = string.Join(", ", dedup.Keys.Select(SqlCompiler.QuoteIdentifier));
                var direction = dedup.Method == DeduplicateMethod.Highest ? "DESC" : "ASC";
                var ranked = $"SELECT p.id, ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY p.{SqlCompiler.QuoteIdentifier(dedup.By)} {direction} NULLS LAST, p.id) AS n, " +
                             $"({string.Join(" OR ", dedup.Keys.Select(k => $"p.{SqlCompiler.QuoteIdentifier(k)} IS NULL"))}) AS has_null " +
                             $"FROM {Joined(dedup.Id)}";
                // The window is computed once, into a work table of its own; each port then reads it.
                var kept = Table(dedup.Id, "ranked");
                yield return ("ranked", $"INSERT INTO {kept} SELECT id, n <= {dedup.Keep} OR has_null FROM ({ranked}) r", none);
                yield return ("out", into("out") + $"SELECT id FROM {kept} WHERE kept", none);
                yield return ("duplicates", into("duplicates") + $"SELECT id FROM {kept} WHERE NOT kept", none);
                break;
            case SplitActivity split:
                foreach (var statement in SplitStatements(split, context))
                    yield return statement;
                break;
            case ChannelActivity channel:
                var (kind, address, consent, content) = Channel(channel);
                var eligible = $"p.{SqlCompiler.QuoteIdentifier(address)} IS NOT NULL" +
                               (channel.Category == MessageCategory.Marketing ? $" AND p.{SqlCompiler.QuoteIdentifier(consent)}" : "");
                yield return ("messages", $"INSERT INTO {Messages} (message_id, channel, activity, profile, recipient, content) " +
                    $"SELECT '{campaign}.{execution}.{channel.Id}.' || p.id, '{kind}', '{channel.Id}', p.id, p.{SqlCompiler.QuoteIdentifier(address)}, " +
                    $"jsonb_build_object({string.Join(", ", content.Select(c => $"'{c.Key}', {Render(c.Value)}"))}) FROM {Joined(channel.Id)} WHERE {eligible}", none);
                yield return ("out", into("out") + $"SELECT profile FROM {Messages} WHERE activity = '{channel.Id}'", none);
                yield return ("excluded", into("excluded") + $"SELECT id FROM ({Inbound(channel.Id)}) i EXCEPT SELECT profile FROM {Messages} WHERE activity = '{channel.Id}'", none);
                break;
            case EndActivity:
                break;
            default:
                throw new NotSupportedException($"the classic execution does not cover {activity.GetType().Name} activities");
        }
    }

    /// <summary>Subsets in order, each from what the earlier ones left, in its order, up to its limit; then the complement.</summary>
    private IEnumerable<(string, string, IReadOnlyList<KeyValuePair<string, object?>>)> SplitStatements(SplitActivity split, EvaluationContext context)
    {
        if (split.AllowOverlap)
            throw new NotSupportedException("the classic execution does not cover overlapping splits");
        var taken = new List<string>();
        for (var s = 0; s < split.Subsets.Count; s++)
        {
            var subset = split.Subsets[s];
            var filter = Filter(subset.Filter ?? "", context, $"s{s}");
            var left = string.Concat(taken.Select(t => $" AND NOT EXISTS (SELECT 1 FROM {t} t WHERE t.id = p.id)"));
            var order = subset.Order switch
            {
                null => "id",
                "random" => $"{Seeds.RandomKeySql("id", Seeds.For(execution, split.Id, subset.Name))}, id",
                var attribute => $"{SqlCompiler.QuoteIdentifier(attribute.Split(' ')[0])} {attribute.Split(' ')[1].ToUpperInvariant()} NULLS LAST, id",
            };
            var limit = subset.Limit switch
            {
                { Count: { } count } => $"LEAST({count}, (SELECT COUNT(*) FROM eligible))",
                { Percent: { } percent } => $"FLOOR((SELECT COUNT(*) FROM eligible) * {percent.ToString(System.Globalization.CultureInfo.InvariantCulture)} / 100)",
                _ => "NULL",
            };
            yield return (subset.Name, $"INSERT INTO {Table(split.Id, subset.Name)} WITH eligible AS (SELECT p.* FROM {Joined(split.Id)} WHERE TRUE{left} AND ({filter.Text})) " +
                $"SELECT id FROM eligible ORDER BY {order} LIMIT {limit}", filter.Parameters);
            taken.Add(Table(split.Id, subset.Name));
        }
        if (split.Complement)
            yield return ("complement", $"INSERT INTO {Table(split.Id, "complement")} SELECT id FROM ({Inbound(split.Id)}) i " +
                string.Concat(taken.Select(t => $" EXCEPT SELECT id FROM {t}")), []);
    }

    private CompiledSql Filter(string text, EvaluationContext context, string prefix)
    {
        var (bound, error) = Expression.CheckFilter(text, BindingScope.ForProfiles(schema));
        if (error is not null)
            throw new InvalidOperationException($"filter '{text}': {error}");
        return bound is null ? new CompiledSql("TRUE", [])
            : SqlCompiler.Compile(bound, SqlDialect.PostgreSql, context, column: name => $"p.{SqlCompiler.QuoteIdentifier(name)}", parameterPrefix: prefix);
    }

    private static (string Kind, string Address, string Consent, IReadOnlyList<KeyValuePair<string, string>> Content) Channel(ChannelActivity channel) => channel switch
    {
        EmailActivity e => ("email", "email", "emailOptIn", [new("subject", e.Content.Subject), new("html", e.Content.Html), .. e.Content.Text is { } t ? [new KeyValuePair<string, string>("text", t)] : Array.Empty<KeyValuePair<string, string>>()]),
        SmsActivity s => ("sms", "phone", "smsOptIn", [new("text", s.Content.Text)]),
        PushActivity p => ("push", "pushToken", "pushOptIn", [new("title", p.Content.Title), new("body", p.Content.Body)]),
        _ => throw new NotSupportedException(channel.GetType().Name),
    };

    [GeneratedRegex(@"\{\{\s*(\w+)\s*(?:\|\s*default:\s*'([^']*)'\s*)?\}\}")]
    private static partial Regex Placeholder();

    /// <summary>A template as SQL text concatenation: literal text, <c>{{ attr }}</c> and <c>{{ attr | default: 'x' }}</c> only.</summary>
    private static string Render(string template)
    {
        var parts = new List<string>();
        var at = 0;
        foreach (Match m in Placeholder().Matches(template))
        {
            parts.Add(Literal(template[at..m.Index]));
            var column = $"p.{SqlCompiler.QuoteIdentifier(m.Groups[1].Value)}::text";
            parts.Add(m.Groups[2].Success ? $"COALESCE(NULLIF({column}, ''), {Literal(m.Groups[2].Value)})" : $"COALESCE({column}, '')");
            at = m.Index + m.Length;
        }
        parts.Add(Literal(template[at..]));
        if (parts.Any(p => p.Contains("{{", StringComparison.Ordinal) || p.Contains("{%", StringComparison.Ordinal)))
            throw new NotSupportedException($"the classic execution renders only {{{{ attr }}}} and default filters, not: {template}");
        return string.Join(" || ", parts);
    }

    private static string Literal(string text) => $"'{text.Replace("'", "''")}'";

    private async Task ExecuteAsync(NpgsqlConnection connection, string step, string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name.TrimStart('@'), value ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancel);
        if (step != "setup")
            Steps.Add((step, clock.Elapsed.TotalSeconds));
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string table, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancel));
    }
}

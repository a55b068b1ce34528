using System.Text.RegularExpressions;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Domain.Templates;
using ActorCampaigns.Domain.Time;
using Cronos;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>The outcome of validating a document: the document when it is valid, every problem otherwise.</summary>
public sealed record ValidationResult(CampaignDocument? Document, IReadOnlyList<ValidationError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Checks a campaign document against the contract: structure, ids, the graph (ports, cycles,
/// reachability, joins), parameters, durations, schedules, templates and expressions against the
/// profile schema. Every problem is reported, each with its JSON path.
/// </summary>
public static partial class CampaignValidator
{
    /// <param name="entities">The node's entities with their columns (what <c>buildAudience</c>'s <c>entity</c> may name).</param>
    public static ValidationResult Validate(string json, ProfileSchema schema, IReadOnlyDictionary<string, ProfileSchema>? entities = null)
    {
        var errors = new List<ValidationError>();
        var read = CampaignDocumentReader.Read(json, errors);
        if (read is null)
            return new ValidationResult(null, errors);
        new Checks(read, schema, entities ?? new Dictionary<string, ProfileSchema>(), errors).Run();
        var ordered = errors.Distinct().ToList();
        return new ValidationResult(ordered.Count == 0 ? read.Document : null, ordered);
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$")]
    internal static partial Regex ActivityId();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    internal static partial Regex AudienceName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    internal static partial Regex PortName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    internal static partial Regex CampaignId();

    private sealed class Checks(CampaignDocumentReader.Result read, ProfileSchema schema, IReadOnlyDictionary<string, ProfileSchema> entities,
        List<ValidationError> errors)
    {
        private readonly CampaignDocument _document = read.Document;
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<int>> _inbound = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<int>> _outbound = new(StringComparer.Ordinal);

        private Activity ActivityOf(string id) => _document.Activities[_index[id]];

        private string PathOf(string id) => read.ActivityPaths[_index[id]];

        private void Error(string path, string message) => errors.Add(new ValidationError(path, message));

        public void Run()
        {
            // A canvas past the limits is refused before its graph is walked: that walk is what the limits protect.
            if (_document.Activities.Count > CampaignLimits.MaxActivities)
                Error("$.activities", $"a campaign has at most {CampaignLimits.MaxActivities:N0} activities, this one has {_document.Activities.Count:N0}");
            if (_document.Transitions.Count > CampaignLimits.MaxTransitions)
                Error("$.transitions", $"a campaign has at most {CampaignLimits.MaxTransitions:N0} transitions, this one has {_document.Transitions.Count:N0}");
            if (errors.Count > 0 && (_document.Activities.Count > CampaignLimits.MaxActivities || _document.Transitions.Count > CampaignLimits.MaxTransitions))
                return;
            CheckIds();
            CheckTransitions();
            var acyclic = CheckCycles();
            if (acyclic)
                CheckReachable();
            CheckSchedule();
            CheckErrorPolicy();
            var variables = _document.Variables.ToDictionary(v => v.Key, v => v.Value.Type);
            var channels = _document.Activities.OfType<ChannelActivity>().Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            if (acyclic)
            {
                _inputs = Dimensions.InputsOf(_document);
                CheckDimensions();
            }
            var columns = acyclic ? EnrichColumnsUpstream() : [];
            for (var i = 0; i < _document.Activities.Count; i++)
            {
                var activity = _document.Activities[i];
                var scope = BindingScope.ForProfiles(schema, variables, columns.GetValueOrDefault(activity.Id)) with { FeedbackActivities = channels };
                CheckParameters(activity, read.ActivityPaths[i], scope);
            }
        }

        /// <summary>What each activity takes (profiles until the graph is known to be acyclic).</summary>
        private IReadOnlyDictionary<string, Dimension> _inputs = new Dictionary<string, Dimension>();

        private Dimension InputOf(string id) => _inputs.GetValueOrDefault(id) ?? Dimension.Profiles;

        private Dimension OutputOf(string id, string port) => Dimensions.OutputOf(ActivityOf(id), port, _inputs);

        /// <summary>
        /// Each transition brings what its activity takes (an entity's rows to no activity reading profiles), reported at
        /// the activity it leaves, naming the one it leads to; and the transitions into an activity bring one dimension.
        /// Profiles brought alone where they are not taken are left to that activity's own check (a reconciliation names its load).
        /// </summary>
        private void CheckDimensions()
        {
            foreach (var (id, into) in _inbound)
            {
                var kind = ActivityKinds.Of(ActivityOf(id));
                (string From, Dimension Dimension)? first = null;
                foreach (var t in into.Select(i => _document.Transitions[i]))
                {
                    var brought = OutputOf(t.From, t.Port);
                    if (!kind.Takes(brought))
                    {
                        if (brought != Dimension.Profiles)
                            Error(PathOf(t.From) + ActivityKinds.Of(ActivityOf(t.From)).OutputField(ActivityOf(t.From)),
                                $"'{id}' ({kind.Type}) takes {kind.Taken}, and this activity outputs {brought}: {brought.GoesTo}");
                        // Profiles beside the rows it takes (bookings and profiles into one reconciliation).
                        else if (InputOf(id) != Dimension.Profiles)
                            Error(PathOf(id), $"'{id}' takes {InputOf(id)}, and '{t.From}' brings it profiles: a {kind.Type} takes {kind.Taken}");
                        continue;
                    }
                    if (first is null)
                        first = (t.From, brought);
                    // An end takes whatever reaches it, mixed.
                    else if (first.Value.Dimension != brought && ActivityOf(id) is not EndActivity)
                        Error(PathOf(id), $"'{id}' takes {first.Value.Dimension} from '{first.Value.From}' and {brought} from '{t.From}': " +
                            "the populations an activity takes are of one dimension");
                }
            }
        }

        private void CheckIds()
        {
            for (var i = 0; i < _document.Activities.Count; i++)
            {
                var (id, path) = (_document.Activities[i].Id, read.ActivityPaths[i]);
                if (!ActivityId().IsMatch(id))
                    Error($"{path}.id", $"'{id}' is not a valid activity id: lower-case letter first, then up to 63 of a-z 0-9 _ -");
                if (!_index.TryAdd(id, i))
                    Error($"{path}.id", $"duplicate activity id '{id}', first used at {read.ActivityPaths[_index[id]]}");
                _inbound.TryAdd(id, []);
                _outbound.TryAdd(id, []);
            }
            if (_document.Activities.Count == 0 && read.UnreadActivities.Count == 0)
                Error("$.activities", "a campaign needs at least one activity");
        }

        private void CheckTransitions()
        {
            var seen = new HashSet<Transition>();
            for (var i = 0; i < _document.Transitions.Count; i++)
            {
                var t = _document.Transitions[i];
                var path = $"$.transitions[{i}]";
                if (read.UnreadActivities.Contains(t.From) || read.UnreadActivities.Contains(t.To))
                    continue;
                var fromKnown = _index.ContainsKey(t.From);
                var toKnown = _index.ContainsKey(t.To);
                if (!fromKnown && t.From.Length > 0)
                    Error($"{path}.from", $"unknown activity '{t.From}'");
                if (!toKnown && t.To.Length > 0)
                    Error($"{path}.to", $"unknown activity '{t.To}'");
                if (fromKnown && !ActivityOf(t.From).OutputPorts.Contains(t.Port))
                {
                    var ports = ActivityOf(t.From).OutputPorts;
                    Error($"{path}.port", ports.Count == 0
                        ? $"'{t.From}' is an end and has no output ports"
                        : $"'{t.From}' has no port '{t.Port}'; its ports are {string.Join(", ", ports)}");
                }
                if (toKnown && ActivityOf(t.To).IsSource)
                    Error($"{path}.to", $"'{t.To}' is a targeting source and takes no inbound transition");
                if (!seen.Add(t))
                    Error(path, $"duplicate transition from '{t.From}' port '{t.Port}' to '{t.To}'");
                if (fromKnown && toKnown)
                {
                    _outbound[t.From].Add(i);
                    _inbound[t.To].Add(i);
                }
            }
        }

        /// <summary>Depth-first search; a transition that reaches an activity still on the stack closes a cycle.</summary>
        private bool CheckCycles()
        {
            var state = new Dictionary<string, int>(StringComparer.Ordinal);
            var acyclic = true;
            foreach (var start in _index.Keys)
            {
                if (state.ContainsKey(start))
                    continue;
                var stack = new Stack<(string Id, IEnumerator<int> Next)>();
                stack.Push((start, _outbound[start].GetEnumerator()));
                state[start] = 1;
                while (stack.Count > 0)
                {
                    var (id, next) = stack.Peek();
                    if (!next.MoveNext())
                    {
                        state[id] = 2;
                        stack.Pop();
                        continue;
                    }
                    var to = _document.Transitions[next.Current].To;
                    switch (state.GetValueOrDefault(to))
                    {
                        case 0:
                            state[to] = 1;
                            stack.Push((to, _outbound[to].GetEnumerator()));
                            break;
                        case 1:
                            acyclic = false;
                            var cycle = stack.Reverse().Select(s => s.Id).SkipWhile(s => s != to).Append(to);
                            Error($"$.transitions[{next.Current}]", $"closes a cycle: {string.Join(" -> ", cycle)}");
                            break;
                    }
                }
            }
            return acyclic;
        }

        private void CheckReachable()
        {
            var reached = new HashSet<string>(StringComparer.Ordinal);
            // Activities fed by an activity that could not be read are not reported again as unreachable.
            var queue = new Queue<string>(_document.Activities.Where(a => a.IsSource).Select(a => a.Id)
                .Concat(_document.Transitions.Where(t => read.UnreadActivities.Contains(t.From) && _index.ContainsKey(t.To)).Select(t => t.To)));
            while (queue.TryDequeue(out var id))
            {
                if (!reached.Add(id))
                    continue;
                foreach (var t in _outbound[id])
                    queue.Enqueue(_document.Transitions[t].To);
            }
            if (!_document.Activities.Any(a => a.IsSource) && _document.Activities.Count > 0)
                Error("$.activities", "a campaign needs a targeting activity (buildAudience or readAudience) to start from");
            foreach (var activity in _document.Activities.Where(a => !reached.Contains(a.Id)))
                Error(PathOf(activity.Id), $"'{activity.Id}' is not reachable from any targeting activity");
        }

        /// <summary>
        /// The enrich columns an activity can see: those computed by enrich activities upstream of it, and the file
        /// columns riding along with the profiles a reconciliation upstream matched. A file column reaching an activity
        /// from two origins (two reconciliations, or one and an enrich column) is an error: the profiles of one would
        /// read the other's value, or none.
        /// </summary>
        private Dictionary<string, Dictionary<string, ExprType>> EnrichColumnsUpstream()
        {
            var result = new Dictionary<string, Dictionary<string, ExprType>>(StringComparer.Ordinal);
            // Where each column an activity sees comes from, and whether that is a file's.
            var origins = new Dictionary<(string Activity, string Column), (string Origin, bool File)>();
            Dictionary<string, ExprType> Visit(string id)
            {
                if (result.TryGetValue(id, out var known))
                    return known;
                var columns = new Dictionary<string, ExprType>(StringComparer.Ordinal);
                result[id] = columns;
                void Add(string name, ExprType type, (string Origin, bool File) origin)
                {
                    if (origins.TryGetValue((id, name), out var seen) && seen.Origin != origin.Origin && (seen.File || origin.File))
                        Error(PathOf(id), $"the column '{name}' reaches '{id}' from '{seen.Origin}' and from '{origin.Origin}': rename one");
                    origins[(id, name)] = origin;
                    columns[name] = type;
                }
                foreach (var t in _inbound[id])
                {
                    var from = _document.Transitions[t].From;
                    // Columns travel with profiles only: an entity's rows (and the profiles they change back to) carry none.
                    if (InputOf(from) == Dimension.Profiles && OutputOf(from, _document.Transitions[t].Port) == Dimension.Profiles)
                    {
                        foreach (var (name, type) in Visit(from))
                            Add(name, type, origins[(from, name)]);
                    }
                    if (ActivityOf(from) is ChangeDimensionActivity change && InputOf(from).Entity is { } entity
                        && entities.GetValueOrDefault(entity) is { } rows)
                    {
                        foreach (var (name, type) in ChangeDimensionKind.RideAlong(change, rows))
                            Add(name, type, (from, true));
                    }
                    if (ActivityOf(from) is ReconciliationActivity reconciliation && _document.Transitions[t].Port == ReconciliationActivity.Matched
                        && _inbound[from].Select(r => ActivityOf(_document.Transitions[r].From)).FirstOrDefault() is LoadFileActivity load)
                    {
                        foreach (var (name, type) in ReconciliationKind.RideAlong(reconciliation, load))
                            Add(name, type, (from, true));
                    }
                    if (ActivityOf(from) is EnrichActivity enrich)
                    {
                        var scope = BindingScope.ForProfiles(schema, _document.Variables.ToDictionary(v => v.Key, v => v.Value.Type), Visit(from))
                            with { FeedbackActivities = _document.Activities.OfType<ChannelActivity>().Select(a => a.Id).ToHashSet(), AllowsAggregates = true };
                        foreach (var column in enrich.Columns)
                        {
                            if (Expression.Check(column.Expression, scope).Bound is { Type: not ExprType.Null } bound)
                                Add(column.Name, bound.Type, (from, false));
                        }
                    }
                }
                return columns;
            }
            foreach (var id in _index.Keys)
                Visit(id);
            return result;
        }

        private void CheckSchedule()
        {
            switch (_document.Schedule)
            {
                case RecurringSchedule recurring:
                    var cronFields = recurring.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                    try
                    {
                        CronExpression.Parse(recurring.Cron, cronFields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
                    }
                    catch (CronFormatException e)
                    {
                        Error("$.schedule.cron", $"'{recurring.Cron}' is not a cron expression (minute hour day month weekday): {e.Message}");
                    }
                    if (!TimeZoneInfo.TryFindSystemTimeZoneById(recurring.TimeZone, out _))
                        Error("$.schedule.timeZone", $"'{recurring.TimeZone}' is not a known IANA time zone such as Europe/Paris");
                    if (recurring.From is { } from && recurring.Until is { } until && until <= from)
                        Error("$.schedule.until", "must be later than from");
                    break;
            }
        }

        /// <summary>Where error notifications go: addresses and URLs as an alert's; a sender needs an address to send for.</summary>
        private void CheckErrorPolicy()
        {
            if (_document.OnError?.Notify is not { } notify)
                return;
            if (notify.Email is null && notify.Webhook is null)
                Error("$.onError.notify", "notify needs an email, a webhook, or both");
            if (notify.Webhook is { } webhook && AlertTargets.WebhookError(webhook) is { } wrongUrl)
                Error("$.onError.notify.webhook", wrongUrl);
            foreach (var (address, at) in new[] { (notify.Email, "email"), (notify.From, "from") })
            {
                if (address is not null && AlertTargets.AddressError(address) is { } wrongAddress)
                    Error($"$.onError.notify.{at}", wrongAddress);
            }
            if (notify.From is not null && notify.Email is null)
                Error("$.onError.notify.from", "from is the sender of the notification email: it needs an email to go to");
        }

        /// <summary>What the activity's kind checks: expressions, attributes, templates, its place among its inbound activities.</summary>
        private void CheckParameters(Activity activity, string path, BindingScope scope) =>
            ActivityKinds.Of(activity).Check(activity, new KindChecks(path, scope, schema, entities, InputOf(activity.Id),
                _inbound[activity.Id].Select(t => _document.Transitions[t].From).ToList(),
                _outbound[activity.Id].Select(t => (_document.Transitions[t].Port, _document.Transitions[t].To)).ToList(),
                // Transitions naming an unknown activity are reported apart; what they lead to is left out here.
                port => _document.Downstream(activity.Id, port).Where(_index.ContainsKey).Select(ActivityOf).ToList(),
                id => _inbound.TryGetValue(id, out var into) ? into.Count : 0, id => _index.ContainsKey(id) ? ActivityOf(id) : null, errors));
    }
}

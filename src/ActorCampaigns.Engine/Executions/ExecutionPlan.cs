using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Engine.Campaigns;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// The canvas of a (valid) campaign as an execution walks it: which ports feed each activity, which activities
/// can run once others are done (an activity runs when every activity feeding it is done), and the enrich columns
/// each activity sees.
/// </summary>
public sealed class ExecutionPlan(CampaignDocument document)
{
    // Looked up on every step of a campaign: indexed once, so a step costs the size of the canvas, not its square.
    private readonly ILookup<string, (string Activity, string Port)> _inbound =
        document.Transitions.Select(t => (t.To, Inbound: (t.From, t.Port))).Distinct().ToLookup(t => t.To, t => t.Inbound, StringComparer.Ordinal);

    private readonly Dictionary<string, Activity> _activities = document.Activities.DistinctBy(a => a.Id).ToDictionary(a => a.Id, StringComparer.Ordinal);

    public CampaignDocument Document { get; } = document;

    public IReadOnlySet<string> ChannelActivities { get; } = document.Activities.OfType<ChannelActivity>().Select(a => a.Id).ToHashSet();

    private readonly IReadOnlyDictionary<string, Dimension> _inputs = Dimensions.InputsOf(document);

    /// <summary>What the activity takes: profiles, or an entity's rows, or a file's.</summary>
    public Dimension InputOf(string activity) => _inputs.GetValueOrDefault(activity) ?? Dimension.Profiles;

    /// <summary>The entities whose rows change to profiles with aggregates somewhere in the canvas: their columns type the aggregates.</summary>
    public IEnumerable<string> AggregatedEntities => Document.Activities.OfType<ChangeDimensionActivity>().Where(c => c.Aggregates.Count > 0)
        .Select(c => InputOf(c.Id).Entity).OfType<string>().Distinct();

    public IReadOnlyList<(string Activity, string Port)> InboundOf(string activity) => _inbound[activity].ToList();

    /// <summary>
    /// Activities not done and not running whose inbound activities are all done, or, for an activity that streams
    /// its inbound populations, all done or running (a wait does not count as running: it holds its population, it
    /// does not write it as it goes); in canvas order. In a <paramref name="partitioned"/> execution an activity run whole
    /// does not stream what activities run per partition write: their partitions write at once, not in id order.
    /// </summary>
    public IEnumerable<Activity> Ready(IReadOnlySet<string> done, IReadOnlySet<string> running, ExecutionMode mode, bool partitioned = false) =>
        Document.Activities.Where(a => !done.Contains(a.Id) && !running.Contains(a.Id)
            && _inbound[a.Id].All(i => done.Contains(i.Activity)
                || (StreamsInbound(a, mode) && running.Contains(i.Activity) && ActivityStages.Of(_activities[i.Activity]).WritesAsItGoes
                    && !(partitioned && RunsPerPartition(_activities[i.Activity]) && !RunsPerPartition(a)))));

    /// <summary>
    /// Whether, in a partitioned execution, the activity runs once per partition (its kind's stage says): partitions
    /// split profile ids, so an activity taking an entity's rows (a channel sending per row) runs whole.
    /// </summary>
    public bool RunsPerPartition(Activity activity) => InputOf(activity.Id) == Dimension.Profiles && ActivityStages.Of(activity).RunsPerPartition(activity);

    /// <summary>Whether an activity takes its inbound populations batch by batch, in id order, as they are written (its kind's stage says).</summary>
    public static bool StreamsInbound(Activity activity, ExecutionMode mode) => ActivityStages.Of(activity).StreamsInbound(activity, mode);

    /// <summary>
    /// The enrich columns computed upstream of <paramref name="activity"/>, each as the expression over profile
    /// attributes that computes it (an enrich column naming an earlier one is expanded). Columns travel as their
    /// definitions: whoever reads one evaluates it, in SQL or in memory, for the profiles it reads. They travel with
    /// profiles only: an entity's rows carry none, and the profiles they change back to carry their aggregates.
    /// </summary>
    /// <param name="entities">The columns of the entities in <see cref="AggregatedEntities"/>.</param>
    public IReadOnlyDictionary<string, Bound> EnrichColumnsOf(string activity, ProfileSchema schema, IReadOnlyDictionary<string, ExprType> variables,
        IReadOnlyDictionary<string, ProfileSchema>? entities = null)
    {
        var columns = new Dictionary<string, Bound>(StringComparer.Ordinal);
        foreach (var (from, port) in InboundOf(activity))
        {
            if (InputOf(from) == Dimension.Profiles && Dimensions.OutputOf(_activities[from], port, _inputs) == Dimension.Profiles)
            {
                foreach (var (name, bound) in EnrichColumnsOf(from, schema, variables, entities))
                    columns[name] = bound;
            }
            if (_activities[from] is ChangeDimensionActivity change && InputOf(from).Entity is { } entity && entities?.GetValueOrDefault(entity) is { } rows)
            {
                foreach (var (name, type) in ChangeDimensionKind.RideAlong(change, rows))
                    columns[name] = new BoundAggregateColumn(type, from, name);
            }
            if (_activities[from] is ReconciliationActivity reconciliation && port == ReconciliationActivity.Matched
                && InboundOf(from).Select(i => _activities[i.Activity]).FirstOrDefault() is LoadFileActivity load)
            {
                foreach (var (name, type) in ReconciliationKind.RideAlong(reconciliation, load))
                    columns[name] = new BoundFileColumn(type, from, load.Id, name);
            }
            if (_activities[from] is not EnrichActivity enrich)
                continue;
            var upstream = new Dictionary<string, Bound>(columns);
            var scope = Scope(schema, variables, upstream) with { AllowsAggregates = true };
            foreach (var column in enrich.Columns)
            {
                var (bound, error) = Expression.Check(column.Expression, scope);
                columns[column.Name] = error is null
                    ? BoundSubstitution.Replace(bound!, c => upstream.GetValueOrDefault(c.Name))
                    : throw new InvalidOperationException($"enrich column '{column.Name}' of '{from}' no longer type-checks: {error}");
            }
        }
        return columns;
    }

    /// <summary>What an expression of an activity may name: profile attributes, the enrich columns it sees, variables and this campaign's channel activities.</summary>
    public BindingScope Scope(ProfileSchema schema, IReadOnlyDictionary<string, ExprType> variables, IReadOnlyDictionary<string, Bound> enrichColumns) =>
        BindingScope.ForProfiles(schema, variables, enrichColumns.Select(c => KeyValuePair.Create(c.Key, c.Value.Type))) with
        {
            FeedbackActivities = ChannelActivities,
        };
}

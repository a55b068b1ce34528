using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// What the campaign actor knows besides its persisted state, as <see cref="NextActivities.Decide"/> needs it.
/// </summary>
/// <param name="Running">The activities whose actor runs now, by execution.</param>
/// <param name="Waiting">Waits that reported they hold their population until an instant still to come.</param>
/// <param name="Children">The names of the campaign's activity actors still alive (<see cref="NextActivities.ActorName"/>), stopping ones included.</param>
/// <param name="Held">Executions whose failure the journal could not record: they start nothing until resumed.</param>
/// <param name="Slotted">Executions holding one of the node's slots; null when the node runs executions without slots.</param>
public sealed record CampaignRuntime(
    IReadOnlyDictionary<ExecutionId, IReadOnlySet<string>> Running,
    IReadOnlySet<(ExecutionId Execution, string Activity)> Waiting,
    IReadOnlySet<string> Children,
    IReadOnlySet<ExecutionId> Held,
    IReadOnlySet<ExecutionId>? Slotted)
{
    public static readonly CampaignRuntime Idle = new(new Dictionary<ExecutionId, IReadOnlySet<string>>(), new HashSet<(ExecutionId, string)>(),
        new HashSet<string>(), new HashSet<ExecutionId>(), null);
}

/// <summary>What the campaign actor does next: slots to ask for, activities to start, slots to give back.</summary>
public sealed record NextSteps(IReadOnlyList<ExecutionId> RequestSlot, IReadOnlyList<NextSteps.Start> Starts, IReadOnlyList<ExecutionId> ReleaseSlot)
{
    /// <summary>Start <paramref name="Activity"/> of <paramref name="Execution"/>, whose <paramref name="Done"/> activities were done when it was decided.</summary>
    public sealed record Start(ExecutionView Execution, Activity Activity, IReadOnlySet<string> Done);

    public static readonly NextSteps None = new([], [], []);
}

/// <summary>
/// The decision of what to start next, pure (as <see cref="CampaignState.Decide"/> is): in every running execution that
/// is not held, the activities whose inbound activities are done, and those that stream their inbound populations while
/// the activities writing them run (so a chain of them starts at once); not a wait whose time has not come, nor an
/// activity whose actor of an earlier run is still stopping (it starts once that actor has stopped). With slots, an
/// execution with something to start asks for one first and starts nothing until granted; an execution with nothing
/// running gives its slot back.
/// </summary>
public static class NextActivities
{
    /// <summary>The name of the actor that runs <paramref name="activity"/> of <paramref name="execution"/>, a child of its campaign.</summary>
    public static string ActorName(ExecutionId execution, string activity) => $"{execution}-{activity}";

    public static NextSteps Decide(CampaignState state, ExecutionPlan plan, CampaignRuntime runtime)
    {
        if (state.Document is null)
            return NextSteps.None;
        var (requests, starts, releases) = (new List<ExecutionId>(), new List<NextSteps.Start>(), new List<ExecutionId>());
        var running = runtime.Running.ToDictionary(r => r.Key, r => new HashSet<string>(r.Value));
        foreach (var execution in state.Executions.Where(e => e.State == ExecutionState.Running && !runtime.Held.Contains(e.Id)))
        {
            var runs = running.TryGetValue(execution.Id, out var set) ? set : running[execution.Id] = [];
            var done = execution.Done.ToHashSet();
            var later = new HashSet<string>();
            List<Activity> ready;
            while ((ready = plan.Ready(done, runs, execution.Mode, execution.Partitions is not null)
                       .Where(a => !runtime.Waiting.Contains((execution.Id, a.Id)) && !later.Contains(a.Id)).ToList()).Count > 0)
            {
                if (runtime.Slotted is { } slotted && !slotted.Contains(execution.Id))
                {
                    requests.Add(execution.Id);
                    break;
                }
                foreach (var activity in ready)
                {
                    if (runtime.Children.Contains(ActorName(execution.Id, activity.Id)))
                        later.Add(activity.Id);
                    else
                    {
                        runs.Add(activity.Id);
                        starts.Add(new NextSteps.Start(execution, activity, done));
                    }
                }
            }
        }
        if (runtime.Slotted is { } holding)
            releases.AddRange(holding.Where(e => running.GetValueOrDefault(e) is not { Count: > 0 }));
        return new NextSteps(requests, starts, releases);
    }
}

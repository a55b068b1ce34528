using System.Collections.Immutable;
using System.Text.Json.Serialization;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Time;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;
using static ActorCampaigns.Engine.Campaigns.CampaignEvents;

using ActorCampaigns.Engine.Activities;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// A campaign's state, pure: <see cref="Decide"/> turns a command into events or a rejection,
/// <see cref="Apply"/> folds an event in. The actor persists what Decide returns and applies it.
/// </summary>
public sealed record CampaignState(
    CampaignId Id,
    CampaignStatus Status,
    CampaignDocument? Document,
    CampaignId? DuplicatedFrom,
    DateTime? CreatedAt,
    DateTime? PublishedAt,
    ImmutableList<ExecutionView> Executions,
    ImmutableList<LogLine>? Log = null)
{
    /// <summary>The cluster member whose campaign actor answered (status and watchers see it); never persisted.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Node { get; init; }

    /// <summary>A campaign keeps this many of its latest log lines.</summary>
    public const int LogLines = 1_000;

    public static CampaignState Empty(CampaignId id) => new(id, CampaignStatus.None, null, null, null, null, [], []);

    /// <summary>
    /// This state as status shows it between persisted events: activities running or waiting with the counts they
    /// reported so far, and an execution whose only activities left are waiting as <c>waiting</c>.
    /// </summary>
    /// <summary>This state with the feedback counts of its executions' channel activities (unique profiles per kind).</summary>
    public CampaignState WithFeedback(IReadOnlyList<FeedbackCount> counts) => counts.Count == 0 ? this : this with
    {
        Executions = Executions.Select(execution =>
        {
            var activities = execution.Activities;
            foreach (var activity in counts.Where(c => c.Execution == execution.Id.Value).GroupBy(c => c.Activity))
            {
                if (activities.TryGetValue(activity.Key, out var view))
                    activities = activities.SetItem(activity.Key, view with
                    {
                        Feedback = activity.ToImmutableSortedDictionary(c => FeedbackEvents.Name(c.Kind, c.Machine), c => c.Profiles, StringComparer.Ordinal),
                    });
            }
            return execution with { Activities = activities };
        }).ToImmutableList(),
    };

    public CampaignState WithLive(IReadOnlyDictionary<(ExecutionId Execution, string Activity), ActivityView> live) => this with
    {
        Executions = Executions.Select(execution =>
        {
            var activities = execution.Activities;
            foreach (var ((id, activity), view) in live)
            {
                if (id == execution.Id && activities.TryGetValue(activity, out var persisted) && persisted.State == ActivityState.Pending)
                    activities = activities.SetItem(activity, persisted.FirstWave is { } first
                        ? view with { Counts = ActivityCounts.Sum([first, view.Counts]), FirstWave = first, Decision = persisted.Decision }
                        : view);
            }
            // An experiment that sent its arms waits for its decision, and its execution with it once the rest is done.
            if (execution.State == ExecutionState.Running)
            {
                foreach (var experiment in AwaitingDecision(execution).Where(e => activities[e.Id].IsDone))
                    activities = activities.SetItem(experiment.Id, activities[experiment.Id] with { State = ActivityState.Waiting });
            }
            var waiting = execution.State == ExecutionState.Running && activities.Values.Any(a => a.State == ActivityState.Waiting)
                && !activities.Values.Any(a => a.State == ActivityState.Running);
            return execution with { Activities = activities, State = waiting ? ExecutionState.Waiting : execution.State };
        }).ToImmutableList(),
    };

    /// <summary>The next occurrence of a once or recurring schedule, after the last one that ran (or the publication).</summary>
    [JsonIgnore]
    public DateTime? NextDue => Status is CampaignStatus.Scheduled or CampaignStatus.Live && Document is { } document
        ? Occurrences.Next(document.Schedule, LastDue ?? PublishedAt ?? DateTime.MaxValue)
        : null;

    /// <summary>The last occurrence of the schedule that started an execution or was skipped; the next one is after it.</summary>
    [JsonIgnore]
    public DateTime? LastDue => Executions.Where(e => e.Due is not null).Select(e => e.Due).Append(SkippedThrough).Max();

    /// <summary>A published campaign's new document, waiting for its running executions to finish (<see cref="ReplacementQueued"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CampaignDocument? PendingDocument { get; init; }

    /// <summary>The last occurrence a catch-up policy skipped (<see cref="OccurrencesSkipped"/>), if any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? SkippedThrough { get; init; }

    public ExecutionView? Execution(ExecutionId id) => Executions.FirstOrDefault(e => e.Id == id);

    /// <param name="partitions">How many partitions an execution started now is split into (the cluster's members decide); 1: it runs whole.</param>
    public Decision Decide(ICampaignCommand command, DateTime now, int partitions = 1)
    {
        if (Status == CampaignStatus.None && command is not Create)
            return NotFound($"no campaign '{Id}'");
        return command switch
        {
            Create create => Status == CampaignStatus.None
                ? Accept(new Created(Id, create.Document, create.DuplicatedFrom, now))
                : Conflict($"campaign '{Id}' already exists"),
            Replace replace => DecideReplace(replace, now),
            StartTest => DecideTest(now, partitions),
            Publish publish => DecidePublish(publish, now, partitions),
            Trigger trigger => DecideTrigger(trigger, now, partitions),
            StartScheduled scheduled => DecideScheduled(scheduled, now, partitions),
            Pause => Status == CampaignStatus.Live
                ? Accept(new Paused(Id, now))
                : Conflict($"campaign '{Id}' is {Name(Status)}: only a live campaign can be paused"),
            Resume => Status is CampaignStatus.Paused or CampaignStatus.Failed
                ? Accept(new Resumed(Id, now))
                : Conflict($"campaign '{Id}' is {Name(Status)}: only a paused or failed campaign can be resumed"),
            Stop => Status is CampaignStatus.Scheduled or CampaignStatus.Live or CampaignStatus.Paused or CampaignStatus.Failed
                ? Accept(new Stopped(Id, now))
                : Conflict($"campaign '{Id}' is {Name(Status)}: only a published campaign that has not ended can be stopped"),
            CompleteActivity complete => DecideActivityCompleted(complete, now),
            PartitionExecution partition => DecidePartitioning(partition, now),
            CompletePartition complete => DecidePartitionCompleted(complete, now),
            DecideActivity decide => DecideDecision(decide, now),
            DecideExperiment decide => DecideExperimentDecision(decide, now),
            FailActivity fail => DecideActivityFailed(fail, now),
            RecordErrorNotification notified => Execution(notified.Execution) is not null
                ? Accept(new ErrorNotified(Id, notified.Execution, notified.Notes, now))
                : Conflict($"campaign '{Id}' has no execution {notified.Execution}"),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
        };
    }

    private Decision DecideTest(DateTime now, int partitions)
    {
        if (Status == CampaignStatus.Stopped)
            return Conflict($"campaign '{Id}' is stopped: it can no longer be tested");
        if (Executions.FirstOrDefault(e => e.Mode == ExecutionMode.Test && e.GoesOn) is { } running)
            return Conflict($"test run {running.Id} of campaign '{Id}' is still running");
        return Accept(Start(ExecutionMode.Test, DocumentVariables, null, now, partitions));
    }

    private Decision DecidePublish(Publish publish, DateTime now, int partitions)
    {
        if (Status != CampaignStatus.Draft)
            return Conflict($"campaign '{Id}' is {Name(Status)}: only a draft can be published");
        if (publish.Confirmed is { } confirmed && confirmed != CampaignFormat.Fingerprint(Document!))
            return Conflict($"campaign '{Id}' changed since its figures were confirmed: publish it again to see and confirm the new ones");
        if (Document!.Schedule is OnceSchedule once && once.At <= now)
            return Invalid($"campaign '{Id}' is scheduled once at {once.At:O}, which has passed");
        if (Document.Schedule is RecurringSchedule && Occurrences.Next(Document.Schedule, now) is null)
            return Invalid($"campaign '{Id}' has no occurrence left after {now:O}");
        return Document!.Schedule is AsapSchedule
            ? Accept(new Published(Id, now, publish.By, publish.ApprovedBy), Start(ExecutionMode.Live, DocumentVariables, null, now, partitions))
            : Accept(new Published(Id, now, publish.By, publish.ApprovedBy));
    }

    private Decision DecideTrigger(Trigger trigger, DateTime now, int partitions)
    {
        if (Document!.Schedule is not SignalSchedule)
            return Conflict($"campaign '{Id}' is not scheduled on a signal: it cannot be triggered");
        if (Status is not (CampaignStatus.Scheduled or CampaignStatus.Live))
            return Conflict($"campaign '{Id}' is {Name(Status)}: only a published campaign can be triggered");
        var unknown = trigger.Variables.Keys.Where(k => !Document.Variables.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            return Invalid($"variables not declared by campaign '{Id}': {string.Join(", ", unknown)}");
        if (trigger.Source is not null && Executions.Any(e => e.TriggeredBy == trigger.Source))
            return Accept();
        var variables = DocumentVariables.SetItems(trigger.Variables);
        return Accept(Start(ExecutionMode.Live, variables, null, now, partitions) with { TriggeredBy = trigger.Source });
    }

    private Decision DecideScheduled(StartScheduled scheduled, DateTime now, int partitions)
    {
        if (Status is not (CampaignStatus.Scheduled or CampaignStatus.Live))
            return Conflict($"campaign '{Id}' is {Name(Status)}: no scheduled execution starts");
        var isOccurrence = Occurrences.Next(Document!.Schedule, scheduled.Due.AddTicks(-1)) == scheduled.Due;
        if (!isOccurrence || scheduled.Due <= (LastDue ?? PublishedAt) || scheduled.Due > now)
            return Conflict($"{scheduled.Due:O} is not a due occurrence of campaign '{Id}' after {(LastDue ?? PublishedAt):O}");
        if (Document.Schedule is not RecurringSchedule { CatchUp: not CatchUp.All } recurring)
            return Accept(Start(ExecutionMode.Live, DocumentVariables, scheduled.Due, now, partitions));
        // The occurrences due by now, from this one: the catch-up policy runs the latest (or, under none, only one not
        // late), and skips the others.
        var (count, latest, beforeLatest) = (1, scheduled.Due, (DateTime?)null);
        while (Occurrences.Next(recurring, latest) is { } next && next <= now)
            (count, beforeLatest, latest) = (count + 1, latest, next);
        var runs = recurring.CatchUp == CatchUp.Latest || now - latest <= CatchUpPolicy.Grace;
        var skipped = runs ? count - 1 : count;
        var events = new List<ICampaignEvent>();
        if (skipped > 0)
            events.Add(new OccurrencesSkipped(Id, skipped, scheduled.Due, runs ? beforeLatest!.Value : latest, recurring.CatchUp, now));
        if (runs)
            events.Add(Start(ExecutionMode.Live, DocumentVariables, latest, now, partitions));
        else if (!Executions.Any(e => e.Mode == ExecutionMode.Live && e.IsActive) && Occurrences.Next(recurring, latest) is null)
            events.Add(new CampaignCompleted(Id, now));
        return new Decision.Accepted(events);
    }

    /// <summary>
    /// A draft, or a published recurring or signal campaign that has not ended, takes a new document: at once when
    /// nothing of it runs; else its running executions (a test run included) finish on their document and it takes the
    /// new one once none is left. A published campaign's schedule may change, not its type, and must have an occurrence
    /// left; a signal campaign keeps the variables it declared (campaigns signalling it pass them). A one-shot campaign,
    /// once published, is read-only.
    /// </summary>
    private Decision DecideReplace(Replace replace, DateTime now)
    {
        if (Status != CampaignStatus.Draft)
        {
            if (Status is not (CampaignStatus.Scheduled or CampaignStatus.Live or CampaignStatus.Paused or CampaignStatus.Failed)
                || Document!.Schedule is not (RecurringSchedule or SignalSchedule))
                return Conflict($"campaign '{Id}' is {Name(Status)}: only a draft, or a published recurring or signal campaign that has not ended, can be replaced");
            if (replace.Document.Schedule.GetType() != Document.Schedule.GetType())
                return Conflict($"campaign '{Id}' is published: its document may change, its schedule's type may not ({ScheduleType(Document.Schedule)})");
            if (replace.Document.Schedule is RecurringSchedule recurring && Occurrences.Next(recurring, now) is null)
                return Invalid($"campaign '{Id}' is published: its new schedule has no occurrence left after {now:O}");
            if (Document.Schedule is SignalSchedule
                && Document.Variables.FirstOrDefault(v => !replace.Document.Variables.TryGetValue(v.Key, out var kept) || kept.Type != v.Value.Type) is { Key: { } lost })
                return Conflict($"campaign '{Id}' is a published signal campaign: it keeps its variable '{lost}' and its type (the campaigns signalling it pass it)");
        }
        return Executions.Any(e => e.GoesOn) ? Accept(new ReplacementQueued(Id, replace.Document, now)) : Accept(new Replaced(Id, replace.Document, now));
    }

    private static string ScheduleType(Schedule schedule) => schedule is RecurringSchedule ? "recurring" : "signal";

    private Decision DecideActivityCompleted(CompleteActivity complete, DateTime now)
    {
        if (Execution(complete.Execution) is not { IsActive: true } execution)
            return Conflict($"execution {complete.Execution} of campaign '{Id}' is not running");
        if (!execution.Activities.TryGetValue(complete.Activity, out var activity))
            return Invalid($"campaign '{Id}' has no activity '{complete.Activity}'");
        if (activity.IsDone)
            return Conflict($"activity '{complete.Activity}' of execution {complete.Execution} is already done");
        var final = execution.Mode == ExecutionMode.Test && IsHeldInTest(complete.Activity) ? ActivityState.Held : ActivityState.Completed;
        var counts = activity.FirstWave is { } first ? SecondWaveAdded(complete.Activity, first, complete.Counts, activity.Decision) : complete.Counts;
        var events = new List<ICampaignEvent> { new ActivityCompleted(Id, execution.Id, complete.Activity, final, counts, now, complete.StartedAt) };
        if (execution.Activities.All(a => a.Key == complete.Activity || a.Value.IsDone) && AwaitingDecision(execution).Count == 0)
            events.AddRange(Ended(execution, now));
        return new Decision.Accepted(events);
    }

    /// <summary>
    /// A second wave's counts added to the first's; for the experiment itself, its held-back profiles moved from
    /// <c>holdback</c> to the winner's port.
    /// </summary>
    private ActivityCounts SecondWaveAdded(string activity, ActivityCounts first, ActivityCounts second, string? decision)
    {
        var sum = ActivityCounts.Sum([first, second]);
        if (decision is null || Document!.Activities.FirstOrDefault(a => a.Id == activity) is not ExperimentActivity)
            return sum;
        var moved = second.Out.GetValueOrDefault(ExperimentDecision.Parse(decision).Winner);
        return sum with { Out = new Dictionary<string, long>(sum.Out) { [ExperimentActivity.Holdback] = sum.Out.GetValueOrDefault(ExperimentActivity.Holdback) - moved } };
    }

    /// <summary>The execution completed, and with it the campaign when it has nothing ahead.</summary>
    /// <summary>An execution completed: the campaign takes a document waiting for none to run, and completes when its schedule is over.</summary>
    private IEnumerable<ICampaignEvent> Ended(ExecutionView execution, DateTime now)
    {
        yield return new ExecutionCompleted(Id, execution.Id, now);
        var document = Document!;
        if (PendingDocument is { } pending && !Executions.Any(e => e.Id != execution.Id && e.GoesOn))
        {
            yield return new Replaced(Id, pending, now);
            document = pending;
        }
        var othersLive = Executions.Any(e => e.Id != execution.Id && e.Mode == ExecutionMode.Live && e.IsActive);
        if (execution.Mode == ExecutionMode.Live && !othersLive && document.Schedule is not SignalSchedule
            && Occurrences.Next(document.Schedule, LastDue ?? now) is null)
            yield return new CampaignCompleted(Id, now);
    }

    /// <summary>Once per execution started split, before anything of it runs: a rerun splits as the first run did.</summary>
    private Decision DecidePartitioning(PartitionExecution partition, DateTime now) =>
        Execution(partition.Execution) is not { IsActive: true } execution ? Conflict($"execution {partition.Execution} of campaign '{Id}' is not running")
        : execution.PartitionCount <= 1 || execution.Partitions is not null ? Accept()
        : Accept(new ExecutionPartitioned(Id, execution.Id, partition.Boundaries, now));

    /// <summary>Once per activity and execution: a partition run again applies what the first decided.</summary>
    private Decision DecideDecision(DecideActivity decide, DateTime now) =>
        Execution(decide.Execution) is not { IsActive: true, Partitions: not null } execution
            ? Conflict($"execution {decide.Execution} of campaign '{Id}' is not running partitioned")
        : !execution.Activities.TryGetValue(decide.Activity, out var activity) ? Invalid($"campaign '{Id}' has no activity '{decide.Activity}'")
        : activity.Decision is not null || activity.IsDone ? Accept()
        : !IsJson(decide.Decision) ? Invalid($"the decision of activity '{decide.Activity}' is not JSON")
        : Accept(new ActivityDecided(Id, execution.Id, decide.Activity, decide.Decision, now));

    /// <summary>
    /// Once per experiment and execution, after it ran: the decision's winner must be one of its arms. A decision
    /// arriving again (a forced winner racing the automatic one) changes nothing.
    /// </summary>
    private Decision DecideExperimentDecision(DecideExperiment decide, DateTime now)
    {
        // A decision reached as the campaign paused is dropped: the first tick after resume decides again.
        if (Execution(decide.Execution) is not { State: ExecutionState.Running, Mode: ExecutionMode.Live } execution)
            return Conflict($"execution {decide.Execution} of campaign '{Id}' is not a running live execution");
        if (Document!.Activities.FirstOrDefault(a => a.Id == decide.Activity) is not ExperimentActivity experiment)
            return Invalid($"campaign '{Id}' has no experiment '{decide.Activity}'");
        var activity = execution.Activities[experiment.Id];
        if (activity.Decision is not null)
            return Accept();
        if (!activity.IsDone)
            return Conflict($"experiment '{experiment.Id}' of execution {execution.Id} has not sent its arms yet");
        ExperimentDecision decision;
        try
        {
            decision = ExperimentDecision.Parse(decide.Decision);
        }
        catch (System.Text.Json.JsonException e)
        {
            return Invalid($"the decision of experiment '{experiment.Id}' is not an experiment's decision: {e.Message}");
        }
        if (experiment.Arms.All(a => a.Name != decision.Winner))
            return Invalid($"'{decision.Winner}' is not an arm of experiment '{experiment.Id}' ({string.Join(", ", experiment.Arms.Select(a => a.Name))})");
        var decided = new ExperimentDecided(Id, execution.Id, experiment.Id, decide.Decision, now);
        // Nobody held back (the arms took everyone): nothing runs again, and the execution may be over.
        var over = decision.HeldBack == 0 && execution.Activities.All(a => a.Value.IsDone) && AwaitingDecision(execution).All(e => e.Id == experiment.Id);
        return new Decision.Accepted(over ? [decided, .. Ended(execution, now)] : [decided]);
    }

    /// <summary>
    /// Where an operator's forced winner applies: the latest running live execution whose experiment sent its arms,
    /// whose arms' paths are done and that has not decided; or why none.
    /// </summary>
    public Decision ForceableWinner(ForceWinner force, out ExecutionView? execution, out ExperimentActivity? experiment)
    {
        (execution, experiment) = (null, null);
        if (Status == CampaignStatus.None)
            return NotFound($"no campaign '{Id}'");
        if (Document!.Activities.FirstOrDefault(a => a.Id == force.Activity) is not ExperimentActivity found)
            return NotFound($"campaign '{Id}' has no experiment '{force.Activity}'");
        experiment = found;
        if (found.Arms.All(a => a.Name != force.Arm))
            return Invalid($"'{force.Arm}' is not an arm of experiment '{found.Id}' ({string.Join(", ", found.Arms.Select(a => a.Name))})");
        execution = Executions.FirstOrDefault(e => e.Mode == ExecutionMode.Live && e.State == ExecutionState.Running
            && e.Activities[found.Id] is { Decision: null } view && view.IsDone);
        if (execution is null)
            return Conflict($"experiment '{found.Id}' of campaign '{Id}' has no running execution waiting for its decision (its arms are not sent yet, or it has decided)");
        if (ExperimentFigures.DueAt(Document, execution, found) is null)
            return Conflict($"the arms of experiment '{found.Id}' are still on their way (execution {execution.Id}): force a winner once their paths are done");
        return Accept();
    }

    /// <summary>The experiments of a live execution that ran and wait for their decision; the execution does not complete before.</summary>
    public IReadOnlyList<ExperimentActivity> AwaitingDecision(ExecutionView execution) => execution.Mode != ExecutionMode.Live ? []
        : Document!.Activities.OfType<ExperimentActivity>().Where(e => execution.Activities[e.Id].Decision is null).ToList();

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = System.Text.Json.JsonDocument.Parse(text);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private Decision DecidePartitionCompleted(CompletePartition complete, DateTime now)
    {
        if (Execution(complete.Execution) is not { IsActive: true, Partitions: { } boundaries } execution)
            return Conflict($"execution {complete.Execution} of campaign '{Id}' is not running partitioned");
        if (!execution.Activities.TryGetValue(complete.Activity, out var activity))
            return Invalid($"campaign '{Id}' has no activity '{complete.Activity}'");
        if (activity.IsDone || activity.Partitions?.GetValueOrDefault(complete.Partition)?.State == ActivityState.Completed)
            return Accept();
        var events = new List<ICampaignEvent>
        {
            new PartitionCompleted(Id, execution.Id, complete.Activity, complete.Partition, complete.Counts, complete.Node, now),
        };
        var completed = (activity.Partitions ?? ImmutableSortedDictionary<int, PartitionView>.Empty)
            .SetItem(complete.Partition, new PartitionView(complete.Partition, complete.Node, ActivityState.Completed, complete.Counts));
        if (completed.Values.Count(p => p.State == ActivityState.Completed) == boundaries.Count + 1
            && DecideActivityCompleted(new CompleteActivity(Id, execution.Id, complete.Activity, ActivityCounts.Sum(completed.Values.Select(p => p.Counts))), now)
                is Decision.Accepted whole)
            events.AddRange(whole.Events);
        return new Decision.Accepted(events);
    }

    /// <summary>
    /// A failed activity fails its execution: a live one suspends the campaign until resumed, or, when it was running
    /// and the error policy is <c>abort</c>, stops it (a paused or already suspended execution stays so: its operator
    /// decides). A test execution just fails.
    /// </summary>
    private Decision DecideActivityFailed(FailActivity fail, DateTime now)
    {
        if (Execution(fail.Execution) is not { IsActive: true } execution || !execution.Activities.ContainsKey(fail.Activity))
            return Conflict($"execution {fail.Execution} of campaign '{Id}' has no running activity '{fail.Activity}'");
        var failed = new ActivityFailed(Id, execution.Id, fail.Activity, fail.Reason, now);
        return execution.Mode == ExecutionMode.Live && execution.State == ExecutionState.Running && Document!.ErrorPolicy.Policy == ErrorAction.Abort
            ? Accept(failed, new Stopped(Id, now, $"activity '{fail.Activity}' of execution {execution.Id} failed and the campaign's error policy is abort"))
            : Accept(failed);
    }

    /// <summary>In test mode the kinds held in test (channels, saveAudience) do not run: the flow stops before them.</summary>
    private bool IsHeldInTest(string activity) =>
        Document!.Activities.FirstOrDefault(a => a.Id == activity) is { } found && ActivityStages.Of(found).HeldInTest;

    private ExecutionStarted Start(ExecutionMode mode, IReadOnlyDictionary<string, VariableValue> variables, DateTime? due, DateTime now, int partitions) =>
        new(Id, ExecutionId.Number(Executions.Count + 1), mode, variables, due, now, Partitions: Math.Max(1, partitions));

    private ImmutableDictionary<string, VariableValue> DocumentVariables => Document!.Variables.ToImmutableDictionary();

    public CampaignState Apply(ICampaignEvent @event)
    {
        var state = Fold(@event);
        var log = (state.Log ?? []).Add(CampaignLog.Line(@event, state));
        return state with { Log = log.Count > LogLines ? log.RemoveRange(0, log.Count - LogLines) : log };
    }

    private CampaignState Fold(ICampaignEvent @event) => @event switch
    {
        Created created => this with
        {
            Status = CampaignStatus.Draft, Document = created.Document, DuplicatedFrom = created.DuplicatedFrom, CreatedAt = created.At,
        },
        // A published campaign whose schedule changed counts its next occurrence from the edit, not from the old
        // schedule's last: an hour already past in the new schedule is not due.
        Replaced replaced => this with
        {
            Document = replaced.Document, PendingDocument = null,
            SkippedThrough = Status != CampaignStatus.Draft && !Equals(Document?.Schedule, replaced.Document.Schedule)
                && (SkippedThrough is null || SkippedThrough < replaced.At) ? replaced.At : SkippedThrough,
        },
        ReplacementQueued queued => this with { PendingDocument = queued.Document },
        Published published => this with { Status = CampaignStatus.Scheduled, PublishedAt = published.At },
        ExecutionStarted started => this with
        {
            Status = started.Mode == ExecutionMode.Live ? CampaignStatus.Live : Status,
            Executions = Executions.Insert(0, new ExecutionView(started.Execution, started.Mode, ExecutionState.Running, started.Variables,
                started.Due, started.At, null, Document!.Activities.ToImmutableDictionary(a => a.Id, _ => ActivityView.Pending), started.TriggeredBy)
            {
                PartitionCount = started.Partitions, Trace = started.Trace,
            }),
        },
        ActivityCompleted completed => WithExecution(completed.Execution, e => e with
        {
            Activities = e.Activities.SetItem(completed.Activity, new ActivityView(completed.State, completed.Counts, CompletedAt: completed.At,
                Partitions: e.Activities[completed.Activity].Partitions, Decision: e.Activities[completed.Activity].Decision,
                FirstWave: e.Activities[completed.Activity].FirstWave) { StartedAt = completed.StartedAt }),
        }),
        ExecutionPartitioned partitioned => WithExecution(partitioned.Execution, e => e with { Partitions = partitioned.Boundaries }),
        PartitionCompleted completed => WithExecution(completed.Execution, e => e with
        {
            Activities = e.Activities.SetItem(completed.Activity, e.Activities[completed.Activity] with
            {
                Partitions = (e.Activities[completed.Activity].Partitions ?? ImmutableSortedDictionary<int, PartitionView>.Empty)
                    .SetItem(completed.Partition, new PartitionView(completed.Partition, completed.Node, ActivityState.Completed, completed.Counts)),
            }),
        }),
        ActivityDecided decided => WithExecution(decided.Execution, e => e with
        {
            Activities = e.Activities.SetItem(decided.Activity, e.Activities[decided.Activity] with { Decision = decided.Decision }),
        }),
        ExperimentDecided decided => WithExecution(decided.Execution, e => e with
        {
            Activities = Reopened(e.Activities, decided),
        }),
        ActivityFailed failed => WithFailure(failed),
        ErrorNotified => this,
        ExecutionCompleted completed => FinishExecution(completed),
        Paused => this with { Status = CampaignStatus.Paused, Executions = SetActive(ExecutionMode.Live, ExecutionState.Paused) },
        Resumed => this with
        {
            Status = CampaignStatus.Live,
            Executions = Executions.Select(e => e.Mode == ExecutionMode.Live && e.IsActive
                ? e with
                {
                    State = ExecutionState.Running,
                    Activities = e.Activities.ToImmutableDictionary(a => a.Key,
                        a => a.Value.State == ActivityState.Failed
                            ? ActivityView.Pending with
                            {
                                Counts = a.Value.FirstWave ?? ActivityCounts.None, Partitions = a.Value.Partitions, Decision = a.Value.Decision,
                                FirstWave = a.Value.FirstWave,
                            }
                            : a.Value),
                }
                : e).ToImmutableList(),
        },
        Stopped stopped => this with
        {
            Status = CampaignStatus.Stopped, PendingDocument = null,
            Executions = Executions.Select(e => e.IsActive ? e with { State = ExecutionState.Stopped, FinishedAt = stopped.At } : e).ToImmutableList(),
        },
        CampaignCompleted => this with { Status = CampaignStatus.Completed },
        OccurrencesSkipped skipped => this with { SkippedThrough = skipped.Through },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name),
    };

    /// <summary>
    /// The experiment, with its decision, and every activity on the winner's path run again for the second wave,
    /// keeping their first wave's counts: the experiment writes its held-back profiles by the winner's port as
    /// second-wave batches, and the path takes those alone (its first wave stays as it was).
    /// </summary>
    private ImmutableDictionary<string, ActivityView> Reopened(ImmutableDictionary<string, ActivityView> activities, ExperimentDecided decided)
    {
        var decision = ExperimentDecision.Parse(decided.Decision);
        if (decision.HeldBack == 0)
            return activities.SetItem(decided.Activity, activities[decided.Activity] with { Decision = decided.Decision });
        var reopened = activities.SetItem(decided.Activity, SecondWave(activities[decided.Activity]) with { Decision = decided.Decision });
        foreach (var id in Document!.Downstream(decided.Activity, decision.Winner))
            reopened = reopened.SetItem(id, SecondWave(activities[id]));
        return reopened;
    }

    /// <summary>An activity to run again for a second wave: pending, showing its first wave's counts until it reports its own.</summary>
    private static ActivityView SecondWave(ActivityView first) => ActivityView.Pending with { Counts = first.Counts, FirstWave = first.Counts };

    /// <summary>A failed activity fails its execution; a failed live execution fails the campaign until resumed.</summary>
    private CampaignState WithFailure(ActivityFailed failed)
    {
        var state = WithExecution(failed.Execution, e => e with
        {
            State = ExecutionState.Failed,
            Activities = e.Activities.SetItem(failed.Activity, e.Activities[failed.Activity] with { State = ActivityState.Failed, Failure = failed.Reason }),
        });
        return state.Execution(failed.Execution)!.Mode == ExecutionMode.Live ? state with { Status = CampaignStatus.Failed } : state;
    }

    private CampaignState FinishExecution(ExecutionCompleted completed)
    {
        var state = WithExecution(completed.Execution, e => e with { State = ExecutionState.Completed, FinishedAt = completed.At });
        if (state.Execution(completed.Execution)!.Mode == ExecutionMode.Test || state.Status != CampaignStatus.Live)
            return state;
        var stillLive = state.Executions.Any(e => e.Mode == ExecutionMode.Live && e.IsActive);
        return stillLive ? state : state with { Status = CampaignStatus.Scheduled };
    }

    private CampaignState WithExecution(ExecutionId id, Func<ExecutionView, ExecutionView> change) =>
        this with { Executions = Executions.Select(e => e.Id == id ? change(e) : e).ToImmutableList() };

    private ImmutableList<ExecutionView> SetActive(ExecutionMode mode, ExecutionState state) =>
        Executions.Select(e => e.Mode == mode && e.State == ExecutionState.Running ? e with { State = state } : e).ToImmutableList();

    private Decision.Accepted Accept(params ICampaignEvent[] events) => new(events);

    private static Decision.Rejected NotFound(string reason) => new(RejectionKind.NotFound, reason);

    private static Decision.Rejected Conflict(string reason) => new(RejectionKind.Conflict, reason);

    private static Decision.Rejected Invalid(string reason) => new(RejectionKind.Invalid, reason);

    public static string Name(CampaignStatus status) => status.ToString().ToLowerInvariant();
}

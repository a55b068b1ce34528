using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka.Actor;

namespace ActorCampaigns.Engine.Partitions;

/// <summary>A message to the partition entity that runs one partition of one activity of an execution.</summary>
public interface IPartitionMessage
{
    /// <summary><c>campaign|execution|activity|partition</c>: one entity per partition of an activity's run.</summary>
    string EntityId { get; }
}

/// <summary>What the coordinator (the campaign actor) and the partition entities tell each other, across the cluster.</summary>
public static class PartitionMessages
{
    public static string EntityId(CampaignId campaign, ExecutionId execution, string activity, int partition) =>
        $"{campaign.Value}|{execution.Value}|{activity}|{partition}";

    /// <summary>
    /// Run <paramref name="Partition"/> of <paramref name="Activity"/> as the owner of <paramref name="Epoch"/>, reporting to
    /// <paramref name="Coordinator"/>. An entity running an earlier epoch stops that run first; one running this epoch
    /// only reports again that it runs it (the coordinator sends it again after it restarted).
    /// </summary>
    /// <param name="Done">The execution's activities done when it was sent.</param>
    /// <param name="Decision">What the coordinator decided over the whole population for the activity's partitions to apply, if it decides.</param>
    public sealed record Assign(
        CampaignId Campaign,
        CampaignDocument Document,
        ExecutionId Execution,
        ExecutionMode Mode,
        string Activity,
        IReadOnlyDictionary<string, VariableValue> Variables,
        DateTime StartedAt,
        DateTime InboundCompletedAt,
        IReadOnlyList<string> Done,
        IReadOnlyList<long> Boundaries,
        int Partition,
        long Epoch,
        IActorRef Coordinator,
        string? Decision = null,
        bool SecondWave = false,
        string? Trace = null) : IPartitionMessage
    {
        public string EntityId => PartitionMessages.EntityId(Campaign, Execution, Activity, Partition);

        /// <summary>The run this assignment asks for, on this member's <paramref name="plan"/> of the document.</summary>
        public ActivityRun ToRun(ExecutionPlan plan) => ActivityRun.Of(Campaign, plan, Execution, Mode, Document.Activities.First(a => a.Id == Activity),
            Variables, StartedAt, InboundCompletedAt, Done, new ExecutionPartitions(Boundaries), new RunPartition(Partition, Epoch), Decision, SecondWave, Trace);
    }

    /// <summary>An activity feeding the partition's activity has completed (all its partitions).</summary>
    public sealed record InboundCompleted(string EntityId, string Activity) : IPartitionMessage;

    /// <summary>The execution paused or failed: end the run at its next batch boundary and report <see cref="ReportKind.Held"/>.</summary>
    public sealed record Hold(string EntityId) : IPartitionMessage;

    /// <summary>The campaign stopped: stop the run now.</summary>
    public sealed record Stop(string EntityId) : IPartitionMessage;

    public enum ReportKind { Started, Progress, Finished, Failed, Held }

    /// <summary>
    /// From a partition entity to its coordinator: the run of <paramref name="Epoch"/> started, progressed (its counts so
    /// far, cumulative: a repeated or lost one changes nothing), finished, failed or held. Reports of another epoch
    /// than the coordinator's are ignored.
    /// </summary>
    public sealed record Report(CampaignId Campaign, ExecutionId Execution, string Activity, int Partition, long Epoch, string Node, ReportKind Kind,
        ActivityCounts Counts, string? Reason = null);
}

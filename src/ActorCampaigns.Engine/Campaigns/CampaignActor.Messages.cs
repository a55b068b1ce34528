using Akka.Actor;
using Akka.Event;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>The messages a campaign sends itself: its timers and the answers of what it asked of its stores.</summary>
public sealed partial class CampaignActor
{
    /// <summary>The campaign's clock tick: due occurrences start, waits whose time has come go on.</summary>
    private sealed class Tick : INotInfluenceReceiveTimeout, IDeadLetterSuppression
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>Time to send the changed state to its watchers.</summary>
    private sealed class Publish : INotInfluenceReceiveTimeout
    {
        public static readonly Publish Instance = new();
    }

    /// <summary>Time to write the campaign's summary to the campaign index.</summary>
    private sealed class WriteSummary : INotInfluenceReceiveTimeout
    {
        public static readonly WriteSummary Instance = new();
    }

    private sealed record SummaryWritten(Exception? Failure = null) : INotInfluenceReceiveTimeout;

    /// <summary>The next wake-up of a campaign about to passivate is recorded (or failed to be).</summary>
    private sealed record WakeupRecorded(Exception? Failure = null) : INotInfluenceReceiveTimeout;

    /// <summary>Sent back by the shard after <see cref="Akka.Cluster.Sharding.Passivate"/>: time to stop.</summary>
    private sealed class StopIdle : INotInfluenceReceiveTimeout
    {
        public static readonly StopIdle Instance = new();
    }
}

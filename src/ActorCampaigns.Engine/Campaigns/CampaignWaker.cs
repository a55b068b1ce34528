using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// Wakes the passivated campaigns whose next occurrence comes within <see cref="CampaignEngineOptions.WakeAhead"/>:
/// every <see cref="CampaignEngineOptions.WakeupPollInterval"/> it reads them from <see cref="CampaignWakeups"/> and
/// tells the shard region to start each (<see cref="ShardRegion.StartEntity"/>, which sharding handles itself and which remembers it again). The
/// campaign, awake, starts its occurrence at the tick that reaches it. One per node hosting campaigns: in a cluster
/// each wakes the same campaigns, which is harmless (starting a running entity does nothing).
/// </summary>
public sealed class CampaignWaker : ReceiveActor, IWithTimers
{
    private sealed class Poll
    {
        public static readonly Poll Instance = new();
    }

    private sealed record Due(IReadOnlyList<string> Campaigns);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CampaignEngineOptions _options;
    private bool _polling;

    public CampaignWaker(IActorRef region, CampaignWakeups wakeups, TimeProvider clock, CampaignEngineOptions options)
    {
        _options = options;
        Receive<Poll>(_ =>
        {
            if (_polling)
                return;
            _polling = true;
            wakeups.DueAsync(clock.GetUtcNow().UtcDateTime + options.WakeAhead)
                .PipeTo(Self, success: due => new Due(due), failure: e => new Status.Failure(e));
        });
        Receive<Due>(due =>
        {
            _polling = false;
            foreach (var campaign in due.Campaigns)
                region.Tell(new ShardRegion.StartEntity(campaign));
        });
        Receive<Status.Failure>(failed =>
        {
            _polling = false;
            _log.Warning(failed.Cause, "reading the campaigns to wake failed; tried again in {0}", options.WakeupPollInterval);
        });
        // The shard's acknowledgements of the starts.
        ReceiveAny(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer("poll", Poll.Instance, TimeSpan.Zero, _options.WakeupPollInterval);

    public static Props Props(IActorRef region, CampaignWakeups wakeups, TimeProvider clock, CampaignEngineOptions options) =>
        Akka.Actor.Props.Create(() => new CampaignWaker(region, wakeups, clock, options));
}

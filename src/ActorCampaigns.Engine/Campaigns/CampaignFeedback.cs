using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Engine.Executions;
using Akka.Actor;
using Akka.Event;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// Reads a campaign's feedback counts (unique profiles per kind: opens, clicks, bounces...) for its status and
/// watchers. Feedback arrives by the thousand a second at peak: told that some arrived, it reads at most once per
/// <c>every</c>, and tells its campaign the counts it read. A child of its campaign.
/// </summary>
public sealed class CampaignFeedback : ReceiveActor, IWithTimers
{
    /// <summary>From the campaign: read the counts at once (it recovered with live executions).</summary>
    public sealed class ReadNow
    {
        public static readonly ReadNow Instance = new();
    }

    /// <summary>To the campaign: the counts as read.</summary>
    public sealed record Counts(IReadOnlyList<FeedbackCount> Values) : INotInfluenceReceiveTimeout;

    public const string Name = "feedback";

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public CampaignFeedback(CampaignId campaign, EngineServices services, TimeSpan every)
    {
        Receive<CampaignQueries.FeedbackArrived>(_ =>
        {
            if (!Timers.IsTimerActive("read"))
                Timers.StartSingleTimer("read", ReadNow.Instance, every);
        });
        Receive<ReadNow>(_ => services.Feedback.CountAsync(campaign.Value)
            .PipeTo(Self, success: counts => new Counts(counts), failure: e => new Status.Failure(e)));
        Receive<Counts>(counts => Context.Parent.Tell(counts));
        Receive<Status.Failure>(failed =>
        {
            _log.Warning(failed.Cause, "reading the feedback counts of campaign {0} failed", campaign);
            // After a restart of the database every pooled connection is broken: the campaign's next journal write finds a live one.
            if (Data.DatabaseOutage.Is(failed.Cause))
                services.Profiles.Database.ForgetConnections();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(CampaignId campaign, EngineServices services, TimeSpan every) =>
        Akka.Actor.Props.Create(() => new CampaignFeedback(campaign, services, every));
}

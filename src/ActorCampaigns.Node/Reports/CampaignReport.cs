using System.Globalization;
using System.Text;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Campaigns;

namespace ActorCampaigns.Node.Reports;

/// <summary>
/// The metrics of contract section 5 for one channel activity: what the engine counted (targeted, excluded, sent,
/// errors) and what feedback told (bounced, opened, clicked, unsubscribed; unique = distinct profiles). Delivered is
/// sent minus the profiles that bounced: a provider's acceptance is delivery unless it bounces. Retried counts the
/// messages that needed more than one try because the provider could not be reached (from the ledger), whatever
/// became of them.
/// </summary>
public sealed record ChannelMetrics(long Targeted, IReadOnlyDictionary<string, long> Excluded, long Sent, long Bounced, long Opened, long UniqueOpened,
    long Clicked, long UniqueClicked, long Unsubscribed, long Errors, long Retried)
{
    public static readonly ChannelMetrics None = new(0, new Dictionary<string, long>(), 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public long Delivered => Math.Max(0, Sent - Bounced);
    public double DeliveryRate => Rate(Delivered, Sent);
    public double OpenRate => Rate(UniqueOpened, Delivered);
    public double ClickRate => Rate(UniqueClicked, Delivered);
    public double ClickToOpenRate => Rate(UniqueClicked, UniqueOpened);

    private static double Rate(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    public static ChannelMetrics operator +(ChannelMetrics a, ChannelMetrics b) => new(a.Targeted + b.Targeted,
        a.Excluded.Concat(b.Excluded).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value)),
        a.Sent + b.Sent, a.Bounced + b.Bounced, a.Opened + b.Opened, a.UniqueOpened + b.UniqueOpened, a.Clicked + b.Clicked,
        a.UniqueClicked + b.UniqueClicked, a.Unsubscribed + b.Unsubscribed, a.Errors + b.Errors, a.Retried + b.Retried);
}

public sealed record ExecutionMetrics(string Execution, ChannelMetrics Metrics);

public sealed record ChannelReport(string Activity, string Channel, IReadOnlyList<ExecutionMetrics> Executions, ChannelMetrics Total,
    IReadOnlyDictionary<string, long> BounceReasons, IReadOnlyDictionary<string, long> ErrorReasons);

public sealed record HourlyFeedback(DateTimeOffset Hour, string Activity, long Opened, long Clicked);

/// <summary>A campaign's report: per channel activity, per live execution and in total, and opens and clicks per hour.</summary>
public sealed record CampaignReport(string Id, string? Name, IReadOnlyList<ChannelReport> Channels, ChannelMetrics Total, IReadOnlyList<HourlyFeedback> Hourly)
{
    public static CampaignReport Build(CampaignState state, IReadOnlyList<FeedbackCount> feedback, IReadOnlyList<FeedbackHour> hours,
        IReadOnlyList<BounceReason> bounces, IReadOnlyList<(string Execution, string Activity, string Reason, long Messages)> failures,
        IReadOnlyList<(string Execution, string Activity, long Messages)> retries)
    {
        var live = state.Executions.Where(e => e.Mode == ExecutionMode.Live).OrderBy(e => e.StartedAt).ToList();
        var channels = (state.Document?.Activities ?? []).OfType<ChannelActivity>().Select(activity =>
        {
            var executions = live.Select(execution =>
            {
                var counts = execution.Activities.GetValueOrDefault(activity.Id)?.Counts ?? ActivityCounts.None;
                long Events(FeedbackKind kind, bool unique) => feedback
                    .Where(f => f.Execution == execution.Id.Value && f.Activity == activity.Id && f.Kind == kind)
                    .Sum(f => unique ? f.Profiles : f.Events);
                return new ExecutionMetrics(execution.Id.Value, new ChannelMetrics(counts.In, counts.Excluded, counts.Out.GetValueOrDefault(Transition.DefaultPort),
                    Events(FeedbackKind.Bounced, true), Events(FeedbackKind.Opened, false), Events(FeedbackKind.Opened, true),
                    Events(FeedbackKind.Clicked, false), Events(FeedbackKind.Clicked, true), Events(FeedbackKind.Unsubscribed, true), counts.Errors,
                    retries.Where(r => r.Execution == execution.Id.Value && r.Activity == activity.Id).Sum(r => r.Messages)));
            }).ToList();
            var reasons = bounces.Where(b => b.Activity == activity.Id).GroupBy(b => b.Reason).ToDictionary(g => g.Key, g => g.Sum(b => b.Profiles));
            var errors = failures.Where(f => f.Activity == activity.Id && live.Any(e => e.Id.Value == f.Execution))
                .GroupBy(f => f.Reason).ToDictionary(g => g.Key, g => g.Sum(f => f.Messages));
            return new ChannelReport(activity.Id, Channel(activity), executions, executions.Aggregate(ChannelMetrics.None, (sum, e) => sum + e.Metrics),
                reasons, errors);
        }).ToList();
        var hourly = hours
            .Where(h => live.Any(e => e.Id.Value == h.Execution))
            .GroupBy(h => (h.Hour, h.Activity))
            .Select(g => new HourlyFeedback(g.Key.Hour, g.Key.Activity, g.Where(h => h.Kind == FeedbackKind.Opened).Sum(h => h.Events),
                g.Where(h => h.Kind == FeedbackKind.Clicked).Sum(h => h.Events)))
            .OrderBy(h => h.Hour).ThenBy(h => h.Activity)
            .ToList();
        return new CampaignReport(state.Id.Value, state.Document?.Name, channels, channels.Aggregate(ChannelMetrics.None, (sum, c) => sum + c.Total), hourly);
    }

    private static string Channel(ChannelActivity activity) => activity switch
    {
        EmailActivity => "email",
        SmsActivity => "sms",
        _ => "push",
    };

    /// <summary>The JSON shape: metrics with their rates, by name.</summary>
    public object ToJson() => new
    {
        id = Id,
        name = Name,
        total = Json(Total),
        channels = Channels.Select(c => new
        {
            activity = c.Activity,
            channel = c.Channel,
            total = Json(c.Total),
            bounceReasons = c.BounceReasons,
            errorReasons = c.ErrorReasons,
            executions = c.Executions.Select(e => new { execution = e.Execution, metrics = Json(e.Metrics) }),
        }),
        hourly = Hourly.Select(h => new { hour = h.Hour, activity = h.Activity, opened = h.Opened, clicked = h.Clicked }),
    };

    private static object Json(ChannelMetrics m) => new
    {
        targeted = m.Targeted, excluded = m.Excluded, sent = m.Sent, delivered = m.Delivered, bounced = m.Bounced, opened = m.Opened,
        uniqueOpened = m.UniqueOpened, clicked = m.Clicked, uniqueClicked = m.UniqueClicked, unsubscribed = m.Unsubscribed, errors = m.Errors, retried = m.Retried,
        deliveryRate = m.DeliveryRate, openRate = m.OpenRate, clickRate = m.ClickRate, clickToOpenRate = m.ClickToOpenRate,
    };

    /// <summary>
    /// A row per channel activity and execution, then one per activity in total (execution <c>total</c>). New columns
    /// go last, so a sheet reading columns by position keeps working.
    /// </summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("activity,channel,execution,targeted,excluded,sent,delivered,bounced,opened,uniqueOpened,clicked,uniqueClicked,unsubscribed,errors,deliveryRate,openRate,clickRate,clickToOpenRate,retried\n");
        foreach (var channel in Channels)
        {
            foreach (var (execution, metrics) in channel.Executions.Select(e => (e.Execution, e.Metrics)).Append(("total", channel.Total)))
            {
                var excluded = string.Join(";", metrics.Excluded.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}"));
                csv.AppendJoin(',', new object[] { channel.Activity, channel.Channel, execution, metrics.Targeted, excluded, metrics.Sent, metrics.Delivered,
                    metrics.Bounced, metrics.Opened, metrics.UniqueOpened, metrics.Clicked, metrics.UniqueClicked, metrics.Unsubscribed, metrics.Errors,
                    metrics.DeliveryRate, metrics.OpenRate, metrics.ClickRate, metrics.ClickToOpenRate, metrics.Retried }.Select(Field)).Append('\n');
            }
        }
        return csv.ToString();
    }

    /// <summary>A CSV field: quoted when it holds a separator, and never read as a formula by a spreadsheet.</summary>
    private static string Field(object value)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        if (text.Length > 0 && value is string && "=+-@\t\r".Contains(text[0]))
            text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
    }
}

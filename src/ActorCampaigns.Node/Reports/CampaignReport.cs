using System.Text.Json;
using System.Globalization;
using System.Text;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Time;
using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Node.Reports;

/// <summary>
/// The metrics of contract section 5 for one channel activity: what the engine counted (targeted, excluded, sent,
/// errors) and what feedback told (bounced, opened, clicked, unsubscribed; unique = distinct profiles). Delivered is
/// sent minus the profiles that bounced: a provider's acceptance is delivery unless it bounces. Retried counts the
/// messages that needed more than one try because the provider could not be reached (from the ledger), whatever
/// became of them. Converted counts the profiles who had the activity's conversion event within its window after their
/// message, with the value of those events summed (0 for an activity that names no conversion). Opens and clicks are
/// people's; those of machines (privacy proxies, link scanners) are counted apart, as events and as profiles.
/// </summary>
public sealed record ChannelMetrics(long Targeted, IReadOnlyDictionary<string, long> Excluded, long Sent, long Bounced, long Opened, long UniqueOpened,
    long Clicked, long UniqueClicked, long Unsubscribed, long Errors, long Retried, long Converted = 0, double ConversionValue = 0,
    long MachineOpened = 0, long UniqueMachineOpened = 0, long MachineClicked = 0, long UniqueMachineClicked = 0)
{
    public static readonly ChannelMetrics None = new(0, new Dictionary<string, long>(), 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public long Delivered => Math.Max(0, Sent - Bounced);
    public double DeliveryRate => Rate(Delivered, Sent);
    public double OpenRate => Rate(UniqueOpened, Delivered);
    public double ClickRate => Rate(UniqueClicked, Delivered);
    public double ClickToOpenRate => Rate(UniqueClicked, UniqueOpened);
    public double ConversionRate => Rate(Converted, Sent);

    private static double Rate(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    public static ChannelMetrics operator +(ChannelMetrics a, ChannelMetrics b) => new(a.Targeted + b.Targeted,
        a.Excluded.Concat(b.Excluded).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value)),
        a.Sent + b.Sent, a.Bounced + b.Bounced, a.Opened + b.Opened, a.UniqueOpened + b.UniqueOpened, a.Clicked + b.Clicked,
        a.UniqueClicked + b.UniqueClicked, a.Unsubscribed + b.Unsubscribed, a.Errors + b.Errors, a.Retried + b.Retried,
        a.Converted + b.Converted, a.ConversionValue + b.ConversionValue, a.MachineOpened + b.MachineOpened,
        a.UniqueMachineOpened + b.UniqueMachineOpened, a.MachineClicked + b.MachineClicked, a.UniqueMachineClicked + b.UniqueMachineClicked);
}

public sealed record ExecutionMetrics(string Execution, ChannelMetrics Metrics);

public sealed record ChannelReport(string Activity, string Channel, IReadOnlyList<ExecutionMetrics> Executions, ChannelMetrics Total,
    IReadOnlyDictionary<string, long> BounceReasons, IReadOnlyDictionary<string, long> ErrorReasons, ConversionGoal? Conversion = null,
    ControlComparison? Control = null);

/// <summary>What one channel activity's messages led to in one execution (<see cref="Data.Conversions.ConversionStore.AttributedAsync"/>).</summary>
public sealed record Attributed(string Execution, string Activity, long Profiles, double Value);

/// <summary>The global control group's side of one channel activity in one execution (<see cref="Data.Conversions.ConversionStore.HeldBackAsync"/>).</summary>
public sealed record HeldBack(string Execution, string Activity, long Held, long Converted);

/// <summary>
/// A channel activity's conversion against the global control group's over the same window: the profiles held back
/// from its messages, how many of them converted, their rate, and the lift of the sent profiles' rate over it,
/// <c>rate(sent) / rate(held) - 1</c>, with a 95 % interval from the log of the rate ratio (Katz):
/// <c>exp(ln(ratio) ± 1.96 · sqrt(1/converted - 1/sent + 1/heldConverted - 1/held)) - 1</c>. No lift while either side
/// has no conversion (the ratio or its interval is then undefined).
/// </summary>
public sealed record ControlComparison(long Held, long Converted, double ConversionRate, double? Lift, double? LiftLow, double? LiftHigh)
{
    public static ControlComparison Of(ChannelMetrics sent, long held, long converted)
    {
        var rate = held == 0 ? 0 : (double)converted / held;
        if (converted == 0 || sent.Converted == 0 || sent.Sent == 0)
            return new ControlComparison(held, converted, Math.Round(rate, 4), null, null, null);
        var ratio = ((double)sent.Converted / sent.Sent) / rate;
        var error = Math.Sqrt(1.0 / sent.Converted - 1.0 / sent.Sent + 1.0 / converted - 1.0 / held);
        return new ControlComparison(held, converted, Math.Round(rate, 4), Math.Round(ratio - 1, 4),
            Math.Round(Math.Exp(Math.Log(ratio) - 1.96 * error) - 1, 4), Math.Round(Math.Exp(Math.Log(ratio) + 1.96 * error) - 1, 4));
    }
}

public sealed record HourlyFeedback(DateTimeOffset Hour, string Activity, long Opened, long Clicked);

/// <summary>An experiment in a live execution: when it decides while it waits, then its decision (<c>ExperimentDecision</c> JSON).</summary>
public sealed record ExperimentReport(string Activity, string Execution, DateTime? DecidesAt, string? Decision);

/// <summary>
/// A campaign's report: per channel activity, per live execution and in total, and opens and clicks per hour; each
/// experiment's decision per live execution.
/// </summary>
public sealed record CampaignReport(string Id, string? Name, IReadOnlyList<ChannelReport> Channels, ChannelMetrics Total, IReadOnlyList<HourlyFeedback> Hourly)
{
    public IReadOnlyList<ExperimentReport> Experiments { get; init; } = [];

    /// <summary>The report of the campaign in <paramref name="state"/>, from the node's feedback, ledger and conversion events.</summary>
    public static async Task<CampaignReport> ReadAsync(CampaignState state, EngineServices services, CancellationToken cancellationToken = default)
    {
        var id = state.Id.Value;
        var (conversions, heldBack) = (new List<Attributed>(), new List<HeldBack>());
        foreach (var channel in (state.Document?.Activities ?? []).OfType<ChannelActivity>())
        {
            if (channel.Conversion is not { } goal || !IsoDuration.TryParse(goal.Window, out var window, out _))
                continue;
            conversions.AddRange((await services.Conversions.AttributedAsync(id, channel.Id, goal.Event, window, cancellationToken))
                .Select(a => new Attributed(a.Execution, channel.Id, a.Profiles, a.Value)));
            heldBack.AddRange((await services.Conversions.HeldBackAsync(id, channel.Id, goal.Event, window, cancellationToken))
                .Select(h => new HeldBack(h.Execution, channel.Id, h.Held, h.Converted)));
        }
        return Build(state, await services.Feedback.CountAsync(id, cancellationToken), await services.Feedback.HoursAsync(id, cancellationToken),
            await services.Feedback.BounceReasonsAsync(id, cancellationToken), await services.Ledger.FailuresAsync(id, cancellationToken),
            await services.Ledger.RetriesAsync(id, cancellationToken), conversions, heldBack);
    }

    private static CampaignReport Build(CampaignState state, IReadOnlyList<FeedbackCount> feedback, IReadOnlyList<FeedbackHour> hours,
        IReadOnlyList<BounceReason> bounces, IReadOnlyList<(string Execution, string Activity, string Reason, long Messages)> failures,
        IReadOnlyList<(string Execution, string Activity, long Messages)> retries, IReadOnlyList<Attributed> conversions, IReadOnlyList<HeldBack> heldBack)
    {
        var live = state.Executions.Where(e => e.Mode == ExecutionMode.Live).OrderBy(e => e.StartedAt).ToList();
        var channels = (state.Document?.Activities ?? []).OfType<ChannelActivity>().Select(activity =>
        {
            var executions = live.Select(execution =>
            {
                var counts = execution.Activities.GetValueOrDefault(activity.Id)?.Counts ?? ActivityCounts.None;
                var converted = conversions.Where(c => c.Execution == execution.Id.Value && c.Activity == activity.Id).ToList();
                long Events(FeedbackKind kind, bool unique, bool machine = false) => feedback
                    .Where(f => f.Execution == execution.Id.Value && f.Activity == activity.Id && f.Kind == kind && f.Machine == machine)
                    .Sum(f => unique ? f.Profiles : f.Events);
                return new ExecutionMetrics(execution.Id.Value, new ChannelMetrics(counts.In, counts.Excluded, counts.Out.GetValueOrDefault(Transition.DefaultPort),
                    Events(FeedbackKind.Bounced, true), Events(FeedbackKind.Opened, false), Events(FeedbackKind.Opened, true),
                    Events(FeedbackKind.Clicked, false), Events(FeedbackKind.Clicked, true), Events(FeedbackKind.Unsubscribed, true), counts.Errors,
                    retries.Where(r => r.Execution == execution.Id.Value && r.Activity == activity.Id).Sum(r => r.Messages),
                    converted.Sum(c => c.Profiles), converted.Sum(c => c.Value), Events(FeedbackKind.Opened, false, machine: true),
                    Events(FeedbackKind.Opened, true, machine: true), Events(FeedbackKind.Clicked, false, machine: true), Events(FeedbackKind.Clicked, true, machine: true)));
            }).ToList();
            var reasons = bounces.Where(b => b.Activity == activity.Id).GroupBy(b => b.Reason).ToDictionary(g => g.Key, g => g.Sum(b => b.Profiles));
            var errors = failures.Where(f => f.Activity == activity.Id && live.Any(e => e.Id.Value == f.Execution))
                .GroupBy(f => f.Reason).ToDictionary(g => g.Key, g => g.Sum(f => f.Messages));
            var total = executions.Aggregate(ChannelMetrics.None, (sum, e) => sum + e.Metrics);
            var held = heldBack.Where(h => h.Activity == activity.Id && live.Any(e => e.Id.Value == h.Execution)).ToList();
            return new ChannelReport(activity.Id, Channel(activity), executions, total, reasons, errors, activity.Conversion,
                held.Count == 0 ? null : ControlComparison.Of(total, held.Sum(h => h.Held), held.Sum(h => h.Converted)));
        }).ToList();
        var hourly = hours
            .Where(h => !h.Machine && live.Any(e => e.Id.Value == h.Execution))
            .GroupBy(h => (h.Hour, h.Activity))
            .Select(g => new HourlyFeedback(g.Key.Hour, g.Key.Activity, g.Where(h => h.Kind == FeedbackKind.Opened).Sum(h => h.Events),
                g.Where(h => h.Kind == FeedbackKind.Clicked).Sum(h => h.Events)))
            .OrderBy(h => h.Hour).ThenBy(h => h.Activity)
            .ToList();
        var experiments = (state.Document?.Activities ?? []).OfType<ExperimentActivity>().SelectMany(experiment => live
            .Where(e => e.Activities.GetValueOrDefault(experiment.Id) is { } view && (view.IsDone || view.State == ActivityState.Waiting || view.Decision is not null))
            .Select(e => new ExperimentReport(experiment.Id, e.Id.Value, ExperimentFigures.DueAt(state.Document!, e, experiment), e.Activities[experiment.Id].Decision)))
            .ToList();
        return new CampaignReport(state.Id.Value, state.Document?.Name, channels, channels.Aggregate(ChannelMetrics.None, (sum, c) => sum + c.Total), hourly)
        {
            Experiments = experiments,
        };
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
            conversion = c.Conversion is { } goal ? new { @event = goal.Event, window = goal.Window } : null,
            globalControl = c.Control is { } control ? new
            {
                held = control.Held, converted = control.Converted, conversionRate = control.ConversionRate,
                lift = control.Lift, liftLow = control.LiftLow, liftHigh = control.LiftHigh,
            } : null,
            bounceReasons = c.BounceReasons,
            errorReasons = c.ErrorReasons,
            executions = c.Executions.Select(e => new { execution = e.Execution, metrics = Json(e.Metrics) }),
        }),
        hourly = Hourly.Select(h => new { hour = h.Hour, activity = h.Activity, opened = h.Opened, clicked = h.Clicked }),
        experiments = Experiments.Select(x => new
        {
            activity = x.Activity,
            execution = x.Execution,
            decidesAt = x.DecidesAt,
            decision = x.Decision is { } decision ? JsonDocument.Parse(decision).RootElement.Clone() : (JsonElement?)null,
        }),
    };

    private static object Json(ChannelMetrics m) => new
    {
        targeted = m.Targeted, excluded = m.Excluded, sent = m.Sent, delivered = m.Delivered, bounced = m.Bounced, opened = m.Opened,
        uniqueOpened = m.UniqueOpened, clicked = m.Clicked, uniqueClicked = m.UniqueClicked, unsubscribed = m.Unsubscribed, errors = m.Errors, retried = m.Retried,
        deliveryRate = m.DeliveryRate, openRate = m.OpenRate, clickRate = m.ClickRate, clickToOpenRate = m.ClickToOpenRate,
        converted = m.Converted, conversionValue = m.ConversionValue, conversionRate = m.ConversionRate,
        machineOpened = m.MachineOpened, uniqueMachineOpened = m.UniqueMachineOpened, machineClicked = m.MachineClicked, uniqueMachineClicked = m.UniqueMachineClicked,
    };

    /// <summary>
    /// A row per channel activity and execution, then one per activity in total (execution <c>total</c>). New columns
    /// go last, so a sheet reading columns by position keeps working.
    /// </summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("activity,channel,execution,targeted,excluded,sent,delivered,bounced,opened,uniqueOpened,clicked,uniqueClicked,unsubscribed,errors,deliveryRate,openRate,clickRate,clickToOpenRate,retried,converted,conversionValue,conversionRate,machineOpened,uniqueMachineOpened,machineClicked,uniqueMachineClicked\n");
        foreach (var channel in Channels)
        {
            foreach (var (execution, metrics) in channel.Executions.Select(e => (e.Execution, e.Metrics)).Append(("total", channel.Total)))
            {
                var excluded = string.Join(";", metrics.Excluded.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}"));
                csv.AppendJoin(',', new object[] { channel.Activity, channel.Channel, execution, metrics.Targeted, excluded, metrics.Sent, metrics.Delivered,
                    metrics.Bounced, metrics.Opened, metrics.UniqueOpened, metrics.Clicked, metrics.UniqueClicked, metrics.Unsubscribed, metrics.Errors,
                    metrics.DeliveryRate, metrics.OpenRate, metrics.ClickRate, metrics.ClickToOpenRate, metrics.Retried, metrics.Converted,
                    metrics.ConversionValue, metrics.ConversionRate, metrics.MachineOpened, metrics.UniqueMachineOpened, metrics.MachineClicked,
                    metrics.UniqueMachineClicked }.Select(Field)).Append('\n');
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

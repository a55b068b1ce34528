using System.Globalization;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Once its whole population has arrived, sends one alert per target through the node's providers, exactly once
/// (<see cref="Alerts"/>), then passes the population on. A test execution sends nothing and notes the alert on its log line.
/// </summary>
public sealed class AlertStage : ActivityStage<AlertActivity>
{
    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, AlertActivity alert, long input,
        CancellationToken cancellationToken)
    {
        var count = input.ToString("N0", CultureInfo.InvariantCulture);
        var text = $"{count} profile(s) reached '{alert.Id}' of campaign '{run.CampaignName}' ({run.Campaign.Value}), execution {run.Execution.Value}."
            + (alert.Note is { } note ? " " + note : "");
        var message = new Alert($"Alert: {count} profile(s) reached '{alert.Id}' of '{run.CampaignName}'", text,
            [KeyValuePair.Create("count", input.ToString(CultureInfo.InvariantCulture))], alert.Webhook, alert.Email, alert.From);
        if (run.Mode == ExecutionMode.Test)
            return Passing(runner, run, [$"alert to {string.Join(" and ", new[] { alert.Webhook, alert.Email }.OfType<string>())} recorded, not sent (test execution): {text}"],
                cancellationToken);
        return Passing(runner, run, await Alerts.SendAsync(runner.Services, run.Campaign.Value, run.Execution.Value, alert.Id, 0, message, cancellationToken),
            cancellationToken);
    }

    private static Source<PortBatch, NotUsed> Passing(ActivityRunner runner, ActivityRun run, IReadOnlyCollection<string> notes, CancellationToken cancellationToken) =>
        Source.Single(new PortBatch(Transition.DefaultPort, [], Notes: notes))
            .Concat(runner.Copy(run, run.Inbound, Transition.DefaultPort, cancellationToken));
}

using System.Globalization;
using System.Net;
using ActorCampaigns.Channels;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Once its whole population has arrived, sends one alert per target through the node's providers, exactly once
/// (each is a message of its own, claimed in the ledger, recorded for no profile), then passes the population on. A
/// test execution sends nothing and notes the alert on its log line.
/// </summary>
public sealed class AlertStage : ActivityStage<AlertActivity>
{
    /// <summary>The channel of webhook alerts: the outbox (<c>alert.jsonl</c>, or a cluster's outbox table), from which a relay posts them.</summary>
    public const string Channel = "alert";

    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, AlertActivity alert, long input,
        CancellationToken cancellationToken)
    {
        var text = $"{input.ToString("N0", CultureInfo.InvariantCulture)} profile(s) reached '{alert.Id}' of campaign '{run.CampaignName}' " +
            $"({run.Campaign.Value}), execution {run.Execution.Value}." + (alert.Note is { } note ? " " + note : "");
        var subject = $"Alert: {input.ToString("N0", CultureInfo.InvariantCulture)} profile(s) reached '{alert.Id}' of '{run.CampaignName}'";
        var targets = new List<(string Channel, string To, IReadOnlyList<KeyValuePair<string, string>> Content)>();
        var common = new[] { KeyValuePair.Create("subject", subject), KeyValuePair.Create("text", text), KeyValuePair.Create("count", input.ToString(CultureInfo.InvariantCulture)) };
        if (alert.Webhook is { } webhook)
            targets.Add((Channel, webhook, common));
        if (alert.Email is { } email)
            targets.Add(("email", email, [KeyValuePair.Create("from", alert.From ?? email), .. common, KeyValuePair.Create("html", $"<p>{WebUtility.HtmlEncode(text)}</p>")]));
        var to = string.Join(" and ", targets.Select(t => t.To));
        if (run.Mode == ExecutionMode.Test)
            return Passing(runner, run, [$"alert to {to} recorded, not sent (test execution): {text}"], cancellationToken);
        var services = runner.Services;
        var notes = new List<string>();
        var delivery = Delivery.For(services);
        for (var i = 0; i < targets.Count; i++)
        {
            var (channel, address, content) = targets[i];
            // The target's number stands where a profile would in the ledger's claims, but not in the message id: feedback
            // about an alert (a bounce, a complaint) names no profile, so it is counted unknown and changes no one's consent.
            var message = new OutboundMessage(OutboundMessage.AlertIdFor(run.Campaign.Value, run.Execution.Value, alert.Id, i), run.Campaign.Value, run.Execution.Value,
                alert.Id, i, address, content);
            var batch = new DeliveryBatch(run.Campaign.Value, run.Execution.Value, alert.Id, i);
            // Marked sent for no profile: an alert is not a message to anyone of the population.
            var sending = new Sending(channel, MessageCategory.Transactional, ToProfiles: false);
            DeliveryOutcome outcome;
            try
            {
                outcome = await delivery.SendAsync(batch, sending, [message], cancellationToken);
            }
            catch (ProviderUnreachableException unreachable)
            {
                // Kept claimed: a rerun of the execution sends it. The campaign goes on (an alert is not worth failing it).
                notes.Add($"alert to {address} not sent: {unreachable.Message}");
                continue;
            }
            await delivery.MarkSentAsync(batch, sending, outcome, cancellationToken);
            // A refused alert is told on the log line; the campaign goes on.
            notes.Add(outcome.Failed.Count > 0 ? $"alert to {address} refused: {outcome.Failed.Values.First()}"
                : outcome.Sent == 0 ? $"alert to {address} sent before" : $"alert sent to {address}");
        }
        return Passing(runner, run, notes, cancellationToken);
    }

    private static Source<PortBatch, NotUsed> Passing(ActivityRunner runner, ActivityRun run, IReadOnlyCollection<string> notes, CancellationToken cancellationToken) =>
        Source.Single(new PortBatch(Transition.DefaultPort, [], Notes: notes))
            .Concat(runner.Copy(run, run.Inbound, Transition.DefaultPort, cancellationToken));
}

using System.Net;
using ActorCampaigns.Channels;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Engine.Activities;

/// <summary>An alert: what it says, and to whom (a webhook URL and/or an email address, with the email's sender).</summary>
public sealed record Alert(string Subject, string Text, IReadOnlyList<KeyValuePair<string, string>> Fields, string? Webhook, string? Email, string? From);

/// <summary>
/// Sends alerts (the <c>alert</c> activity's, a campaign's error notifications) through the node's providers, each
/// target exactly once: a message of its own, claimed in the ledger as batch <c>number</c> of the sender it is for,
/// marked sent for no profile (an alert is not a message to anyone of the population). A webhook target goes by the
/// <see cref="Channel"/> channel (the outbox, or posted to its URL when the node says so), an email by the email
/// provider. Each target's fate is told as a note; a provider that fails does not fail the caller.
/// </summary>
public static class Alerts
{
    /// <summary>The channel of webhook alerts: the outbox (<c>alert.jsonl</c>, or a cluster's outbox table), or posted when the node's alert provider is <c>webhook</c>.</summary>
    public const string Channel = "alert";

    /// <param name="sender">What the alert is for in the ledger and its message ids: the alert activity, or a notice's own name.</param>
    /// <param name="first">The ledger batch (and message id) number of the first target; the second takes the next.</param>
    /// <param name="wait">How long each target may take (its provider down); none: as long as its provider's patience.</param>
    public static async Task<IReadOnlyList<string>> SendAsync(EngineServices services, string campaign, string execution, string sender, long first, Alert alert,
        CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        var common = new[] { KeyValuePair.Create("subject", alert.Subject), KeyValuePair.Create("text", alert.Text) }.Concat(alert.Fields).ToList();
        var targets = new List<(string Channel, string To, IReadOnlyList<KeyValuePair<string, string>> Content)>();
        if (alert.Webhook is { } webhook)
            targets.Add((Channel, webhook, common));
        if (alert.Email is { } email)
            targets.Add(("email", email, [KeyValuePair.Create("from", alert.From ?? email), .. common, KeyValuePair.Create("html", $"<p>{WebUtility.HtmlEncode(alert.Text)}</p>")]));
        var notes = new List<string>();
        var delivery = Delivery.For(services);
        for (var i = 0; i < targets.Count; i++)
        {
            var (channel, address, content) = targets[i];
            // The target's number stands where a profile would in the ledger's claims, but not in the message id: feedback
            // about an alert (a bounce, a complaint) names no profile, so it is counted unknown and changes no one's consent.
            var message = new OutboundMessage(OutboundMessage.AlertIdFor(campaign, execution, sender, first + i), campaign, execution, sender, first + i,
                address, content);
            var batch = new DeliveryBatch(campaign, execution, sender, first + i);
            var sending = new Sending(channel, MessageCategory.Transactional, ToProfiles: false);
            DeliveryOutcome outcome;
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (wait is { } most)
                budget.CancelAfter(most);
            try
            {
                outcome = await delivery.SendAsync(batch, sending, [message], budget.Token);
            }
            catch (ProviderUnreachableException unreachable)
            {
                // Kept claimed: sent when the same alert is sent again (its activity run again, its notice told again).
                notes.Add($"alert to {address} not sent: {unreachable.Message}");
                continue;
            }
            catch (OperationCanceledException) when (wait is not null && budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Its time is up (a skip notice waits a little for each target): kept claimed, the next target is tried.
                notes.Add($"alert to {address} not sent within {wait!.Value.TotalSeconds:0} s: its provider did not take it");
                continue;
            }
            await delivery.MarkSentAsync(batch, sending, outcome, cancellationToken);
            notes.Add(outcome.Failed.Count > 0 ? $"alert to {address} refused: {outcome.Failed.Values.First()}"
                : outcome.Sent == 0 ? $"alert to {address} sent before" : $"alert sent to {address}");
        }
        return notes;
    }
}

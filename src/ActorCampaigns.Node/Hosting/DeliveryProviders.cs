using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Smtp;
using ActorCampaigns.Channels.Webhook;
using ActorCampaigns.Data;
using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Channels.Outbox;

namespace ActorCampaigns.Node.Hosting;

/// <summary>
/// The providers the node's settings name, by channel (SMTP, webhooks, alerts posted to their URL), and on a cluster the <c>outbox_messages</c>
/// table for the other channels. A channel without one goes to its outbox file under the data dir (one node).
/// </summary>
public static class DeliveryProviders
{
    public static async Task<Dictionary<string, IMessageSender>> OpenAsync(NodeOptions node, Database database)
    {
        var senders = new Dictionary<string, IMessageSender>();
        if (Chosen("EmailProvider", node.EmailProvider, "smtp"))
            senders["email"] = new SmtpProvider(node.Smtp);
        if (Chosen("SmsProvider", node.SmsProvider, "webhook"))
            senders["sms"] = new WebhookProvider(node.SmsWebhook);
        if (Chosen("PushProvider", node.PushProvider, "webhook"))
            senders["push"] = new WebhookProvider(node.PushWebhook);
        if (Chosen("AlertProvider", node.AlertProvider, "webhook"))
            senders[Alerts.Channel] = node.AlertHosts.Length > 0 ? WebhookProvider.ToEachTarget(node.AlertWebhook, node.AlertHosts)
                : throw new InvalidOperationException("ActorCampaigns:AlertProvider is webhook but ActorCampaigns:AlertHosts names no host: " +
                    "say which hosts alerts may be posted to (AlertHosts:0=hooks.example.com), as a campaign's author writes the URL");
        if (database is PostgresDatabase postgres)
        {
            await OutboxTable.InitializeAsync(postgres);
            // Alerts too: the ledger is shared, so what a resumed alert finds must be the same wherever it runs.
            foreach (var channel in new[] { "email", "sms", "push", Alerts.Channel }.Where(c => !senders.ContainsKey(c)))
                senders[channel] = new OutboxTable(postgres, channel);
        }
        return senders;
    }

    /// <summary>Closes the providers' connections once the node has stopped taking requests.</summary>
    public static async Task CloseAsync(IEnumerable<IMessageSender> senders)
    {
        foreach (var sender in senders)
        {
            if (sender is IAsyncDisposable asynchronous)
                await asynchronous.DisposeAsync();
            else if (sender is IDisposable disposable)
                disposable.Dispose();
        }
    }

    private static bool Chosen(string setting, string value, string provider) => value switch
    {
        "outbox" => false,
        _ when value == provider => true,
        _ => throw new InvalidOperationException($"ActorCampaigns:{setting} is '{value}'; it must be outbox or {provider}"),
    };
}

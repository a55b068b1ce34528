using System.Globalization;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// Tells a campaign's <c>onError.notify</c> targets what its error policy did, as alerts through the node's providers
/// (<see cref="Alerts"/>), each once: when an activity's failure suspended a live execution or stopped the campaign,
/// and when a channel run first skipped a batch under the <c>ignore</c> policy. A campaign without notify tells no one.
/// </summary>
public static class ErrorNotifications
{
    /// <summary>What the notices are claimed for in the ledger: no activity id has a capital letter, so none is taken for an activity's.</summary>
    private const string Sender = "onError";

    /// <summary>The failure of <paramref name="failed"/>'s activity, as <paramref name="state"/> (with it applied) says what followed.</summary>
    /// <param name="number">The notice's own number in the execution: no other notice of it has the same.</param>
    public static async Task<IReadOnlyList<string>> FailedAsync(EngineServices services, CampaignState state, CampaignEvents.ActivityFailed failed, long number,
        CancellationToken cancellationToken)
    {
        if (state.Document is not { ErrorPolicy.Notify: { } notify } document)
            return [];
        var stopped = state.Status == CampaignStatus.Stopped;
        var name = document.Name;
        var text = $"Activity '{failed.Activity}' of campaign '{name}' ({state.Id.Value}) failed in execution {failed.Execution.Value} at " +
            $"{failed.At.ToString("O", CultureInfo.InvariantCulture)}: {failed.Reason}. " + (stopped
                ? "The campaign is stopped (its error policy is abort)."
                : $"The execution is suspended: resume the campaign once the cause is fixed (POST /api/campaigns/{state.Id.Value}/resume, " +
                  $"or acctl campaign resume {state.Id.Value}); the failed activity runs again. Or stop it.");
        var alert = new Alert($"Campaign '{name}' {(stopped ? "stopped" : "suspended")}: activity '{failed.Activity}' failed", text,
            Fields(failed.Activity, stopped ? "stopped" : "suspended", failed.Reason), notify.Webhook, notify.Email, notify.From);
        // Two targets at most per failure.
        return await Alerts.SendAsync(services, state.Id.Value, failed.Execution.Value, Sender, 2 * number, alert, cancellationToken);
    }

    /// <summary>A channel run skipped its first batch: once per activity of an execution.</summary>
    /// <param name="wait">How long each target may take.</param>
    public static async Task<IReadOnlyList<string>> SkippedAsync(EngineServices services, ActivityRun run, string batch, ProviderUnreachableException unreachable,
        TimeSpan wait, CancellationToken cancellationToken)
    {
        if (run.Plan.Document.ErrorPolicy is not { Notify: { } notify } policy)
            return [];
        var (name, activity) = (run.CampaignName, run.Activity.Id);
        var text = $"Activity '{activity}' of campaign '{name}' ({run.Campaign.Value}), execution {run.Execution.Value}, skipped {batch}: " +
            $"{unreachable.Pending.Count.ToString("N0", CultureInfo.InvariantCulture)} message(s) not sent, counted as errors " +
            $"({unreachable.Reason}). Its error policy is ignore: it goes on, and is suspended after more than {policy.MaxConsecutiveErrors} such batches in a row. " +
            "This is told once per activity of an execution.";
        var alert = new Alert($"Campaign '{name}': activity '{activity}' skipped a batch", text, Fields(activity, "skipped", unreachable.Reason),
            notify.Webhook, notify.Email, notify.From);
        // One notice for the activity, whichever partition's run skips first: the ledger keeps it once.
        return await Alerts.SendAsync(services, run.Campaign.Value, run.Execution.Value, $"{Sender}-{activity}", 0, alert, cancellationToken, wait);
    }

    private static KeyValuePair<string, string>[] Fields(string activity, string outcome, string reason) =>
        [KeyValuePair.Create("activity", activity), KeyValuePair.Create("outcome", outcome), KeyValuePair.Create("reason", reason)];
}

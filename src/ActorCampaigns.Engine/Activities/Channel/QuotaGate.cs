using ActorCampaigns.Data.Deliveries;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// A channel run's turn at its provider's quota (<see cref="ProviderQuotas"/>): each slice of messages waits until
/// the quota's window has room for it and no run has waited longer. A slice the ledger shows begun was granted
/// before (a rerun after a crash or a pause): it does not take again.
/// </summary>
public sealed class QuotaGate(ProviderQuotas quotas, string channel, ProviderQuota quota, QuotaWaiter waiter, TimeProvider clock)
{
    /// <summary>How often a waiting run asks again, give or take a quarter (so waiters do not ask in step).</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <summary>Slices of a hundredth of the quota (at least one message): a run never takes much of a window at once.</summary>
    public int Slice => (int)Math.Clamp(quota.Messages / 100, 1, int.MaxValue);

    /// <param name="begun">Whether the ledger shows the slice begun (claimed or sent) before.</param>
    public async Task TakeAsync(int messages, Func<Task<bool>> begun, CancellationToken cancellationToken)
    {
        if (messages == 0 || await begun())
            return;
        var granted = false;
        try
        {
            while (!(granted = await quotas.TryTakeAsync(channel, quota, waiter, messages, clock.GetUtcNow(), TimeProvider.System.GetUtcNow(), cancellationToken)))
                await Task.Delay(Poll * (0.75 + Random.Shared.NextDouble() / 2), clock, cancellationToken);
        }
        finally
        {
            if (!granted)
                await LeaveAsync();
        }
    }

    /// <summary>
    /// The run asks no more: it leaves the queue, so it no longer counts as asking. Best effort: if the database cannot
    /// be reached, the waiter is forgotten anyway once it has not asked for <see cref="ProviderQuotas.Abandoned"/>, and
    /// what the run sent stays done.
    /// </summary>
    public async Task<bool> LeaveAsync()
    {
        try
        {
            await quotas.LeaveAsync(channel, waiter, CancellationToken.None);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or IOException)
        {
            // forgotten after ProviderQuotas.Abandoned
        }
        return true;
    }
}

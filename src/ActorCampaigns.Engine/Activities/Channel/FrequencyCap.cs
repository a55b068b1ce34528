using ActorCampaigns.Data.Deliveries;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>A node's frequency cap: at most <paramref name="Messages"/> marketing messages per profile per channel per <paramref name="Period"/>.</summary>
public sealed record FrequencyCap(int Messages, TimeSpan Period);

/// <summary>
/// The frequency cap as one channel activity applies it: the marketing messages of its channel that the ledger
/// recorded as sent within the period, by any campaign; a profile that had the cap's number of them is excluded as
/// <c>capped</c>.
/// </summary>
public sealed class FrequencyCapping(Ledger ledger, FrequencyCap cap, string channel, TimeProvider clock)
{
    public Task<IReadOnlySet<long>> CappedAsync(long[] profiles, CancellationToken cancellationToken) =>
        ledger.SentAtLeastAsync(channel, clock.GetUtcNow() - cap.Period, cap.Messages, profiles, cancellationToken);
}

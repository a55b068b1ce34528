using ActorCampaigns.Data.Deliveries;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>A node's frequency cap: at most <paramref name="Messages"/> marketing messages per profile per channel per <paramref name="Period"/>.</summary>
public sealed record FrequencyCap(int Messages, TimeSpan Period);

/// <summary>
/// The frequency cap as one channel activity applies it: the marketing messages of its channel that the ledger
/// recorded as sent within the period, by any other activity, and those this activity rendered so far (one per
/// profile, or several when it sends one per entity row); a message that would pass the cap's number is excluded as
/// <c>capped</c>. A run again after a crash counts what it renders again: it may cap more, never less.
/// </summary>
/// <param name="own">The activity's own sending (its batches' campaign, execution and activity), which it counts itself.</param>
public sealed class FrequencyCapping(Ledger ledger, FrequencyCap cap, string channel, TimeProvider clock, DeliveryBatch own, bool perRow)
{
    /// <summary>The messages rendered per profile by this activity: only one per entity row can give a profile more than one.</summary>
    private readonly Dictionary<long, int> _rendered = [];

    /// <summary>The messages of the period sent to each of <paramref name="profiles"/> by other activities (ascending, distinct).</summary>
    public Task<IReadOnlyDictionary<long, long>> SentAsync(long[] profiles, CancellationToken cancellationToken) =>
        ledger.SentCountsAsync(channel, clock.GetUtcNow() - cap.Period, profiles, own, cancellationToken);

    /// <summary>
    /// Whether one more message to the profile would pass the cap, given what others sent it (<paramref name="sent"/>).
    /// Asked while the batch before renders (and counts): under a lock.
    /// </summary>
    public bool Reached(long profile, IReadOnlyDictionary<long, long> sent)
    {
        lock (_rendered)
            return sent.GetValueOrDefault(profile) + _rendered.GetValueOrDefault(profile) >= cap.Messages;
    }

    /// <summary>Counts a message rendered for the profile.</summary>
    public void Count(long profile)
    {
        if (!perRow)
            return;
        lock (_rendered)
            _rendered[profile] = _rendered.GetValueOrDefault(profile) + 1;
    }
}

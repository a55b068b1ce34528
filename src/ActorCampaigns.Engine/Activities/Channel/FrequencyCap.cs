using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>A node's frequency cap: at most <paramref name="Messages"/> marketing messages per profile per channel per <paramref name="Period"/>.</summary>
public sealed record FrequencyCap(int Messages, TimeSpan Period);

/// <summary>
/// The frequency cap as one channel activity applies it: a marketing message counts as a <c>sent</c> feedback event
/// naming the channel, recorded once its batch is sent; a profile that had the cap's number of them within the period
/// is excluded as <c>capped</c>. A crash between sending a batch and recording it leaves that batch uncounted.
/// </summary>
public sealed class FrequencyCapping(FeedbackStore feedback, FrequencyCap cap, string channel, TimeProvider clock)
{
    public Task<IReadOnlySet<long>> CappedAsync(long[] profiles, CancellationToken cancellationToken) =>
        feedback.SentAtLeastAsync(channel, clock.GetUtcNow() - cap.Period, cap.Messages, profiles, cancellationToken);

    public Task RecordAsync(string campaign, string execution, string activity, IEnumerable<long> sent, CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        return feedback.AppendAsync(sent.Select(profile => new FeedbackEvent(campaign, execution, activity, profile, FeedbackKind.Sent, at, channel)).ToList(),
            cancellationToken);
    }
}

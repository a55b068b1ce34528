using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>Quiet hours in a time zone: whether an instant falls in them there, and when they end.</summary>
public sealed record QuietWindow(QuietHours Hours, TimeZoneInfo Zone)
{
    private readonly LocalSendTime _end = new(Hours.To, Enum.GetValues<DayOfWeek>());

    public bool Holds(DateTimeOffset now) => Hours.Holds(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime));

    /// <summary>The end of the quiet hours <paramref name="now"/> is in: the next time the clock there reads <c>To</c>.</summary>
    public DateTimeOffset EndAfter(DateTimeOffset now) => _end.Next(now, Zone);
}

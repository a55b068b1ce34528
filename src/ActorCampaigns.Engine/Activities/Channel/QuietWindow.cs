using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>Quiet hours in a time zone: whether an instant falls in them there.</summary>
public sealed record QuietWindow(QuietHours Hours, TimeZoneInfo Zone)
{
    public bool Holds(DateTimeOffset now) => Hours.Holds(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime));
}

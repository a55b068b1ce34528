using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Node.Testing;

/// <summary>
/// The system clock moved forward by an offset, for end-to-end tests and rehearsals of campaigns with waits and
/// schedules: with <c>ActorCampaigns:ClockControl</c> on, <c>POST /testing/clock/advance?by=P3D</c> moves the node's
/// time (waits, schedules, tracking and feedback times). Off by default; a production node never maps it.
/// </summary>
public sealed class AdjustableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

public static class ClockEndpoints
{
    public static void MapClockControl(this WebApplication app, AdjustableClock clock) =>
        app.MapPost("/testing/clock/advance", (string? by) =>
        {
            if (by is null || !IsoDuration.TryParse(by, out var duration, out _) || duration <= TimeSpan.Zero)
                return Results.Problem(title: "by must be a positive ISO 8601 duration such as P3D", statusCode: StatusCodes.Status400BadRequest);
            clock.Advance(duration);
            return Results.Ok(new { now = clock.GetUtcNow() });
        });
}

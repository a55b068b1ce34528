namespace ActorCampaigns.Channels.Templates;

/// <summary>
/// What rendering one message may cost (section <c>ActorCampaigns:Rendering</c>). A message past a limit is not sent:
/// it is excluded as <c>renderError</c> with the limit it passed, and the campaign goes on.
/// </summary>
public sealed record RenderLimits
{
    public static readonly RenderLimits Default = new();

    /// <summary>Liquid steps (tags run and loop iterations) for one message.</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>Characters one message's rendering may produce: its fields, what it captures and what its filters return, together.</summary>
    public int MaxCharacters { get; init; } = 1_000_000;

    /// <summary>Time to render one message.</summary>
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromSeconds(1);
}

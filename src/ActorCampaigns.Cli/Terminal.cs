namespace ActorCampaigns.Cli;

/// <summary>Where acctl reads commands and writes results and errors; the console, or text in tests.</summary>
public sealed class Terminal(TextReader input, TextWriter output, TextWriter error)
{
    public TextReader In { get; } = input;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Whether a person watches the output: live views redraw in place, progress is shown.</summary>
    public bool Interactive => ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>Whether a person types the input: the prompt edits lines and recalls history.</summary>
    public bool TypedInput => ReferenceEquals(In, Console.In) && !Console.IsInputRedirected;
}

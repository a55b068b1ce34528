namespace ActorCampaigns.Cli;

/// <summary>
/// One command of a palette: its words (<c>cluster sharding regions</c>), its arguments as help shows them
/// (<c>&lt;id&gt;</c> required, <c>[addr]</c> optional), the options it takes, a line of help, and what it does.
/// </summary>
public sealed record Command(string Words, string Arguments, string Summary, Func<Invocation, Task> RunAsync, params string[] Options)
{
    public string[] Path { get; } = Words.Split(' ');

    public int Required => Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(a => a.StartsWith('<'));

    public int AtMost => Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    public string Usage => $"{Words} {Arguments}".Trim() + string.Concat(Options.Select(o => $" [{o}]"));
}

/// <summary>What one run of a command has: the node, its arguments and options, where to write, when to stop.</summary>
public sealed class Invocation(Command command, NodeClient node, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> options,
    bool json, Terminal terminal, CancellationToken cancel)
{
    public Command Command { get; } = command;

    public NodeClient Node { get; } = node;

    public bool Json { get; } = json;

    public Terminal Terminal { get; } = terminal;

    public TextWriter Out => Terminal.Out;

    public CancellationToken Cancel { get; } = cancel;

    /// <summary>Argument <paramref name="index"/> if given.</summary>
    public string? Argument(int index) => index < arguments.Count ? arguments[index] : null;

    /// <summary>An option's value (<c>--depth 3</c> gives "3"), or null when it is not given.</summary>
    public string? Option(string name) => options.GetValueOrDefault(name);

    /// <summary>A whole-number option within bounds, or <paramref name="absent"/>.</summary>
    public int NumberOption(string name, int absent, int min, int max)
    {
        if (Option(name) is not { } text)
            return absent;
        return int.TryParse(text, out var value) && value >= min && value <= max
            ? value
            : throw CommandFailure.Usage($"{name} takes a number from {min} to {max}, not '{text}'");
    }

    /// <summary>A campaign id argument, checked so it can go into a URL path as it is.</summary>
    public string CampaignId(int index)
    {
        var id = Argument(index)!;
        return id.Length <= 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? id
            : throw CommandFailure.Usage($"'{id}' is not a campaign id (letters, digits, '-', '_' and '.')");
    }
}

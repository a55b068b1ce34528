namespace ActorCampaigns.Cli;

/// <summary>Exit codes of acctl: 0 when the command did what it says.</summary>
public static class ExitCodes
{
    /// <summary>The node refused or could not do what was asked (unknown campaign, invalid document...).</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: unknown command, missing or bad argument.</summary>
    public const int Usage = 2;

    /// <summary>No node answers at the address given.</summary>
    public const int Unreachable = 3;

    /// <summary>The node wants another key (<c>--key</c>, or <c>ACCTL_KEY</c>).</summary>
    public const int Unauthorized = 4;
}

/// <summary>
/// Why a command did not succeed, as one line for the operator (<see cref="Exception.Message"/>), with any detail lines
/// (each problem of a campaign document) and the exit code.
/// </summary>
public sealed class CommandFailure(string message, int exitCode = ExitCodes.Failed, IReadOnlyList<string>? details = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The node's problem answer, when the failure is one (what a command may read more of: a publish's figures).</summary>
    public System.Text.Json.JsonElement? Problem { get; init; }

    public IReadOnlyList<string> Details { get; } = details ?? [];

    public static CommandFailure Usage(string message) => new(message, ExitCodes.Usage);
}

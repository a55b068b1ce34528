using ActorCampaigns.Cli.Interactive;
using ActorCampaigns.Cli.Palettes;

namespace ActorCampaigns.Cli;

/// <summary>The command line of acctl: the node's address, then a palette's command, or nothing for a prompt.</summary>
public static class Acctl
{
    /// <summary>Every command, by palette: what <c>help</c> lists, in this order.</summary>
    public static readonly IReadOnlyList<Command> Commands =
    [
        .. ClusterPalette.Commands,
        .. ShardingPalette.Commands,
        .. ActorPalette.Commands,
        .. CampaignPalette.Commands,
        .. ProfilePalette.Commands,
        .. AuditPalette.Commands,
    ];

    public static async Task<int> RunAsync(string[] args, Terminal terminal)
    {
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            // Ctrl+C ends the running command (a tail), not the process abruptly.
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            var (words, json, key) = GlobalOptions(args);
            if (words.Count == 0 || words[0] is "help" or "--help" or "-h")
            {
                Help.Write(terminal.Out, words.Skip(1).ToList());
                return words.Count == 0 ? ExitCodes.Usage : 0;
            }
            var address = NodeClient.ParseAddress(words[0])
                ?? throw CommandFailure.Usage($"'{words[0]}' is not a node address: give host:port (e.g. 127.0.0.1:5080), then a command");
            using var node = new NodeClient(address, key ?? Environment.GetEnvironmentVariable("ACCTL_KEY"));
            if (words.Count == 1)
                return await new Prompt(node, terminal, json).RunAsync(() => stop);
            return await RunCommandAsync(words.Skip(1).ToList(), node, json, terminal, stop.Token);
        }
        catch (CommandFailure failure)
        {
            return Report(failure, terminal);
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>Runs one command line (after the address); failures are written as one line and give their exit code.</summary>
    public static async Task<int> RunCommandAsync(IReadOnlyList<string> words, NodeClient node, bool json, Terminal terminal, CancellationToken cancel)
    {
        try
        {
            if (words[0] == "help")
            {
                Help.Write(terminal.Out, words.Skip(1).ToList());
                return 0;
            }
            var (command, rest) = Find(words);
            if (rest.Contains("--help") || rest.Contains("-h"))
            {
                Help.WriteCommand(terminal.Out, command);
                return 0;
            }
            var (arguments, options) = Split(command, rest);
            await command.RunAsync(new Invocation(command, node, arguments, options, json, terminal, cancel));
            return 0;
        }
        catch (CommandFailure failure)
        {
            return Report(failure, terminal);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            terminal.Error.WriteLine("error: cancelled");
            return 130;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never a stack trace: the operator gets what went wrong in a line.
            terminal.Error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static int Report(CommandFailure failure, Terminal terminal)
    {
        terminal.Error.WriteLine($"error: {failure.Message}");
        foreach (var detail in failure.Details)
            terminal.Error.WriteLine($"  {detail}");
        return failure.ExitCode;
    }

    /// <summary><c>--json</c> and <c>--key KEY</c> may come anywhere; the other words stay in order.</summary>
    private static (List<string> Words, bool Json, string? Key) GlobalOptions(string[] args)
    {
        var words = new List<string>();
        var json = false;
        string? key = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--json")
                json = true;
            else if (args[i] == "--key")
                key = i + 1 < args.Length ? args[++i] : throw CommandFailure.Usage("--key needs a value (the operator key)");
            else
                words.Add(args[i]);
        }
        return (words, json, key);
    }

    /// <summary>The command whose words start the line (the longest such), and the words after them.</summary>
    private static (Command Command, List<string> After) Find(IReadOnlyList<string> words)
    {
        var command = Commands
            .Where(c => c.Path.Length <= words.Count && c.Path.SequenceEqual(words.Take(c.Path.Length)))
            .MaxBy(c => c.Path.Length);
        if (command is not null)
            return (command, words.Skip(command.Path.Length).ToList());
        var palette = Commands.Where(c => c.Path[0] == words[0]).ToList();
        if (palette.Count == 0)
            throw CommandFailure.Usage($"unknown palette '{words[0]}' (palettes: {string.Join(", ", Commands.Select(c => c.Path[0]).Distinct())}); try 'help'");
        var given = string.Join(' ', words.Take(Math.Min(words.Count, 3)));
        throw CommandFailure.Usage($"unknown command '{given}' ({words[0]} commands: {string.Join(", ", palette.Select(c => string.Join(' ', c.Path.Skip(1))))})");
    }

    private static (List<string> Arguments, Dictionary<string, string> Options) Split(Command command, List<string> rest)
    {
        var arguments = new List<string>();
        var options = new Dictionary<string, string>();
        var names = command.Options.Select(o => o.Split(' ')[0]).ToHashSet();
        for (var i = 0; i < rest.Count; i++)
        {
            if (rest[i].StartsWith('-') && rest[i].Length > 1 && !long.TryParse(rest[i], out _))
            {
                if (!names.Contains(rest[i]))
                    throw CommandFailure.Usage($"'{command.Words}' takes no option {rest[i]} (usage: {command.Usage})");
                // A flag (an option written without a value, such as --yes) stands alone.
                options[rest[i]] = command.Options.Contains(rest[i]) ? "true"
                    : i + 1 < rest.Count ? rest[++i] : throw CommandFailure.Usage($"{rest[i]} needs a value (usage: {command.Usage})");
            }
            else
                arguments.Add(rest[i]);
        }
        if (arguments.Count < command.Required)
            throw CommandFailure.Usage($"'{command.Words}' needs {command.Arguments} (usage: {command.Usage})");
        if (arguments.Count > command.AtMost)
            throw CommandFailure.Usage($"'{command.Words}' does not take '{arguments[command.AtMost]}' (usage: {command.Usage})");
        return (arguments, options);
    }
}

namespace ActorCampaigns.Cli;

/// <summary>What <c>acctl help [palette]</c> and <c>--help</c> print.</summary>
public static class Help
{
    public static void Write(TextWriter output, IReadOnlyList<string> palette)
    {
        var commands = Acctl.Commands.Where(c => palette.Count == 0 || c.Path.Take(palette.Count).SequenceEqual(palette)).ToList();
        if (commands.Count == 0)
            throw CommandFailure.Usage($"no palette '{string.Join(' ', palette)}' (palettes: {string.Join(", ", Acctl.Commands.Select(c => c.Path[0]).Distinct())})");
        if (palette.Count == 0)
        {
            output.WriteLine("acctl: operate an ActorCampaigns node and its cluster");
            output.WriteLine();
            output.WriteLine("usage: acctl <host:port> <palette> <command> [args] [--json] [--key KEY]");
            output.WriteLine("       acctl <host:port>      an interactive prompt: commands without the address, history with up/down, 'exit' to leave");
            output.WriteLine("       acctl help [palette]   this help; 'acctl <host:port> <command> --help' for one command");
        }
        var width = commands.Max(c => c.Usage.Length);
        foreach (var group in commands.GroupBy(c => c.Path[0]))
        {
            output.WriteLine();
            output.WriteLine($"{group.Key}:");
            foreach (var command in group)
                output.WriteLine($"  {command.Usage.PadRight(width)}  {command.Summary}");
        }
        if (palette.Count > 0)
            return;
        output.WriteLine();
        output.WriteLine("options:");
        output.WriteLine("  --json      the node's answer as JSON, for scripts");
        output.WriteLine("  --key KEY   the operator key (ActorCampaigns:OperatorKeys of the node); ACCTL_KEY also gives it");
        output.WriteLine();
        output.WriteLine("exit codes: 0 done, 1 the node refused or failed, 2 bad command line, 3 no node answers, 4 key refused");
    }

    public static void WriteCommand(TextWriter output, Command command)
    {
        output.WriteLine($"usage: acctl <host:port> {command.Usage}");
        output.WriteLine($"  {command.Summary}");
    }
}

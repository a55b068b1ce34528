using System.Text;

namespace ActorCampaigns.Cli.Interactive;

/// <summary>
/// <c>acctl &lt;host:port&gt;</c> with no command: a prompt taking commands without the address, as pbm does. Lines
/// typed are kept in a history (up/down recall them, <c>history</c> lists them, kept in ~/.acctl_history); Ctrl+C
/// stops the running command, <c>exit</c> or end of input leaves.
/// </summary>
public sealed class Prompt(NodeClient node, Terminal terminal, bool json)
{
    private const int HistoryKept = 500;
    private readonly List<string> _history = [];

    /// <param name="stop">The Ctrl+C source of the command running now; replaced after each Ctrl+C.</param>
    public async Task<int> RunAsync(Func<CancellationTokenSource> stop)
    {
        var historyFile = HistoryFile();
        if (historyFile is not null && File.Exists(historyFile))
            _history.AddRange(File.ReadLines(historyFile).TakeLast(HistoryKept));
        var editor = terminal.TypedInput ? new LineEditor(_history, Completions) : null;
        if (terminal.TypedInput)
            terminal.Out.WriteLine($"acctl connected to {node.Address}; 'help' lists the commands, 'exit' leaves");
        var last = 0;
        while (true)
        {
            var line = editor is not null ? editor.ReadLine($"{node.Address}> ") : await terminal.In.ReadLineAsync();
            if (line is null || line.Trim() is "exit" or "quit")
                return last;
            var words = Words(line);
            if (words.Count == 0)
                continue;
            Remember(line.Trim(), historyFile);
            if (words is ["history"])
            {
                for (var i = 0; i < _history.Count; i++)
                    terminal.Out.WriteLine($"{i + 1,4}  {_history[i]}");
                continue;
            }
            var source = stop();
            last = await Acctl.RunCommandAsync(words, node, json || words.Remove("--json"), terminal, source.Token);
            if (source.IsCancellationRequested)
                source.TryReset();
        }
    }

    private void Remember(string line, string? historyFile)
    {
        if (_history.Count > 0 && _history[^1] == line)
            return;
        _history.Add(line);
        if (historyFile is null)
            return;
        try
        {
            File.AppendAllLines(historyFile, [line]);
        }
        catch (IOException)
        {
            // A history that cannot be saved is not worth stopping the operator for.
        }
    }

    private static string? HistoryFile()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".acctl_history");
    }

    /// <summary>The words that may follow <paramref name="typed"/>: the next word of every command it starts.</summary>
    private static IEnumerable<string> Completions(IReadOnlyList<string> typed) =>
        Acctl.Commands.Select(c => c.Path)
            .Append(["help"]).Append(["history"]).Append(["exit"])
            .Where(path => path.Length > typed.Count && path.Take(typed.Count).SequenceEqual(typed))
            .Select(path => path[typed.Count])
            .Distinct();

    /// <summary>A line split into words; "double" or 'single' quotes keep spaces in one word.</summary>
    public static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var c in line)
        {
            if (quote is not null)
            {
                if (c == quote)
                    quote = null;
                else
                    word.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
            words.Add(word.ToString());
        return words;
    }
}

using System.Text;

namespace ActorCampaigns.Cli.Interactive;

/// <summary>
/// Reads a line typed at the terminal: left/right, home/end, backspace/delete, up/down through the history, tab to
/// complete a command word. (Console.ReadLine keeps no history on Linux.)
/// </summary>
public sealed class LineEditor(IReadOnlyList<string> history, Func<IReadOnlyList<string>, IEnumerable<string>> completions)
{
    public string? ReadLine(string prompt)
    {
        Console.Write(prompt);
        var line = new StringBuilder();
        var cursor = 0;
        var recalled = history.Count;
        while (true)
        {
            ConsoleKeyInfo key;
            try
            {
                key = Console.ReadKey(intercept: true);
            }
            catch (InvalidOperationException)
            {
                return null;
            }
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.WriteLine();
                    return line.ToString();
                case ConsoleKey.Backspace when cursor > 0:
                    line.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < line.Length:
                    line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < line.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                    cursor = line.Length;
                    break;
                case ConsoleKey.UpArrow when recalled > 0:
                    Replace(line, history[--recalled], ref cursor);
                    break;
                case ConsoleKey.DownArrow when recalled < history.Count:
                    Replace(line, ++recalled < history.Count ? history[recalled] : "", ref cursor);
                    break;
                case ConsoleKey.Tab:
                    Complete(line, ref cursor);
                    break;
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && line.Length == 0:
                    Console.WriteLine();
                    return null;
                default:
                    if (!char.IsControl(key.KeyChar))
                        line.Insert(cursor++, key.KeyChar);
                    break;
            }
            Redraw(prompt, line, cursor);
        }
    }

    private static void Replace(StringBuilder line, string text, ref int cursor)
    {
        line.Clear().Append(text);
        cursor = line.Length;
    }

    /// <summary>Completes the word being typed when one command word fits it; lists the candidates when several do.</summary>
    private void Complete(StringBuilder line, ref int cursor)
    {
        var text = line.ToString(0, cursor);
        var words = Prompt.Words(text);
        var partial = text.Length > 0 && !char.IsWhiteSpace(text[^1]) && words.Count > 0 ? words[^1] : "";
        var before = partial.Length > 0 ? words.Take(words.Count - 1).ToList() : words;
        var fits = completions(before).Where(w => w.StartsWith(partial, StringComparison.Ordinal)).ToList();
        if (fits.Count == 1)
        {
            var rest = fits[0][partial.Length..] + " ";
            line.Insert(cursor, rest);
            cursor += rest.Length;
        }
        else if (fits.Count > 1)
        {
            Console.WriteLine();
            Console.WriteLine(string.Join("  ", fits));
        }
    }

    private static void Redraw(string prompt, StringBuilder line, int cursor)
    {
        Console.Write($"\r{prompt}{line}\u001b[K");
        var back = line.Length - cursor;
        if (back > 0)
            Console.Write($"\u001b[{back}D");
    }
}

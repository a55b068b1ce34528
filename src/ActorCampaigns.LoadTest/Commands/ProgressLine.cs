using System.Diagnostics;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// Shows progress of long work: rewritten in place on a terminal, a line every few seconds otherwise
/// (CI logs, pipes).
/// </summary>
public sealed class ProgressLine(TextWriter output)
{
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private readonly bool _terminal = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);

    public void Report(string text, bool force = false)
    {
        if (_terminal)
        {
            output.Write($"\r{text}\u001b[K");
            return;
        }
        if (!force && _sinceLast.Elapsed < TimeSpan.FromSeconds(3))
            return;
        _sinceLast.Restart();
        output.WriteLine(text);
    }

    public void Done()
    {
        if (_terminal)
            output.WriteLine();
    }
}

namespace ActorCampaigns.Domain.Tests.Documentation;

/// <summary>A fenced code block of a Markdown file: its info string (<c>expression enrich</c>), its lines and where it starts.</summary>
internal sealed record FencedBlock(string Info, IReadOnlyList<string> Lines, int Line)
{
    /// <summary>Every fenced block of <paramref name="markdown"/>, in order.</summary>
    public static IReadOnlyList<FencedBlock> All(string markdown)
    {
        var blocks = new List<FencedBlock>();
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            var opening = lines[i].TrimStart();
            if (!opening.StartsWith("```", StringComparison.Ordinal))
                continue;
            var body = new List<string>();
            var start = i + 1;
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++)
                body.Add(lines[i]);
            blocks.Add(new FencedBlock(opening[3..].Trim(), body, start));
        }
        return blocks;
    }

    /// <summary>The text of the Markdown outside its fenced blocks: where links are links.</summary>
    public static string Prose(string markdown)
    {
        var kept = new List<string>();
        var inBlock = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                inBlock = !inBlock;
            else
                kept.Add(inBlock ? "" : line);
        }
        return string.Join('\n', kept);
    }
}

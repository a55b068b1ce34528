using System.Text;

namespace ActorCampaigns.Data.Csv;

/// <summary>How a rejection message quotes a value from a CSV file, which may be hostile.</summary>
public static class CsvText
{
    private const int MaxShown = 40;

    /// <summary>
    /// At most 40 characters, control characters and halves of a broken surrogate pair written as <c>\uXXXX</c>,
    /// so a message stays one short readable line that any JSON writer takes.
    /// </summary>
    public static string Excerpt(ReadOnlySpan<char> text)
    {
        var cut = text.Length <= MaxShown ? text.Length : char.IsHighSurrogate(text[MaxShown - 1]) ? MaxShown - 1 : MaxShown;
        var excerpt = new StringBuilder(cut + 1);
        for (var i = 0; i < cut; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < cut && char.IsLowSurrogate(text[i + 1]))
                excerpt.Append(c).Append(text[++i]);
            else if (char.IsControl(c) || char.IsSurrogate(c))
                excerpt.Append($"\\u{(int)c:X4}");
            else
                excerpt.Append(c);
        }
        if (cut < text.Length)
            excerpt.Append('…');
        return excerpt.ToString();
    }
}

using System.Text;

namespace ActorCampaigns.Data.Csv;

/// <summary>How a rejection message quotes a value from a CSV file, which may be hostile.</summary>
public static class CsvText
{
    private const int MaxShown = 40;

    /// <summary>At most 40 characters, control characters written as <c>\uXXXX</c>, so a message stays one short readable line.</summary>
    public static string Excerpt(ReadOnlySpan<char> text)
    {
        var cut = text.Length <= MaxShown ? text.Length : char.IsHighSurrogate(text[MaxShown - 1]) ? MaxShown - 1 : MaxShown;
        var excerpt = new StringBuilder(cut + 1);
        foreach (var c in text[..cut])
        {
            if (char.IsControl(c))
                excerpt.Append($"\\u{(int)c:X4}");
            else
                excerpt.Append(c);
        }
        if (cut < text.Length)
            excerpt.Append('…');
        return excerpt.ToString();
    }
}

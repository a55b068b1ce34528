using System.Text;

namespace ActorCampaigns.Domain.Expressions;

/// <summary>Turns expression text into tokens; keywords are case-insensitive, names are not.</summary>
internal static class Lexer
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "in", "between", "like", "is", "null", "true", "false",
    };

    private static readonly string[] Symbols = ["<=", ">=", "!=", "<>", "=", "<", ">", "(", ")", ",", "+", "-", "*", "/", ".", ":"];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            var column = i + 1;
            if (c == '\'')
            {
                tokens.Add(new Token(TokenKind.String, ReadString(text, ref i), column));
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                    i++;
                var kind = TokenKind.Integer;
                if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
                {
                    kind = TokenKind.Decimal;
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                        i++;
                }
                tokens.Add(new Token(kind, text[start..i], column));
            }
            else if (char.IsAsciiLetter(c))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                    i++;
                var word = text[start..i];
                tokens.Add(new Token(Keywords.Contains(word) ? TokenKind.Keyword : TokenKind.Identifier, word, column));
            }
            else
            {
                var symbol = Symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0)
                    ?? throw new ExpressionException(column, $"unexpected character '{c}'");
                tokens.Add(new Token(TokenKind.Symbol, symbol, column));
                i += symbol.Length;
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        return tokens;
    }

    private static string ReadString(string text, ref int i)
    {
        var column = i + 1;
        var value = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    value.Append('\'');
                    i += 2;
                    continue;
                }
                i++;
                return value.ToString();
            }
            value.Append(text[i]);
            i++;
        }
        throw new ExpressionException(column, "unterminated string: a quote opened here is never closed (write '' for a quote inside a string)");
    }
}

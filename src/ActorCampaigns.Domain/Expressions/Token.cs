namespace ActorCampaigns.Domain.Expressions;

internal enum TokenKind
{
    End,
    Identifier,
    String,
    Integer,
    Decimal,
    Keyword,
    Symbol,
}

/// <summary>A lexed token; <see cref="Column"/> is 1-based.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Column)
{
    public bool Is(TokenKind kind, string text) =>
        Kind == kind && string.Equals(Text, text, StringComparison.OrdinalIgnoreCase);

    public bool IsKeyword(string keyword) => Is(TokenKind.Keyword, keyword);

    public bool IsSymbol(string symbol) => Is(TokenKind.Symbol, symbol);

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.String => "a string",
        _ => $"'{Text}'",
    };
}

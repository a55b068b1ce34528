namespace ActorCampaigns.Data.Samples;

/// <summary>A country of the synthetic profile base, with its share of profiles and what goes with it.</summary>
internal sealed record Country(string Code, double Weight, string DialCode, string Language, string[] Cities, double OptInShift);

internal static class Countries
{
    /// <summary>Thirty countries with a long-tailed skew, including the rare ones the benchmark canvas blocks.</summary>
    public static readonly Country[] All =
    [
        new("FR", 18, "33", "fr", ["Paris", "Lyon", "Marseille", "Toulouse", "Nantes"], 0.02),
        new("DE", 14, "49", "de", ["Berlin", "Hamburg", "München", "Köln"], -0.03),
        new("GB", 11, "44", "en", ["London", "Manchester", "Leeds", "Glasgow"], 0.01),
        new("US", 10, "1", "en", ["New York", "Chicago", "Austin", "Seattle"], 0.04),
        new("ES", 7, "34", "es", ["Madrid", "Barcelona", "Sevilla"], 0.03),
        new("IT", 7, "39", "it", ["Roma", "Milano", "Napoli", "Torino"], 0.0),
        new("NL", 4, "31", "nl", ["Amsterdam", "Rotterdam", "Utrecht"], -0.02),
        new("BE", 3.5, "32", "fr", ["Bruxelles", "Antwerpen", "Liège"], 0.01),
        new("CA", 2.5, "1", "en", ["Toronto", "Montréal", "Vancouver"], 0.03),
        new("CH", 2.5, "41", "de", ["Zürich", "Genève", "Basel"], -0.04),
        new("PL", 2.5, "48", "pl", ["Warszawa", "Kraków", "Łódź"], 0.02),
        new("SE", 2, "46", "sv", ["Stockholm", "Göteborg", "Malmö"], -0.05),
        new("PT", 2, "351", "pt", ["Lisboa", "Porto"], 0.05),
        new("AT", 1.8, "43", "de", ["Wien", "Graz", "Linz"], -0.02),
        new("IE", 1.5, "353", "en", ["Dublin", "Cork"], 0.0),
        new("DK", 1.3, "45", "da", ["København", "Aarhus"], -0.04),
        new("BR", 1.2, "55", "pt", ["São Paulo", "Rio de Janeiro"], 0.06),
        new("NO", 1.2, "47", "no", ["Oslo", "Bergen"], -0.05),
        new("FI", 1, "358", "fi", ["Helsinki", "Espoo"], -0.03),
        new("CZ", 1, "420", "cs", ["Praha", "Brno"], 0.0),
        new("GR", 0.9, "30", "el", ["Athína", "Thessaloníki"], 0.04),
        new("RO", 0.9, "40", "ro", ["București", "Cluj-Napoca"], 0.05),
        new("MX", 0.8, "52", "es", ["Ciudad de México", "Guadalajara"], 0.06),
        new("JP", 0.8, "81", "ja", ["Tōkyō", "Ōsaka"], -0.06),
        new("AU", 0.8, "61", "en", ["Sydney", "Melbourne"], 0.02),
        new("HU", 0.7, "36", "hu", ["Budapest", "Debrecen"], 0.01),
        new("IN", 0.6, "91", "en", ["Mumbai", "Bengaluru"], 0.05),
        new("IR", 0.1, "98", "fa", ["Tehrān"], 0.0),
        new("KP", 0.05, "850", "ko", ["Pyongyang"], 0.0),
        new("SY", 0.05, "963", "ar", ["Dimashq"], 0.0),
    ];

    public static readonly string[] FirstNames =
    [
        "Emma", "Louis", "Jade", "Gabriel", "Zoé", "Lucas", "Chloé", "Hugo", "Léa", "Noah", "Anna", "Ben", "Mia", "Paul",
        "Olivia", "Jack", "Sofia", "Mateo", "Giulia", "Leonardo", "Maja", "Jakub", "Ingrid", "Lars", "Aoife", "Seán",
        "Yuki", "Haruto", "Ana", "João", "Zoë", "Jürgen", "Élodie", "Søren", "Łucja", "Ömer", "Priya", "Arjun", "Nora", "Eli",
    ];

    public static readonly string[] LastNames =
    [
        "Martin", "Bernard", "Dubois", "Müller", "Schmidt", "Smith", "Jones", "O'Brien", "García", "Rossi", "Russo",
        "de Vries", "Jansen", "Peeters", "Novak", "Kowalski", "Nowak", "Andersson", "Johansson", "Silva", "Santos",
        "Gruber", "Murphy", "Hansen", "Nielsen", "Virtanen", "Papadopoulos", "Popescu", "Hernández", "Tanaka", "Sato",
        "Brown", "Wilson", "Nagy", "Svoboda", "Kumar", "Sharma", "Lefèvre", "Weiß", "Ødegaard",
    ];

    public static readonly string[] Domains = ["example.com", "example.org", "example.net", "mail.example.com", "post.example.org"];

    public static readonly (string Tier, double Weight)[] LoyaltyTiers = [("bronze", 55), ("silver", 25), ("gold", 12), ("platinum", 3)];
}

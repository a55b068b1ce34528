using System.Text;

namespace ActorCampaigns.Cli.Tests;

/// <summary>
/// One Node process (one-node cluster, SQLite) with an operator key and an API key, and its address for acctl; the
/// campaign files the tests give to <c>campaign create -f</c> and <c>validate -f</c>.
/// </summary>
public class OneNode : IAsyncLifetime
{
    private readonly (string, string)[] _settings;

    public OneNode() : this([])
    {
    }

    /// <param name="settings">Node settings besides the keys and the batch size.</param>
    protected OneNode(params (string, string)[] settings)
    {
        _settings = settings;
    }

    public const string Key = "operator-key-for-tests";

    /// <summary>How the node names a key in its audit and versions: the first 12 hex digits of its SHA-256.</summary>
    public static string KeyId(string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
    public const int Profiles = 200;
    public const int OptedIn = 150;

    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-acctl-").FullName;

    public NodeProcess Node { get; private set; } = null!;

    public string Address => Node.Http.BaseAddress!.Authority;

    public string Folder => _folder;

    /// <summary>What <c>acctl profiles import</c> said when the fixture imported the profiles into the empty node.</summary>
    public AcctlResult FirstImport { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await NodeProcess.StartAsync(Path.Combine(_folder, "node"), ["--Logging:LogLevel:Default=Information"],
            [("OperatorKeys__0", Key), ("ApiKeys__0", "an-api-key"), ("BatchSize", "50"), .. _settings]);
        FirstImport = await AcctlAsync("profiles", "import", ProfilesCsv());
    }

    /// <summary>acctl against this node with its operator key.</summary>
    public Task<AcctlResult> AcctlAsync(params string[] words) => AcctlProcess.RunAsync([Address, .. words, "--key", Key]);

    /// <summary>A file in the test folder with <paramref name="text"/>.</summary>
    public string File(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public string ProfilesCsv()
    {
        var csv = new StringBuilder("id,email,firstName,emailOptIn\n");
        for (var i = 1; i <= Profiles; i++)
            csv.Append($"{i},p{i}@example.com,P{i},{(i % 4 != 0 ? "true" : "false")}\n");
        return File("profiles.csv", csv.ToString());
    }

    /// <summary>An email to every opted-in profile, whose audience is also saved; <paramref name="throttle"/> messages a second when given.</summary>
    public string Campaign(string name, int? throttle = null) => File($"{name.Replace(' ', '-')}.json", $$$"""
        { "name": "{{{name}}}", "activities": [
            { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
            { "id": "keep", "type": "saveAudience", "audience": "{{{name.Replace(' ', '-').ToLowerInvariant()}}}" },
            { "id": "mail", "type": "email", {{{(throttle is { } t ? $"\"throttle\": {t}," : "")}}}
              "content": { "from": "shop@example.com", "subject": "{{{name}}}, {{ firstName }}", "html": "<p>Hi</p>" } } ],
          "transitions": [ { "from": "optin", "to": "mail" }, { "from": "optin", "to": "keep" } ] }
        """);

    public async Task DisposeAsync()
    {
        if (Node is not null)
            await Node.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

using System.Net;
using System.Text;
using CsCheck;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// Random bodies, valid documents with random characters changed or cut short, and random bytes, sent to every
/// endpoint that reads a body, on a node process: never a 5xx, never a stack trace.
/// </summary>
public sealed class GatewayProperties : IAsyncLifetime
{
    private const string Valid = """
        { "name": "Sale", "variables": { "code": "X" },
          "activities": [ { "id": "all", "type": "buildAudience", "filter": "country = 'FR' and emailOptIn" },
                          { "id": "mail", "type": "email", "content": { "from": "a@b.io", "subject": "Hi {{ firstName }}", "html": "<p>{{ vars.code }}</p>" } } ],
          "transitions": [ { "from": "all", "to": "mail" } ] }
        """;

    private static readonly string[] Paths =
    [
        "POST /api/campaigns/validate", "POST /api/campaigns", "PUT /api/campaigns/c-0000000000", "POST /api/campaigns/c-0000000000/trigger",
        "POST /api/feedback", "POST /api/audiences/estimate", "POST /api/profiles/import",
    ];

    private static readonly Gen<byte[]> Bodies = Gen.Frequency(
        (2, Gen.String.Select(s => Encoding.UTF8.GetBytes(s))),
        (1, Gen.Byte.Array[0, 300]),
        (3, Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Char, Gen.Int[1, Valid.Length], (at, c, length) =>
            Encoding.UTF8.GetBytes((Valid[..at] + c + Valid[(at + 1)..])[..Math.Min(length, Valid.Length)]))),
        (1, Gen.OneOf("[", "{", "\"", "\\ud800", "1e999", "-", "null", "[{}]", "{\"filter\": 1}", "id\n1\n\"").Array[1, 400]
            .Select(parts => Encoding.UTF8.GetBytes(string.Concat(parts)))));

    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-gateway-properties-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync() => _node = await NodeProcess.StartAsync(_dataDir);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task No_body_gets_a_server_error()
    {
        await Gen.Select(Gen.OneOf(Paths), Bodies).SampleAsync(async (target, body) =>
        {
            var (method, path) = (target.Split(' ')[0], target.Split(' ')[1]);
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new(path.EndsWith("/import", StringComparison.Ordinal) ? "text/csv" : "application/json");
            using var response = await _node.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{target} answered {(int)response.StatusCode} to {Convert.ToBase64String(body)}: {text}");
            Assert.DoesNotContain("   at ", text);
        }, iter: 700, threads: 1);
        Assert.Equal(HttpStatusCode.OK, (await _node.Http.GetAsync("/health/ready")).StatusCode);
    }
}

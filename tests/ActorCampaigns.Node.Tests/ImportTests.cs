using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>CSV imports over real HTTP with bodies that are not clean UTF-8: never a 500, never a good line lost.</summary>
public sealed class ImportTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-node-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync() => _node = await NodeProcess.StartAsync(_dataDir);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    /// <summary>Bytes written as characters U+0000 to U+00FF, one byte each, as printf's <c>\xC3</c> writes them.</summary>
    private static byte[] Raw(string bytes) => Encoding.Latin1.GetBytes(bytes);

    private Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(byte[] body) =>
        _node.SendAsync(HttpMethod.Post, "/api/profiles/import", new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });

    private async Task<long> ProfilesAsync()
    {
        var (_, estimate) = await _node.SendAsync(HttpMethod.Post, "/api/audiences/estimate", """{ "filter": "id > 0" }""");
        return estimate.GetProperty("count").GetInt64();
    }

    [Fact]
    public async Task A_line_that_is_not_utf8_is_rejected_with_its_number_and_the_good_lines_are_imported()
    {
        var (status, summary) = await ImportAsync(Raw("id,email\n9101,ok1@x.com\n9102,\u00C3(@x.com\n9103,ok3@x.com\n"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((2, 1), (summary.GetProperty("imported").GetInt32(), summary.GetProperty("rejected").GetInt32()));
        var error = Assert.Single(summary.GetProperty("errors").EnumerateArray());
        Assert.Equal(3, error.GetProperty("line").GetInt32());
        Assert.Equal("not valid UTF-8 (byte 0xC3 at byte offset 5 of the line)", error.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Get, "/api/profiles/9103")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.SendAsync(HttpMethod.Get, "/api/profiles/9102")).Status);
    }

    [Fact]
    public async Task Three_thousand_good_lines_are_kept_when_the_last_line_is_not_utf8()
    {
        var good = string.Concat(Enumerable.Range(1, 3_000).Select(i => $"{i},p{i}@x.com\n"));
        var (status, summary) = await ImportAsync([.. Encoding.UTF8.GetBytes("id,email\n" + good + "3001,"), 0xFF, (byte)'\n']);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3_000, summary.GetProperty("imported").GetInt32());
        Assert.Equal(3_002, Assert.Single(summary.GetProperty("errors").EnumerateArray()).GetProperty("line").GetInt32());
    }

    public static TheoryData<string, byte[], string> Unreadable => new()
    {
        { "random binary", RandomBytes(), "bad CSV header" },
        { "a header that is not UTF-8", Raw("id,em\u00FFail\n1,a@x.com\n"), "bad CSV header: not valid UTF-8 (byte 0xFF at byte offset 5 of the line)" },
        { "a body of NUL bytes", new byte[4_096], "bad CSV header: a NUL character (U+0000) in field 1" },
        { "a UTF-16 file", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("id,email\n1,a@x.com\n")).ToArray(), "bad CSV header" },
    };

    private static byte[] RandomBytes()
    {
        var bytes = new byte[64 * 1024];
        new Random(15).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task A_file_whose_header_cannot_be_read_is_refused_with_400_and_nothing_is_written(string what, byte[] body, string message)
    {
        var before = await ProfilesAsync();
        var (status, problem) = await ImportAsync(body);
        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {status} {problem}");
        Assert.Equal("the CSV file was refused", problem.GetProperty("title").GetString());
        Assert.StartsWith(message, problem.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(before, await ProfilesAsync());
    }

    [Fact]
    public async Task A_utf8_bom_is_accepted()
    {
        var (status, summary) = await ImportAsync([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("id,email\n7001,bom@x.com\n")]);
        Assert.Equal((HttpStatusCode.OK, 1), (status, summary.GetProperty("imported").GetInt32()));
    }
}

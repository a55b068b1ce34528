using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// Files loaded by a node process: attached over HTTP or read from its files folder, bad lines rejected with their
/// numbers and reasons, hostile files and paths refused with a clear error, the node healthy after each.
/// </summary>
public sealed class LoadFileTests : IAsyncLifetime
{
    private const long MaxBytes = 300_000;
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-loadfile-").FullName;
    private NodeProcess _node = null!;

    private string FilesFolder => Path.Combine(_dataDir, "files");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(FilesFolder);
        _node = await NodeProcess.StartAsync(_dataDir, ("Files__MaxBytes", MaxBytes.ToString(CultureInfo.InvariantCulture)));
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    /// <summary>
    /// 2,000 booking lines after the header (lines 2 to 2,001), 37 of them bad in five ways; amounts spread, emails in any case.
    /// </summary>
    private static (byte[] File, SortedDictionary<long, string> Bad, decimal GoodAmounts) Bookings()
    {
        var file = new MemoryStream();
        void Write(string text) => file.Write(Encoding.UTF8.GetBytes(text));
        Write("email,amount,bookedOn,note\n");
        var bad = new SortedDictionary<long, string>();
        var good = 0m;
        for (var i = 0; i < 2_000; i++)
        {
            var line = i + 2L;
            var amount = (i * 37 % 1_000) + 0.25m;
            switch (i % 54)
            {
                case 3 when bad.Count < 37:
                    Write($"p{i}@example.com,{amount}€,2026-11-{i % 28 + 1:00},x\n");
                    bad[line] = "amount";
                    break;
                case 11 when bad.Count < 37:
                    Write($"p{i}@example.com,{amount},2026-13-01,x\n");
                    bad[line] = "bookedOn";
                    break;
                case 19 when bad.Count < 37:
                    Write($"p{i}@example.com,{amount},2026-11-01\n");
                    bad[line] = "has 3 fields";
                    break;
                case 27 when bad.Count < 37:
                    Write($"p{i}@example.com,{amount},2026-11-01,");
                    file.Write([0xFF, 0xFE]);
                    Write("\n");
                    bad[line] = "UTF-8";
                    break;
                case 35 when bad.Count < 37:
                    Write($"p{i}@example.com,{amount},2026-11-01,a\0b\n");
                    bad[line] = "NUL";
                    break;
                default:
                    Write($"{(i % 2 == 0 ? "P" : "p")}{i}@Example.com,{amount.ToString(CultureInfo.InvariantCulture)},2026-11-{i % 28 + 1:00},\"a, b\"\n");
                    good += amount;
                    break;
            }
        }
        return (file.ToArray(), bad, good);
    }

    private async Task<string> CreateAsync(string activity)
    {
        var (status, created) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", $$"""
            { "name": "Load", "schedule": { "type": "signal" }, "activities": [ {{activity}}, { "id": "done", "type": "end" } ],
              "transitions": [ { "from": "load", "to": "done" } ] }
            """);
        Assert.True(status == HttpStatusCode.Created, created.ToString());
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _node.PublishAsync(id)).Status);
        return id;
    }

    /// <summary>Triggers the campaign and waits for its <paramref name="execution"/>th execution to end; returns it.</summary>
    private async Task<JsonElement> RunAsync(string campaign, int execution = 1)
    {
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/trigger", "{}")).Status);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var executions = (await _node.StatusAsync(campaign)).GetProperty("executions").EnumerateArray()
                .OrderBy(e => e.GetProperty("startedAt").GetDateTimeOffset()).ToList();
            if (executions.Count == execution && executions[^1].GetProperty("state").GetString() is "completed" or "failed")
                return executions[^1];
            Assert.True(DateTime.UtcNow < deadline, $"execution {execution} of {campaign} did not end:\n{_node.Log}");
            await Task.Delay(100);
        }
    }

    private async Task<string[]> RejectsAsync(string campaign, JsonElement execution)
    {
        var csv = await _node.Http.GetStringAsync($"/api/campaigns/{campaign}/executions/{execution.GetProperty("id").GetString()}/activities/load/rejects");
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private async Task AssertHealthyAsync() => Assert.Equal(HttpStatusCode.OK, (await _node.Http.GetAsync("/health/ready")).StatusCode);

    private static string Failure(JsonElement execution) => execution.GetProperty("activities").GetProperty("load").GetProperty("failure").ToString();

    [Fact]
    public async Task An_attached_file_of_2000_lines_loads_1963_rows_and_its_reject_file_lists_exactly_the_37_bad_lines()
    {
        var (file, bad, good) = Bookings();
        var campaign = await CreateAsync("""
            { "id": "load", "type": "loadFile", "file": "bookings.csv", "columns": { "email": "string", "amount": "number", "bookedOn": "date", "note": "string" },
              "onError": { "maxErrors": 100, "rejects": true } }
            """);
        var (status, stored) = await _node.SendAsync(HttpMethod.Put, $"/api/campaigns/{campaign}/files/bookings.csv", new ByteArrayContent(file));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(file.Length, stored.GetProperty("size").GetInt64());

        var execution = await RunAsync(campaign);
        Assert.Equal("completed", execution.GetProperty("state").GetString());
        Assert.Equal(1_963, execution.GetProperty("activities").GetProperty("load").GetProperty("out").GetProperty("out").GetInt64());
        var rejects = await RejectsAsync(campaign, execution);
        Assert.Equal("line,reason", rejects[0]);
        var listed = rejects[1..].Select(r => (Line: long.Parse(r[..r.IndexOf(',')], CultureInfo.InvariantCulture), Reason: r[(r.IndexOf(',') + 1)..])).ToList();
        Assert.Equal(bad.Keys, listed.Select(r => r.Line));
        foreach (var (line, reason) in listed)
            Assert.Contains(bad[line], reason);

        // The rows kept, against plain SQL over the node's database: 1,963 rows, the good amounts to the cent.
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var sum = connection.CreateCommand();
        sum.CommandText = "SELECT COUNT(*), SUM(json_extract(row_values, '$.amount')) FROM loaded_rows WHERE campaign = $campaign";
        sum.Parameters.AddWithValue("$campaign", campaign);
        using var reader = sum.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(1_963, reader.GetInt64(0));
        Assert.Equal((double)good, reader.GetDouble(1), 2);

        var logs = (await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{campaign}/logs")).Body.ToString();
        Assert.Contains("loaded 1,963 rows of the attached file 'bookings.csv', rejected 37 lines", logs);
        var preview = (await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{campaign}/transitions/load/out?limit=2")).Body;
        Assert.Equal(1_963, preview.GetProperty("count").GetInt64());
        Assert.Equal("P0@Example.com", preview.GetProperty("profiles")[0].GetProperty("email").GetString());
        Assert.Equal(2, preview.GetProperty("profiles")[0].GetProperty("_line").GetInt64());
    }

    [Fact]
    public async Task The_loaded_rows_reconciled_with_profiles_by_email_ignoring_case_give_the_exact_matched_and_unmatched_counts()
    {
        // 1,000 profiles p0…p999 (emails in lower case, ids spread), and a second profile with p5's email: both match.
        var profiles = "id,email,emailOptIn\n" + string.Concat(Enumerable.Range(0, 1_000).Select(i => $"{7_919L * i + 13},p{i}@example.com,true\n"))
            + "99999999,p5@example.com,true\n";
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", new StringContent(profiles, Encoding.UTF8, "text/csv"))).Status);
        var (file, bad, _) = Bookings();
        var (status, created) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Reconcile", "schedule": { "type": "signal" }, "activities": [
                { "id": "load", "type": "loadFile", "file": "bookings.csv", "columns": { "email": "string", "amount": "number", "bookedOn": "date", "note": "string" },
                  "onError": { "maxErrors": 100 } },
                { "id": "match", "type": "reconciliation", "keys": [ { "column": "email", "attribute": "email", "ignoreCase": true } ] },
                { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Your booking: {{ amount }}", "html": "<p>{{ amount }}</p>" } },
                { "id": "keep", "type": "saveAudience", "audience": "reconciled" }, { "id": "done", "type": "end" } ],
              "transitions": [ { "from": "load", "to": "match" }, { "from": "match", "port": "matched", "to": "mail" }, { "from": "mail", "to": "keep" },
                { "from": "match", "port": "unmatched", "to": "done" } ] }
            """);
        Assert.True(status == HttpStatusCode.Created, created.ToString());
        var campaign = created.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _node.PublishAsync(campaign)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Put, $"/api/campaigns/{campaign}/files/bookings.csv", new ByteArrayContent(file))).Status);
        var execution = await RunAsync(campaign);
        Assert.Equal("completed", execution.GetProperty("state").GetString());
        var match = execution.GetProperty("activities").GetProperty("match");

        // Expected from the file as written: good rows of p0…p999 match (p5 twice), the good rows of p1000… do not.
        var good = Enumerable.Range(0, 2_000).Where(i => !bad.ContainsKey(i + 2L)).ToList();
        Assert.Equal(good.Count(i => i < 1_000) + 1, match.GetProperty("out").GetProperty("matched").GetInt64());
        Assert.Equal(good.Count(i => i >= 1_000), match.GetProperty("out").GetProperty("unmatched").GetInt64());

        // And against plain SQL over the node's database: the profiles whose email, case aside, is a loaded row's.
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT id FROM profiles WHERE lower(email) IN (SELECT lower(json_extract(row_values, '$.email')) FROM loaded_rows WHERE campaign = $campaign) ORDER BY id";
        select.Parameters.AddWithValue("$campaign", campaign);
        var expected = new List<long>();
        using (var reader = select.ExecuteReader())
            while (reader.Read())
                expected.Add(reader.GetInt64(0));
        using var audience = connection.CreateCommand();
        audience.CommandText = "SELECT size FROM audiences WHERE name = 'reconciled'";
        Assert.Equal(expected.Count, Convert.ToInt64(audience.ExecuteScalar()));
        var preview = (await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{campaign}/transitions/match/matched?limit=1000")).Body;
        Assert.Equal(expected.Take(1_000), preview.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()));
        var logs = (await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{campaign}/logs")).Body.ToString();
        Assert.Contains($"matched {expected.Count:N0} profiles; {good.Count(i => i >= 1_000):N0} rows matched none", logs);

        // The file's amount rides along: each profile's email says the amount of the row that matched it.
        var sent = File.ReadLines(Path.Combine(_dataDir, "outbox", "email.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(m => m.GetProperty("campaignId").GetString() == campaign).ToList();
        Assert.Equal(expected, sent.Select(m => m.GetProperty("profileId").GetInt64()).Order());
        foreach (var message in sent)
        {
            var profile = message.GetProperty("profileId").GetInt64();
            var i = profile == 99_999_999 ? 5 : (profile - 13) / 7_919;
            Assert.Contains($"Your booking: {(i * 37 % 1_000) + 0.25m}", message.ToString());
        }
    }

    [Fact]
    public async Task More_bad_lines_than_accepted_fail_the_load_saying_so_and_keep_the_rejects_read()
    {
        var campaign = await CreateAsync("""
            { "id": "load", "type": "loadFile", "file": "bookings.csv", "columns": { "email": "string", "amount": "number", "bookedOn": "date" },
              "onError": { "maxErrors": 10 } }
            """);
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Put, $"/api/campaigns/{campaign}/files/bookings.csv", new ByteArrayContent(Bookings().File))).Status);
        var execution = await RunAsync(campaign);
        Assert.Equal("failed", execution.GetProperty("state").GetString());
        Assert.Contains("more than onError.maxErrors (10)", Failure(execution));
        Assert.Contains("the first: line 5: amount:", Failure(execution));
        Assert.True((await RejectsAsync(campaign, execution)).Length - 1 >= 11);
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_with_413_and_nothing_is_stored()
    {
        var campaign = await CreateAsync("""{ "id": "load", "type": "loadFile", "file": "big.csv", "columns": { "email": "string" } }""");
        var (status, problem) = await _node.SendAsync(HttpMethod.Put, $"/api/campaigns/{campaign}/files/big.csv", new ByteArrayContent(new byte[MaxBytes + 1]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("larger than 300,000 bytes", problem.ToString());
        // Sent without a length up front (chunked): counted as it comes, refused all the same.
        var chunked = new StreamContent(new MemoryStream(new byte[MaxBytes * 2]));
        chunked.Headers.ContentLength = null;
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/campaigns/{campaign}/files/big.csv") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await _node.Http.SendAsync(request)).StatusCode);
        Assert.Equal(0, (await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{campaign}/files")).Body.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await _node.SendAsync(HttpMethod.Put, "/api/campaigns/nobody/files/a.csv", new ByteArrayContent([1]))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _node.SendAsync(HttpMethod.Put, $"/api/campaigns/{campaign}/files/..%2Fdata.db", new ByteArrayContent([1]))).Status);
        var execution = await RunAsync(campaign);
        Assert.Contains("the campaign has none of that name", Failure(execution));
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task A_path_outside_the_files_folder_is_refused_before_anything_is_read()
    {
        foreach (var (path, error) in new[] { ("../data.db", "'..' part"), ("/etc/passwd", "absolute"), ("in\\..\\..\\data.db", "'\\\\'"), ("a/./b.csv", "'.' or '..' part") })
        {
            var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", $$"""
                { "name": "Escape", "schedule": { "type": "signal" }, "activities": [
                    { "id": "load", "type": "loadFile", "path": {{JsonSerializer.Serialize(path)}}, "columns": { "email": "string" } }, { "id": "done", "type": "end" } ],
                  "transitions": [ { "from": "load", "to": "done" } ] }
                """);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("$.activities[0].path", body.ToString());
            Assert.Contains(error, body.ToString());
        }
        // A link inside the folder to a file outside it: refused when the activity runs, nothing read.
        File.CreateSymbolicLink(Path.Combine(FilesFolder, "linked.csv"), Path.Combine(_dataDir, "data.db"));
        var campaign = await CreateAsync("""{ "id": "load", "type": "loadFile", "path": "linked.csv", "columns": { "email": "string" } }""");
        var execution = await RunAsync(campaign);
        Assert.Equal("failed", execution.GetProperty("state").GetString());
        Assert.Contains("is a symbolic link", Failure(execution));
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Hostile_files_get_a_clear_error_each_and_the_node_stays_healthy()
    {
        // A JSON-lines file in the folder with a 10 MB line between good ones: that line rejected, the others loaded.
        Directory.CreateDirectory(Path.Combine(FilesFolder, "in"));
        await using (var file = File.Create(Path.Combine(FilesFolder, "in", "events.jsonl")))
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes("{\"email\": \"a@example.com\", \"amount\": 3}\n{\"email\": \""));
            await file.WriteAsync(Encoding.UTF8.GetBytes(new string('x', 10 * 1024 * 1024)));
            await file.WriteAsync(Encoding.UTF8.GetBytes("\"}\n[1, 2]\n{\"email\": {\"a\": 1}}\n{\"email\": \"b@example.com\", \"amount\": \"4.5\"}\nnot json\n"));
        }
        var campaign = await CreateAsync("""
            { "id": "load", "type": "loadFile", "path": "in/events.jsonl", "columns": { "email": "string", "amount": "number" }, "onError": { "maxErrors": 10 } }
            """);
        var execution = await RunAsync(campaign);
        Assert.Equal(2, execution.GetProperty("activities").GetProperty("load").GetProperty("out").GetProperty("out").GetInt64());
        var rejects = await RejectsAsync(campaign, execution);
        Assert.Equal(["line,reason", "2,\"is longer than 1,048,576 bytes\"", "3,\"is an array, not a JSON object\"", "4,\"email: an object is not a string\""],
            rejects[..4]);
        Assert.StartsWith("6,\"is not JSON", rejects[4]);

        // A CSV whose header has 10,000 columns: the load fails, saying why.
        var wide = await CreateAsync("""{ "id": "load", "type": "loadFile", "file": "wide.csv", "columns": { "c1": "string" } }""");
        var header = string.Join(',', Enumerable.Range(1, 10_000).Select(c => $"c{c}")) + "\n";
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Put, $"/api/campaigns/{wide}/files/wide.csv", new StringContent(header + "1\n"))).Status);
        var failed = await RunAsync(wide);
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("its header (line 1) is malformed: more than 1024 fields", Failure(failed));
        await AssertHealthyAsync();
    }
}

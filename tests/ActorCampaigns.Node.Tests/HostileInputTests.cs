using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// The hostile inputs and unlucky operations of issue 15, replayed against a node process, each answered as a user
/// expects: a located 400 for what validation can know, a message excluded as <c>renderError</c> with its reason for
/// what only rendering can, a stop that stops, and lists that answer whatever one campaign does.
/// </summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-hostile-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync()
    {
        _node = await NodeProcess.StartAsync(_dataDir);
        await ImportAsync(_node);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    /// <summary>Five profiles who take email; <c>loops</c> is what a template may loop over.</summary>
    private static async Task ImportAsync(NodeProcess node) =>
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, "/api/profiles/import",
            "id,email,emailOptIn,loops:int\n1,a@x.io,true,100000000\n2,b@x.io,true,100000000\n3,c@x.io,true,3\n4,d@x.io,true,100000000\n5,e@x.io,true,100000000\n",
            "text/csv")).Status);

    private static string Mailing(string html) => JsonSerializer.Serialize(new
    {
        name = "Hostile",
        activities = new object[]
        {
            new { id = "all", type = "buildAudience", filter = "" },
            new { id = "mail", type = "email", content = new { from = "shop@example.com", subject = "Hi", html } },
        },
        transitions = new[] { new { from = "all", to = "mail" } },
    });

    private async Task<JsonElement> RefusedAsync(HttpMethod method, string path, string body)
    {
        var watch = Stopwatch.StartNew();
        var (status, answer) = await _node.SendAsync(method, path, body);
        Assert.True(status == HttpStatusCode.BadRequest, $"{status}: {answer}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"answered in {watch.Elapsed}");
        return answer.GetProperty("errors");
    }

    private static void AssertError(JsonElement errors, string path, string message) =>
        Assert.Contains(errors.EnumerateArray(), e => e.GetProperty("path").GetString() == path && e.GetProperty("message").GetString()!.Contains(message));

    [Theory]
    [InlineData("{% for i in (1..100000000) %}x{% endfor %}", "has more than 10,000 items")]
    [InlineData("{% include '/etc/passwd' %}", "'{% include %}' is not supported")]
    public async Task Item_1_a_template_whose_cost_validation_can_see_is_refused_at_its_path(string html, string message) =>
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/campaigns", Mailing(html)), "$.activities[1].content.html", message);

    [Fact]
    public async Task Item_1_a_template_whose_cost_only_rendering_sees_excludes_its_messages_with_the_reason()
    {
        var watch = Stopwatch.StartNew();
        var campaign = await CampaignRuns.RunAsync(_node, Mailing("{% for i in (1..loops) %}x{% endfor %}"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"ran for {watch.Elapsed}");

        var mail = (await _node.StatusAsync(campaign)).GetProperty("executions")[0].GetProperty("activities").GetProperty("mail");
        Assert.Equal(1, mail.GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(4, mail.GetProperty("excluded").GetProperty("renderError").GetInt64());
        var log = (await _node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/logs")).GetProperty("lines");
        Assert.Contains(log.EnumerateArray(), l => l.GetProperty("activity").GetString() == "mail"
            && l.GetProperty("message").GetString()!.Contains("not rendered: the range (1..100000000) has more than 10,000 items"));
    }

    [Fact]
    public async Task Item_1_stop_and_pause_end_rendering_within_5_s_and_SIGTERM_ends_the_node_within_15_s()
    {
        // A node whose limits let a render run for an hour: only stop, pause and shutdown can end it.
        var dataDir = Directory.CreateTempSubdirectory("actorcampaigns-hostile-stop-").FullName;
        await using var node = await NodeProcess.StartAsync(dataDir,
            ("Rendering__MaxSteps", "2000000000"), ("Rendering__MaxCharacters", "2000000000"), ("Rendering__MaxTime", "01:00:00"));
        await ImportAsync(node);
        var html = "{% for a in (1..10000) %}{% for b in (1..10000) %}{% for c in (1..10000) %}{% endfor %}{% endfor %}{% endfor %}";
        var stopped = await StartRenderingAsync(node, html);
        var paused = await StartRenderingAsync(node, html);

        await EndsWithinAsync(node, stopped, "stop", "stopped");
        await EndsWithinAsync(node, paused, "pause", "paused");
        // Nothing renders any more: the node idles (a render left running would take a core, or what it gets of one).
        await Task.Delay(1_000);
        var cpu = node.CpuSeconds();
        await Task.Delay(3_000);
        Assert.True(node.CpuSeconds() - cpu < 1.5, $"the node used {node.CpuSeconds() - cpu:F1} s of CPU in 3 s after stop and pause: rendering went on");

        await StartRenderingAsync(node, html);
        await node.SignalAsync("TERM");
        Assert.True(await node.ExitCodeWithinAsync(TimeSpan.FromSeconds(15)) is not null, $"the node did not exit within 15 s of SIGTERM:\n{node.Log}");
        Directory.Delete(dataDir, recursive: true);
    }

    private static async Task EndsWithinAsync(NodeProcess node, string campaign, string command, string state)
    {
        var watch = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/{command}")).Status);
        while ((await node.StatusAsync(campaign)).GetProperty("executions")[0] is var execution
               && (execution.GetProperty("state").GetString() != state
                   || execution.GetProperty("activities").GetProperty("mail").GetProperty("state").GetString() == "running"))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{command}: the execution did not end rendering within 5 s: {execution}");
            await Task.Delay(50);
        }
    }

    /// <summary>Creates and publishes the campaign, and returns once its email activity renders.</summary>
    private static async Task<string> StartRenderingAsync(NodeProcess node, string html)
    {
        var (created, body) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", Mailing(html));
        Assert.Equal(HttpStatusCode.Created, created);
        var campaign = body.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await node.PublishAsync(campaign)).Status);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!((await node.StatusAsync(campaign)).GetProperty("executions") is { } executions && executions.GetArrayLength() > 0
                 && executions[0].GetProperty("activities").TryGetProperty("mail", out var mail) && mail.GetProperty("state").GetString() == "running"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the email activity did not start");
            await Task.Delay(50);
        }
        return campaign;
    }

    /// <summary>A campaign whose audience goes through a chain of <paramref name="forks"/> forks.</summary>
    private static string ForkChain(string name, int forks)
    {
        var activities = new List<object> { new { id = "all", type = "buildAudience", filter = "" } };
        var transitions = new List<object>();
        for (var i = 0; i < forks; i++)
        {
            activities.Add(new { id = $"f{i}", type = "fork" });
            transitions.Add(new { from = i == 0 ? "all" : $"f{i - 1}", to = $"f{i}" });
        }
        return JsonSerializer.Serialize(new { name, activities, transitions });
    }

    [Fact]
    public async Task Item_2_a_canvas_of_10001_activities_is_refused_at_once()
    {
        var errors = await RefusedAsync(HttpMethod.Post, "/api/campaigns", ForkChain("Huge", 10_000));
        AssertError(errors, "$.activities", "at most 500 activities, this one has 10,001");
    }

    [Fact]
    public async Task Item_2_lists_and_other_campaigns_answer_quickly_while_a_campaign_of_the_largest_canvas_runs()
    {
        var (created, body) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", ForkChain("Largest", 499));
        Assert.Equal(HttpStatusCode.Created, created);
        var largest = body.GetProperty("id").GetString()!;
        var other = await CampaignRuns.RunAsync(_node, Mailing("<p>Hi</p>"), "test");
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{largest}/test")).Status);

        var running = Stopwatch.StartNew();
        do
        {
            foreach (var path in new[] { "/api/campaigns", $"/api/campaigns/{other}/status", $"/api/campaigns/{largest}/status", "/operator/campaigns" })
            {
                var watch = Stopwatch.StartNew();
                var answer = await _node.Http.GetAsync(path);
                Assert.True(answer.IsSuccessStatusCode, $"{path}: {answer.StatusCode}");
                // Asking every campaign made a list wait 30 s for a busy one; reading summaries answers in milliseconds.
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{path} answered in {watch.Elapsed}");
            }
            Assert.True(running.Elapsed < TimeSpan.FromSeconds(60), "the test run of 500 activities took over 60 s");
            await Task.Delay(200);
        }
        while ((await _node.StatusAsync(largest)).GetProperty("executions")[0].GetProperty("state").GetString() != "completed");
    }

    [Fact]
    public async Task Item_3_a_like_pattern_of_50000_characters_is_a_located_400_in_validation_and_in_the_estimate()
    {
        var filter = $"email like '%{new string('a', 50_000)}%'";
        var document = Mailing("<p>Hi</p>").Replace("\"filter\":\"\"", $"\"filter\":\"{filter}\"");
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/campaigns", document), "$.activities[0].filter", "pattern is longer than");
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/audiences/estimate", JsonSerializer.Serialize(new { filter })), "$.filter", "pattern is longer than");
    }

    [Fact]
    public async Task Item_4_an_invalid_UTF8_byte_rejects_its_line_and_keeps_the_others()
    {
        var body = new ByteArrayContent([.. "id,email\n9101,ok1@x.com\n9102,"u8, 0xc3, 0x28, .. "@x.com\n9103,ok3@x.com\n"u8]);
        body.Headers.ContentType = new("text/csv");
        var (status, answer) = await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", body);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, answer.GetProperty("imported").GetInt32());
        Assert.Equal(3, answer.GetProperty("errors")[0].GetProperty("line").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await _node.Http.GetAsync("/api/profiles/9103")).StatusCode);

        var binary = new ByteArrayContent(Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());
        binary.Headers.ContentType = new("text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", binary)).Status);
    }

    [Fact]
    public async Task Item_5_a_complaint_for_a_message_never_sent_is_unknown_and_keeps_consent()
    {
        var (status, answer) = await _node.SendAsync(HttpMethod.Post, "/api/feedback", """[ { "messageId": "c-000000000000.e-9.zz.4", "event": "complaint" } ]""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, answer.GetProperty("unknown").GetInt32());
        Assert.True((await _node.Http.GetFromJsonAsync<JsonElement>("/api/profiles/4")).GetProperty("emailOptIn").GetBoolean());
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/feedback", """[ { "messageId": "c-000000000000.e-9.zz.4", "event": "bounced", "at": "9999-12-31T00:00:00Z" } ]"""),
            "$[0].at", "must not be in the future");
    }

    [Fact]
    public async Task Item_6_a_replace_of_no_campaign_leaves_nothing_in_the_list()
    {
        var (status, _) = await _node.SendAsync(HttpMethod.Put, "/api/campaigns/zzz", Mailing("<p>Hi</p>"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        var listed = await _node.Http.GetFromJsonAsync<JsonElement>("/api/campaigns");
        Assert.DoesNotContain(listed.EnumerateArray(), c => c.GetProperty("id").GetString() == "zzz");
    }

    [Fact]
    public async Task Item_6_a_lone_surrogate_and_a_key_given_twice_are_located_400s()
    {
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/campaigns", Mailing("<p>Hi</p>").Replace("\"Hostile\"", "\"Host\\ud800ile\"")),
            "$.name", "not valid Unicode");
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/campaigns", Mailing("<p>Hi</p>").Replace("\"filter\":\"\"", "\"filter\":\"\",\"filter\":\"nosuch = 1\"")),
            "$.activities[0].filter", "appears more than once");
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/campaigns", "{\"name\": \"x\", \"activities\": [" + new string('[', 40) + new string(']', 40) + "]}"),
            "$.activities[0]" + string.Concat(Enumerable.Repeat("[0]", 30)), "depth of 32");
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/feedback", """[ { "messageId": "c-1.e-1.mail.1", "event": "delivered", "event": "bounced" } ]"""),
            "$[0].event", "appears more than once");
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/feedback", """[ { "messageId": "c-1.e-1.mail.1", "event": "delivered" }, { "messageId": tru } ]"""),
            "$[1].messageId", "line 1");
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/campaigns/c-0000000000/trigger", """{ "variables": { "code": [1] } }"""),
            "$.variables.code", "a variable is a string, a number or a bool");
        AssertError(await RefusedAsync(HttpMethod.Post, "/api/audiences/estimate", """{ "filter": "\udc00" }"""), "$.filter", "not valid Unicode");

        var notUtf8 = new ByteArrayContent([.. Encoding.UTF8.GetBytes(Mailing("<p>Hi</p>").Replace("Hostile", "Host")), 0xc3, 0x28]);
        notUtf8.Headers.ContentType = new("application/json");
        var (status, answer) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", notUtf8);
        Assert.True(status == HttpStatusCode.BadRequest && answer.GetProperty("errors")[0].GetProperty("message").GetString()!.Contains("not valid UTF-8"), $"{status}: {answer}");
        var (tooLarge, _) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", new string(' ', 5 << 20));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
        Assert.DoesNotContain((await _node.Http.GetFromJsonAsync<JsonElement>("/api/campaigns")).EnumerateArray(), c => c.GetProperty("name").GetString() == "Host");
    }
}

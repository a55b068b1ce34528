using System.Text.Json;
using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.TestSupport;

namespace ActorCampaigns.Channels.Tests;

public sealed class OutboxProviderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-outbox-").FullName;

    public static List<OutboundMessage> Messages(int count, int first = 1) => Enumerable.Range(first, count).Select(p => new OutboundMessage(
        OutboundMessage.IdFor("c-1", "e-1", "mail", p), "c-1", "e-1", "mail", p, $"p{p}@example.com",
        [new("subject", $"Hi \"{p}\"\n"), new("html", "<p>é</p>")])).ToList();

    private List<JsonElement> Lines(string channel) =>
        File.ReadAllLines(Path.Combine(_folder, $"{channel}.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public async Task Each_message_is_one_json_line_with_its_ids_address_and_content()
    {
        var outbox = new OutboxProvider(_folder);
        await outbox.AppendAsync("email", Messages(3), retryFrom: null);
        var lines = Lines("email");
        Assert.Equal(3, lines.Count);
        Assert.Equal("c-1.e-1.mail.2", lines[1].GetProperty("messageId").GetString());
        Assert.Equal(2, lines[1].GetProperty("profileId").GetInt64());
        Assert.Equal(("p2@example.com", "Hi \"2\"\n", "<p>é</p>"),
            (lines[1].GetProperty("to").GetString(), lines[1].GetProperty("subject").GetString(), lines[1].GetProperty("html").GetString()));
        Assert.Equal(("c-1", "e-1", "mail"), (lines[0].GetProperty("campaignId").GetString(), lines[0].GetProperty("executionId").GetString(),
            lines[0].GetProperty("activityId").GetString()));
        Assert.False(File.Exists(outbox.PathOf("sms")));
    }

    [Fact]
    public async Task A_retry_appends_only_what_is_missing_after_the_noted_offset()
    {
        var outbox = new OutboxProvider(_folder);
        await outbox.AppendAsync("email", Messages(2, first: 100), retryFrom: null);
        var offset = await outbox.EndAsync("email");
        await outbox.AppendAsync("email", Messages(3), retryFrom: null);
        await outbox.AppendAsync("email", Messages(5), retryFrom: offset);
        Assert.Equal([100L, 101, 1, 2, 3, 4, 5], Lines("email").Select(l => l.GetProperty("profileId").GetInt64()));
    }

    [Fact]
    public async Task An_unfinished_last_line_left_by_a_crash_is_dropped()
    {
        var path = Path.Combine(_folder, "email.jsonl");
        await File.WriteAllTextAsync(path, "{\"messageId\":\"c-1.e-1.mail.1\",\"profileId\":1}\n{\"messageId\":\"c-1.e-1.ma");
        var outbox = new OutboxProvider(_folder);
        await outbox.AppendAsync("email", Messages(2), retryFrom: 0);
        Assert.Equal([1L, 2], Lines("email").Select(l => l.GetProperty("profileId").GetInt64()));
    }

    [Fact]
    public async Task An_append_refused_by_a_full_disk_leaves_no_part_of_its_batch_and_its_retry_appends_it_once()
    {
        using var disk = new SmallDisk(megabytes: 1);
        var outbox = new OutboxProvider(disk.Path);
        await outbox.AppendAsync("email", Messages(2, first: 100), retryFrom: null);
        var offset = await outbox.EndAsync("email");
        disk.Fill(leaveBytes: 64 << 10);

        await Assert.ThrowsAsync<IOException>(() => outbox.AppendAsync("email", Messages(2_000), retryFrom: null));
        Assert.Equal(offset, await outbox.EndAsync("email"));

        disk.GiveBack();
        await outbox.AppendAsync("email", Messages(2_000), retryFrom: offset);
        var lines = File.ReadAllLines(outbox.PathOf("email")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("profileId").GetInt64());
        Assert.Equal(new long[] { 100, 101 }.Concat(Enumerable.Range(1, 2_000).Select(p => (long)p)), lines);
    }

    [Fact]
    public async Task The_end_a_claim_notes_is_taken_after_a_line_torn_by_a_crash_is_dropped()
    {
        await new OutboxProvider(_folder).AppendAsync("email", Messages(2), retryFrom: null);
        var whole = new FileInfo(Path.Combine(_folder, "email.jsonl")).Length;
        await File.AppendAllTextAsync(Path.Combine(_folder, "email.jsonl"), "{\"messageId\":\"c-1.e-1.mail.3\",\"pro");

        // The node restarted: the first claim notes where the next batch will really start.
        var restarted = new OutboxProvider(_folder);
        var offset = await restarted.EndAsync("email");
        Assert.Equal(whole, offset);
        await restarted.AppendAsync("email", Messages(2, first: 3), retryFrom: null);
        // Retried from that offset, as after a second crash: the batch's lines are found, none written twice.
        await restarted.AppendAsync("email", Messages(2, first: 3), retryFrom: offset);
        Assert.Equal([1L, 2, 3, 4], Lines("email").Select(l => l.GetProperty("profileId").GetInt64()));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

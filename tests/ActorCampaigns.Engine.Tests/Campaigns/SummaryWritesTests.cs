using ActorCampaigns.Engine.Campaigns;
using Akka.Actor;

namespace ActorCampaigns.Engine.Tests.Campaigns;

public class SummaryWritesTests
{
    private static readonly IActorRef Client = ActorRefs.Nobody;

    [Fact]
    public void A_reply_waits_for_a_write_that_started_after_it_not_for_one_already_in_progress()
    {
        var writes = new SummaryWrites();
        Assert.True(writes.Start());
        writes.ReplyAfterNextWrite(Client, "published");
        Assert.False(writes.Start());

        var (first, again) = writes.Ended(failed: false);
        Assert.Empty(first);
        Assert.True(again);

        Assert.True(writes.Start());
        Assert.Equal(["published"], writes.Ended(failed: false).Released.Select(r => r.Reply));
    }

    [Fact]
    public void A_failed_write_releases_its_replies_and_asks_to_be_written_again()
    {
        var writes = new SummaryWrites();
        writes.ReplyAfterNextWrite(Client, "paused");
        Assert.True(writes.Start());

        var (released, again) = writes.Ended(failed: true);
        Assert.Equal(["paused"], released.Select(r => r.Reply));
        Assert.True(again);
        Assert.True(writes.Start());
        Assert.False(writes.Ended(failed: false).WriteAgain);
    }

    [Fact]
    public void Replies_held_when_the_campaign_stops_are_all_given_back_once()
    {
        var writes = new SummaryWrites();
        writes.ReplyAfterNextWrite(Client, "stopped");
        writes.Start();
        writes.ReplyAfterNextWrite(Client, "resumed");

        Assert.Equal(["stopped", "resumed"], writes.TakeAll().Select(r => r.Reply));
        Assert.Empty(writes.TakeAll());
        Assert.Empty(writes.Ended(failed: false).Released);
    }
}

using ActorCampaigns.Engine.Campaigns;
using Akka.Actor;
using Akka.Hosting;

namespace ActorCampaigns.Engine.Tests.Campaigns;

public sealed class ExecutionSlotsTests(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(nameof(ExecutionSlotsTests), output)
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    private static readonly TimeSpan IdleAfter = TimeSpan.FromMilliseconds(100);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IActorRef Slots(int capacity, Action? idle = null) => Sys.ActorOf(ExecutionSlots.Props(new ExecutionSlots.Settings(capacity, idle, IdleAfter)));

    private static Task<ExecutionSlots.Load> LoadAsync(IActorRef slots) =>
        slots.Ask<ExecutionSlots.Load>(ExecutionSlots.GetLoad.Instance, TimeSpan.FromSeconds(5), Cancel);

    [Fact]
    public async Task The_node_is_idle_once_the_last_running_execution_gives_its_slot_back_and_nothing_runs_for_a_while()
    {
        var idle = 0;
        var slots = Slots(1, () => Interlocked.Increment(ref idle));
        var (first, second) = (CreateTestProbe(), CreateTestProbe());
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-1")), first.Ref);
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-2")), second.Ref);
        first.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: Cancel);
        Assert.Equal(new ExecutionSlots.Load(1, 1), await LoadAsync(slots));

        slots.Tell(new ExecutionSlots.Release(new ExecutionId("e-1")), first.Ref);
        second.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: Cancel);
        await Task.Delay(IdleAfter * 3, Cancel);
        Assert.Equal(0, idle); // the waiting execution took the slot at once

        slots.Tell(new ExecutionSlots.Release(new ExecutionId("e-2")), second.Ref);
        slots.Tell(new ExecutionSlots.Release(new ExecutionId("e-2")), second.Ref); // a slot given back twice does not make the node idle twice
        await AwaitConditionAsync(() => Task.FromResult(Volatile.Read(ref idle) == 1), cancellationToken: Cancel);
        await Task.Delay(IdleAfter * 3, Cancel);
        Assert.Equal(1, idle);
        Assert.Equal(new ExecutionSlots.Load(0, 0), await LoadAsync(slots));
    }

    [Fact]
    public async Task A_node_that_runs_again_within_the_pause_is_not_idle()
    {
        var idle = 0;
        var slots = Slots(1, () => Interlocked.Increment(ref idle));
        var campaign = CreateTestProbe();
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-1")), campaign.Ref);
        campaign.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: Cancel);
        // An activity hands over to the next: the slot goes back and is asked for again at once.
        slots.Tell(new ExecutionSlots.Release(new ExecutionId("e-1")), campaign.Ref);
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-1")), campaign.Ref);
        campaign.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: Cancel);
        slots.Tell(new ExecutionSlots.Release(new ExecutionId("e-1")), campaign.Ref);
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-1")), campaign.Ref);
        await Task.Delay(IdleAfter * 3, Cancel);
        Assert.Equal(0, idle);
    }

    [Fact]
    public async Task Slots_go_first_come_first_served_and_a_campaign_that_stops_gives_back_what_it_held_and_asked()
    {
        var slots = Slots(2);
        var (first, second, third) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-1")), first.Ref);
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-2")), first.Ref);
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-2")), first.Ref); // asked twice, granted once
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-1")), second.Ref);
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-3")), first.Ref);
        slots.Tell(new ExecutionSlots.Request(new ExecutionId("e-1")), third.Ref);
        Assert.Equal(new[] { "e-1", "e-2" }, new[]
        {
            first.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: Cancel).Execution.Value,
            first.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: Cancel).Execution.Value,
        });
        Assert.Equal(new ExecutionSlots.Load(2, 3), await LoadAsync(slots));

        // The first campaign stops (passivated, moved, failed): its two slots go to the next in line, its request is dropped.
        Sys.Stop(first.Ref);
        second.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: Cancel);
        third.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: Cancel);
        Assert.Equal(new ExecutionSlots.Load(2, 0), await LoadAsync(slots));
    }
}

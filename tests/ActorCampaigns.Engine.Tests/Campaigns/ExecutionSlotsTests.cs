using ActorCampaigns.Engine.Campaigns;
using Akka.Hosting;

namespace ActorCampaigns.Engine.Tests.Campaigns;

public sealed class ExecutionSlotsTests(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(nameof(ExecutionSlotsTests), output)
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    private static readonly TimeSpan IdleAfter = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task The_node_is_idle_once_the_last_running_execution_gives_its_slot_back_and_nothing_runs_for_a_while()
    {
        var idle = 0;
        var slots = new ExecutionSlots(1, () => Interlocked.Increment(ref idle), IdleAfter);
        var (first, second) = (CreateTestProbe(), CreateTestProbe());
        slots.Request(first.Ref, new ExecutionId("e-1"));
        slots.Request(second.Ref, new ExecutionId("e-2"));
        first.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: TestContext.Current.CancellationToken);

        slots.Release(first.Ref, new ExecutionId("e-1"));
        second.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: TestContext.Current.CancellationToken);
        await Task.Delay(IdleAfter * 3, TestContext.Current.CancellationToken);
        Assert.Equal(0, idle); // the waiting execution took the slot at once

        slots.Release(second.Ref, new ExecutionId("e-2"));
        slots.Release(second.Ref, new ExecutionId("e-2")); // a slot given back twice does not make the node idle twice
        await AwaitConditionAsync(() => Task.FromResult(Volatile.Read(ref idle) == 1), cancellationToken: TestContext.Current.CancellationToken);
        await Task.Delay(IdleAfter * 3, TestContext.Current.CancellationToken);
        Assert.Equal(1, idle);
        Assert.Equal((0, 0), slots.Load);
    }

    [Fact]
    public async Task A_node_that_runs_again_within_the_pause_is_not_idle()
    {
        var idle = 0;
        var slots = new ExecutionSlots(1, () => Interlocked.Increment(ref idle), IdleAfter);
        var campaign = CreateTestProbe();
        slots.Request(campaign.Ref, new ExecutionId("e-1"));
        campaign.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: TestContext.Current.CancellationToken);
        // An activity hands over to the next: the slot goes back and is asked for again at once.
        slots.Release(campaign.Ref, new ExecutionId("e-1"));
        slots.Request(campaign.Ref, new ExecutionId("e-1"));
        campaign.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: TestContext.Current.CancellationToken);
        slots.Release(campaign.Ref, new ExecutionId("e-1"));
        slots.Request(campaign.Ref, new ExecutionId("e-1"));
        await Task.Delay(IdleAfter * 3, TestContext.Current.CancellationToken);
        Assert.Equal(0, idle);
    }
}

using ActorCampaigns.Engine.Campaigns;
using Akka.Hosting;

namespace ActorCampaigns.Engine.Tests.Campaigns;

public sealed class ExecutionSlotsTests(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(nameof(ExecutionSlotsTests), output)
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    [Fact]
    public void The_node_is_idle_once_the_last_running_execution_gives_its_slot_back_and_not_before()
    {
        var idle = 0;
        var slots = new ExecutionSlots(1, () => idle++);
        var (first, second) = (CreateTestProbe(), CreateTestProbe());
        slots.Request(first.Ref, new ExecutionId("e-1"));
        slots.Request(second.Ref, new ExecutionId("e-2"));
        first.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: TestContext.Current.CancellationToken);

        slots.Release(first.Ref, new ExecutionId("e-1"));
        second.ExpectMsg<ExecutionSlots.Granted>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, idle); // the waiting execution took the slot at once

        slots.Release(second.Ref, new ExecutionId("e-2"));
        Assert.Equal(1, idle);
        slots.Release(second.Ref, new ExecutionId("e-2")); // a slot given back twice does not make the node idle twice
        Assert.Equal(1, idle);
        Assert.Equal((0, 0), slots.Load);
    }
}

using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>The saved audience's profiles; an audience never saved fails the activity with what to do.</summary>
public sealed class ReadAudienceStage : ActivityStage<ReadAudienceActivity>
{
    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, ReadAudienceActivity read, long input,
        CancellationToken cancellationToken)
    {
        if (!await runner.Services.Audiences.ExistsAsync(read.Audience, cancellationToken))
            throw new InvalidOperationException($"no audience '{read.Audience}': save it with a saveAudience activity first");
        return Source.From(() => runner.Services.Audiences.ReadAsync(read.Audience, cancellationToken)).Select(ids => new PortBatch(Transition.DefaultPort, ids));
    }
}

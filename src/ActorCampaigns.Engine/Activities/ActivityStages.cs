using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Activities;

/// <summary>The stage of each kind of activity (<see cref="ActivityKinds"/> has their document side): one line each.</summary>
public static class ActivityStages
{
    public static IReadOnlyList<ActivityStage> All { get; } =
    [
        new BuildAudienceStage(),
        new IncrementalQueryStage(),
        new LoadFileStage(),
        new ReconciliationStage(),
        new ChangeDimensionStage(),
        new ReadAudienceStage(),
        new CombineStage(),
        new DeduplicateStage(),
        new EnrichStage(),
        new SplitStage(),
        new SaveAudienceStage(),
        new WaitStage(),
        new ForkStage(),
        new AndJoinStage(),
        new TestStage(),
        new ExperimentStage(),
        new EndStage(),
        new EmailStage(),
        new SmsStage(),
        new PushStage(),
        new AlertStage(),
    ];

    private static readonly Dictionary<Type, ActivityStage> ByRecord = All.ToDictionary(s => s.Record);

    public static ActivityStage Of(Activity activity) =>
        ByRecord.TryGetValue(activity.GetType(), out var stage)
            ? stage
            : throw new NotSupportedException($"activity type {activity.GetType().Name} ('{activity.Id}') has no stage");
}

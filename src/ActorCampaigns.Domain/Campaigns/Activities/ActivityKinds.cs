using System.Text.Json.Serialization.Metadata;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// The kinds of activity a campaign document may hold: one line each. A kind is added by writing its folder (its
/// record and <see cref="ActivityKind"/> here, its stage in the engine) and registering both.
/// </summary>
public static class ActivityKinds
{
    public static IReadOnlyList<ActivityKind> All { get; } =
    [
        new BuildAudienceKind(),
        new IncrementalQueryKind(),
        new LoadFileKind(),
        new ReadAudienceKind(),
        new CombineKind(),
        new DeduplicateKind(),
        new ReconciliationKind(),
        new ChangeDimensionKind(),
        new EnrichKind(),
        new SplitKind(),
        new SaveAudienceKind(),
        new WaitKind(),
        new ForkKind(),
        new AndJoinKind(),
        new TestKind(),
        new ExperimentKind(),
        new EndKind(),
        new EmailKind(),
        new SmsKind(),
        new PushKind(),
        new AlertKind(),
    ];

    private static readonly Dictionary<string, ActivityKind> ByType = All.ToDictionary(k => k.Type, StringComparer.Ordinal);

    private static readonly Dictionary<Type, ActivityKind> ByRecord = All.ToDictionary(k => k.Record);

    public static ActivityKind? Find(string type) => ByType.GetValueOrDefault(type);

    public static ActivityKind Of(Activity activity) => ByRecord[activity.GetType()];

    /// <summary>The types, as an error message lists them.</summary>
    public static string Known => string.Join(", ", All.Select(k => k.Type));

    /// <summary>Writes and reads an <see cref="Activity"/> as its kind's record, named by <c>type</c> (a modifier of <see cref="CampaignJson.Options"/>).</summary>
    public static void Polymorphism(JsonTypeInfo info)
    {
        if (info.Type != typeof(Activity))
            return;
        info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "type" };
        foreach (var kind in All)
            info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(kind.Record, kind.Type));
    }
}

namespace ActorCampaigns.Channels;

/// <summary>
/// One rendered message to one profile. <see cref="MessageId"/> is derived from (campaign, execution, activity,
/// profile), so a message re-sent after a crash carries the same id and providers can drop the repeat.
/// </summary>
public sealed record OutboundMessage(
    string MessageId, string CampaignId, string ExecutionId, string ActivityId, long ProfileId, string To,
    IReadOnlyList<KeyValuePair<string, string>> Content)
{
    public static string IdFor(string campaign, string execution, string activity, long profile) =>
        $"{campaign}.{execution}.{activity}.{profile}";
}

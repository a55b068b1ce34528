namespace ActorCampaigns.Engine.Campaigns;

/// <summary>The id of a campaign; also its shard entity id and, as <c>campaign-{id}</c>, its persistence id.</summary>
public sealed record CampaignId(string Value)
{
    public override string ToString() => Value;
}

/// <summary>One run of a campaign's canvas (<c>e-1</c>, <c>e-2</c>, ...), in test or live mode.</summary>
public sealed record ExecutionId(string Value)
{
    public static ExecutionId Number(int n) => new($"e-{n}");

    public override string ToString() => Value;
}

/// <summary>Every campaign message carries the id the shard extractor routes by.</summary>
public interface IWithCampaignId
{
    CampaignId Id { get; }
}

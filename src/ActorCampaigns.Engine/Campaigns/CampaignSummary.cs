using System.Text.Json;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// What lists of campaigns show of one: its status, where it runs and how far its latest execution has got. The
/// campaign writes it to the campaign index as it changes, so a list reads one table and never waits on a campaign
/// that is busy (a list that asked every campaign waited on the slowest).
/// </summary>
public sealed record CampaignSummary(string Id, string? Name, string Status, string? Schedule, string? Node, int Executions, LatestExecution? Latest)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static CampaignSummary Of(CampaignState state)
    {
        var latest = state.Executions.FirstOrDefault();
        return new CampaignSummary(state.Id.Value, state.Document?.Name, CampaignState.Name(state.Status),
            state.Document?.Schedule.GetType().Name.Replace("Schedule", "").ToLowerInvariant(), state.Node, state.Executions.Count,
            latest is null ? null : new LatestExecution(latest.Id.Value, latest.Mode.ToString().ToLowerInvariant(), latest.State.ToString().ToLowerInvariant(),
                latest.StartedAt, latest.FinishedAt, ExecutionFigures.Of(state.Document, latest)));
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static CampaignSummary? FromJson(string json) => JsonSerializer.Deserialize<CampaignSummary>(json, Json);
}

/// <summary>A campaign's latest execution, in figures.</summary>
public sealed record LatestExecution(string Id, string Mode, string State, DateTime StartedAt, DateTime? FinishedAt, ExecutionFigures Figures);

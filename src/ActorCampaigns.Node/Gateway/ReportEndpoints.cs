using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Node.Reports;
using Akka.Hosting;

namespace ActorCampaigns.Node.Gateway;

public static class ReportEndpoints
{
    /// <summary><c>GET /api/campaigns/{id}/report</c>, JSON, or CSV with <c>?format=csv</c>.</summary>
    public static void MapReportEndpoints(this WebApplication app) =>
        app.MapGet("/api/campaigns/{id}/report", async (string id, string? format, EngineServices services, IRequiredActor<CampaignRegion> region,
            CancellationToken cancel) =>
        {
            if (format is not (null or "json" or "csv"))
                return Problems.Invalid("format must be json or csv", [new { parameter = "format", message = $"'{format}' is not json or csv" }]);
            var state = await CampaignEndpoints.StateAsync(region, id, cancel);
            if (state.Document is null)
                return Problems.NotFound($"no campaign '{id}'");
            var report = await CampaignReport.ReadAsync(state, services, cancel);
            return format == "csv"
                ? Results.File(System.Text.Encoding.UTF8.GetBytes(report.ToCsv()), "text/csv; charset=utf-8", $"{id}-report.csv")
                : Results.Ok(report.ToJson());
        }).WithTags("campaigns").WithSummary("Gets the campaign's report per channel activity and in total; ?format=csv for CSV")
            .Answers(StatusCodes.Status200OK, 400, 404);
}

using System.Text.Json.Nodes;
using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// A campaign's versions (each document it had, with who gave it and when) and the structural difference between two:
/// activities added, removed and changed field by field, transitions added and removed, name, schedule, variables.
/// </summary>
public static class VersionEndpoints
{
    public static void MapVersionEndpoints(this WebApplication app)
    {
        var campaigns = app.MapGroup("/api/campaigns").WithTags("campaigns");
        campaigns.MapGet("/{id}/versions", async (string id, CampaignVersions versions, CancellationToken cancel) =>
        {
            var all = await versions.ListAsync(id, cancel);
            return all.Count == 0
                ? Problems.NotFound($"no version of campaign '{id}'")
                : Results.Ok(all.Select(v =>
                {
                    var document = CampaignFormat.Read(v.Document);
                    return new { version = v.Number, at = v.At, actor = v.Actor, name = document.Name, activities = document.Activities.Count };
                }));
        }).WithSummary("Lists every document the campaign had, oldest first: version, when, who (the id of their key), name").Answers(StatusCodes.Status200OK, 404);
        campaigns.MapGet("/{id}/versions/{version:int}", async (string id, int version, CampaignVersions versions, CancellationToken cancel) =>
            (await versions.ListAsync(id, cancel)).FirstOrDefault(v => v.Number == version) is { } found
                ? Results.Text(found.Document, "application/json")
                : Problems.NotFound($"campaign '{id}' has no version {version}"))
            .WithSummary("The campaign's document as it was at a version").Answers(StatusCodes.Status200OK, 404);
        campaigns.MapGet("/{id}/diff", async (string id, int? from, int? to, CampaignVersions versions, CancellationToken cancel) =>
        {
            var all = await versions.ListAsync(id, cancel);
            if (all.Count == 0)
                return Problems.NotFound($"no version of campaign '{id}'");
            // By default, what the last change changed.
            var (newer, older) = (to ?? all[^1].Number, from ?? (to ?? all[^1].Number) - 1);
            var (before, after) = (all.FirstOrDefault(v => v.Number == older), all.FirstOrDefault(v => v.Number == newer));
            if (before is null || after is null)
                return Problems.NotFound($"campaign '{id}' has versions 1 to {all[^1].Number}; no version {(before is null ? older : newer)}");
            var diff = CampaignDiff.Between(CampaignFormat.Read(before.Document), CampaignFormat.Read(after.Document));
            return Results.Ok(new
            {
                from = new { version = before.Number, at = before.At, actor = before.Actor },
                to = new { version = after.Number, at = after.At, actor = after.Actor },
                activitiesAdded = diff.ActivitiesAdded,
                activitiesRemoved = diff.ActivitiesRemoved,
                activitiesChanged = diff.ActivitiesChanged.Select(c => new { id = c.Id, type = c.Type, fields = Fields(c.Fields) }),
                transitionsAdded = diff.TransitionsAdded.Select(t => new { from = t.From, port = t.Port, to = t.To }),
                transitionsRemoved = diff.TransitionsRemoved.Select(t => new { from = t.From, port = t.Port, to = t.To }),
                document = Fields(diff.Document),
            });
        }).WithSummary("What changed between two versions (?from=N&to=M; default: the last change): activities, parameters, transitions, schedule")
            .Answers(StatusCodes.Status200OK, 404);
    }

    private static IEnumerable<object> Fields(IEnumerable<FieldChange> fields) =>
        fields.Select(f => new { field = f.Field, before = (JsonNode?)f.Before, after = (JsonNode?)f.After });
}

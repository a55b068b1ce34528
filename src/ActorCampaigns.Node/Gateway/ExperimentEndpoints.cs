using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Hosting;
using Akka.Hosting;

namespace ActorCampaigns.Node.Gateway;

/// <summary>An operator's hand on an experiment: forcing its winner before the window is over, with a reason, logged with their key.</summary>
public static class ExperimentEndpoints
{
    public const int MaxReasonCharacters = 500;

    public static void MapExperimentEndpoints(this WebApplication app)
    {
        app.MapPost("/api/campaigns/{id}/experiments/{activity}/winner", async (string id, string activity, HttpRequest request,
            IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var (body, problem) = await JsonBody.ReadAsync(request, "winner body", cancel);
            if (body is null)
                return problem!;
            string? arm, reason;
            using (body)
            {
                var root = body.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    return WinnerProblem("$", "must be an object { \"arm\": \"b\", \"reason\": \"...\" }");
                arm = root.TryGetProperty("arm", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()?.Trim() : null;
                if (root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n is not ("arm" or "reason")) is { } unknown)
                    return WinnerProblem($"$.{unknown}", $"unknown field '{unknown}' (a winner has arm and reason)");
            }
            if (string.IsNullOrEmpty(arm))
                return WinnerProblem("$.arm", "is required: the name of the arm that wins");
            if (string.IsNullOrEmpty(reason))
                return WinnerProblem("$.reason", "is required: why the winner is forced, for the log");
            if (reason.Length > MaxReasonCharacters)
                return WinnerProblem("$.reason", $"has {reason.Length:N0} characters, more than {MaxReasonCharacters}");
            return await CampaignEndpoints.AskAsync(region, new CampaignCommands.ForceWinner(new CampaignId(id), activity, arm, reason, KeyOf(request)), cancel,
                async accepted =>
                {
                    // The reply names the execution decided; an earlier decision (the automatic one, just before) names none.
                    var state = await CampaignEndpoints.StateAsync(region, id, cancel);
                    var decision = accepted.Execution is { } decided ? state.Execution(decided)?.Activities.GetValueOrDefault(activity)?.Decision : null;
                    return decision is null
                        ? Problems.Rejected(new CampaignReplies.Rejected(new CampaignId(id), RejectionKind.Conflict,
                            $"experiment '{activity}' had already decided"))
                        : Results.Ok(new { id, activity, execution = accepted.Execution!.Value, decision = JsonDocument.Parse(decision).RootElement.Clone() });
                });
        }).WithTags("campaigns").WithSummary("Forces an experiment's winner in its execution waiting for a decision; the held-back profiles go down its path")
            .ReadsBody("application/json", "{ \"arm\": \"b\", \"reason\": \"why, for the log\" }")
            .Answers(StatusCodes.Status200OK, 400, 404, 409);
    }

    /// <summary>
    /// Who asked, for the log: the first 12 hex digits of the SHA-256 of the bearer key presented (never the key
    /// itself), or <c>no key</c> when the node asks for none.
    /// </summary>
    public static string KeyOf(HttpRequest request) => BearerKeys.Presented(request) is { } key
        ? $"key {Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12]}"
        : "no key";

    private static IResult WinnerProblem(string path, string message) =>
        Problems.Invalid("the winner body must be { \"arm\": \"b\", \"reason\": \"...\" }", [new { path, message }]);
}

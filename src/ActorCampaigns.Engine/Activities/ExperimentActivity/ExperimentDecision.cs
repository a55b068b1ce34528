using System.Text.Json;
using System.Text.Json.Serialization;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// One arm's figures at the decision: its profiles, those sent a message (<paramref name="Reached"/>), those among them
/// who opened, clicked or converted in the window (<paramref name="Successes"/>), their rate with its 95 % credible
/// interval, and the probability it is the best arm.
/// </summary>
public sealed record ArmFigures(string Name, long Profiles, long Reached, long Successes, double Rate, double Low, double High, double ProbabilityToBeBest);

/// <summary>
/// What an experiment decided, journaled with its execution (<c>ExperimentDecided</c>): the winning arm, why
/// (<c>best</c>: its probability reached the threshold; <c>fallback</c>: none did, or an arm had too few profiles;
/// <c>forced</c>: an operator chose it, with their key and reason), the held-back profiles that leave by its port, and
/// every arm's figures as they stood. Applied as it is by every later run: a rerun never decides again.
/// </summary>
public sealed record ExperimentDecision(
    string Winner,
    string Reason,
    string Explanation,
    DateTime DecidedAt,
    string Metric,
    long HeldBack,
    IReadOnlyList<ArmFigures> Arms,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ForcedBy = null)
{
    public const string Best = "best";
    public const string Fallback = "fallback";
    public const string Forced = "forced";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ExperimentDecision Parse(string json) =>
        JsonSerializer.Deserialize<ExperimentDecision>(json, Json) ?? throw new JsonException("an experiment's decision is null");

    /// <summary>
    /// The decision over the arms' outcomes: the arm whose probability to be best reaches the experiment's threshold,
    /// else the fallback; the fallback too when an arm reached fewer profiles than its minimum; or the
    /// <paramref name="forced"/> arm, with who forced it and why.
    /// </summary>
    public static ExperimentDecision Decide(ExperimentActivity experiment, IReadOnlyList<(string Arm, long Profiles, long Reached, long Successes)> outcomes,
        long heldBack, DateTime now, (string Arm, string By, string Why)? forced = null)
    {
        var posteriors = BetaPosteriors.Of(outcomes.Select(o => (o.Successes, o.Reached)).ToList());
        var arms = outcomes.Select((o, i) => new ArmFigures(o.Arm, o.Profiles, o.Reached, o.Successes, o.Reached == 0 ? 0 : (double)o.Successes / o.Reached,
            posteriors[i].Low, posteriors[i].High, posteriors[i].ProbabilityToBeBest)).ToList();
        var metric = experiment.Metric.ToString().ToLowerInvariant();
        if (forced is { } chosen)
            return new ExperimentDecision(chosen.Arm, Forced, chosen.Why, now, metric, heldBack, arms, chosen.By);
        var tooFew = arms.Where(a => a.Reached < experiment.MinimumPerArm).ToList();
        if (tooFew.Count > 0)
            return new ExperimentDecision(experiment.Fallback, Fallback,
                $"{string.Join(", ", tooFew.Select(a => $"arm '{a.Name}' reached {a.Reached}"))}, fewer than the minimum of {experiment.MinimumPerArm} per arm",
                now, metric, heldBack, arms);
        var best = arms.MaxBy(a => a.ProbabilityToBeBest)!;
        return best.ProbabilityToBeBest >= experiment.ProbabilityToBeBest
            ? new ExperimentDecision(best.Name, Best, $"arm '{best.Name}' is the best with probability {best.ProbabilityToBeBest:0.###} " +
                $"(threshold {experiment.ProbabilityToBeBest:0.###})", now, metric, heldBack, arms)
            : new ExperimentDecision(experiment.Fallback, Fallback, $"no arm is the best with probability {experiment.ProbabilityToBeBest:0.###} or more " +
                $"(the most probable, '{best.Name}', has {best.ProbabilityToBeBest:0.###})", now, metric, heldBack, arms);
    }
}

using ActorCampaigns.Data.Experiments;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Time;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Engine.Activities;

/// <summary>When an experiment of an execution decides, and the figures it decides on.</summary>
public static class ExperimentFigures
{
    /// <summary>
    /// When the experiment decides: its window after the last of its arms' paths is done (the arms' messages all
    /// sent); null while an activity on them is not done, once decided, and in an execution that is not a live one
    /// running (a test decides nothing; a stopped execution never will).
    /// </summary>
    public static DateTime? DueAt(CampaignDocument document, ExecutionView execution, ExperimentActivity experiment)
    {
        // An execution of an older version of a draft may not have the experiment.
        if (execution.Mode != ExecutionMode.Live || execution.State is not (ExecutionState.Running or ExecutionState.Waiting)
            || execution.Activities.GetValueOrDefault(experiment.Id) is not { } view)
            return null;
        // Status shows an experiment waiting for its decision as waiting; it is done.
        if (view.Decision is not null || !(view.IsDone || view.State == ActivityState.Waiting) || !IsoDuration.TryParse(experiment.Window, out var window, out _))
            return null;
        var paths = Paths(document, experiment).Select(id => execution.Activities.GetValueOrDefault(id)).ToList();
        if (paths.Any(a => a is not { IsDone: true }))
            return null;
        return paths.Select(a => a!.CompletedAt).Append(view.CompletedAt).Max() + window;
    }

    /// <summary>Every activity on the arms' paths, each once.</summary>
    private static IEnumerable<string> Paths(CampaignDocument document, ExperimentActivity experiment) =>
        experiment.Arms.SelectMany(a => document.Downstream(experiment.Id, a.Name)).Distinct();

    /// <summary>
    /// The decision (JSON) over what the arms' messages led to by <paramref name="now"/>: per arm, the profiles its
    /// channel activities sent a message to and those who opened, clicked or converted since; or the arm an operator
    /// <paramref name="forced"/>, with the same figures.
    /// </summary>
    public static async Task<string> DecideAsync(EngineServices services, CampaignId campaign, CampaignDocument document, ExecutionView execution,
        ExperimentActivity experiment, DateTime now, (string Arm, string By, string Why)? forced, CancellationToken cancellationToken)
    {
        var channels = Paths(document, experiment).Where(id => document.Activities.First(a => a.Id == id) is ChannelActivity).ToList();
        ExperimentSuccess success = experiment.Metric switch
        {
            ExperimentMetric.Opened => new ExperimentSuccess.Feedback(FeedbackKind.Opened),
            ExperimentMetric.Clicked => new ExperimentSuccess.Feedback(FeedbackKind.Clicked),
            _ => new ExperimentSuccess.Conversion(experiment.Event!),
        };
        var reached = await services.Experiments.ReachedAsync(campaign.Value, execution.Id.Value, channels, success, new DateTimeOffset(now), cancellationToken);
        var arms = new ExperimentArms(experiment, campaign.Value, execution.Id.Value);
        var byArm = reached.GroupBy(r => arms.Of(r.Profile)).ToDictionary(g => g.Key, g => (Reached: (long)g.Count(), Successes: (long)g.Count(r => r.Succeeded)));
        var counts = execution.Activities[experiment.Id].Counts.Out;
        var outcomes = experiment.Arms.Select(a => (a.Name, counts.GetValueOrDefault(a.Name), byArm.GetValueOrDefault(a.Name).Reached,
            byArm.GetValueOrDefault(a.Name).Successes)).ToList();
        return ExperimentDecision.Decide(experiment, outcomes, counts.GetValueOrDefault(ExperimentActivity.Holdback), now, forced).ToJson();
    }
}

using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Experiments;

/// <summary>What an experiment's metric counts: an opened or clicked feedback event, or a conversion event of a name.</summary>
public abstract record ExperimentSuccess
{
    public sealed record Feedback(FeedbackKind Kind) : ExperimentSuccess;

    public sealed record Conversion(string Event) : ExperimentSuccess;
}

/// <summary>
/// What an experiment measures, read from the sends, feedback and conversion tables: the profiles an execution's
/// channel activities sent a message to, and for each whether it succeeded by the metric before the decision (opened
/// or clicked one of those messages; or had the conversion event after its first message).
/// </summary>
public sealed class ExperimentOutcomes(Database database)
{
    /// <returns>Each profile sent a message by one of <paramref name="activities"/> in the execution, and whether it succeeded by <paramref name="until"/>.</returns>
    public async Task<List<(long Profile, bool Succeeded)>> ReachedAsync(string campaign, string execution, IReadOnlyList<string> activities,
        ExperimentSuccess success, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        if (activities.Count == 0)
            return [];
        var among = string.Join(", ", activities.Select((_, i) => $"@activity{i}"));
        var succeeded = success switch
        {
            ExperimentSuccess.Feedback => $"EXISTS (SELECT 1 FROM {FeedbackEvents.Table} fe WHERE fe.profile = se.profile AND fe.kind = @kind " +
                "AND fe.campaign = sg.campaign AND fe.execution = sg.execution AND fe.activity = sg.activity AND fe.at <= @until)",
            ExperimentSuccess.Conversion => $"EXISTS (SELECT 1 FROM {ConversionEvents.Table} ce WHERE ce.profile = se.profile AND ce.name = @event " +
                "AND ce.at >= se.at AND ce.at <= @until)",
            _ => throw new ArgumentOutOfRangeException(nameof(success)),
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT se.profile, MAX(CASE WHEN {succeeded} THEN 1 ELSE 0 END) FROM {Sends.Table} se JOIN {Sends.Sendings} sg ON sg.id = se.sending " +
            $"WHERE sg.campaign = @campaign AND sg.execution = @execution AND sg.activity IN ({among}) GROUP BY se.profile");
        Parameter(command, "@campaign", campaign);
        Parameter(command, "@execution", execution);
        Parameter(command, "@until", until.ToUnixTimeMilliseconds());
        for (var i = 0; i < activities.Count; i++)
            Parameter(command, $"@activity{i}", activities[i]);
        if (success is ExperimentSuccess.Feedback feedback)
            Parameter(command, "@kind", FeedbackEvents.Name(feedback.Kind));
        if (success is ExperimentSuccess.Conversion conversion)
            Parameter(command, "@event", conversion.Event);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var reached = new List<(long, bool)>();
        while (await reader.ReadAsync(cancellationToken))
            reached.Add((reader.GetInt64(0), Convert.ToInt64(reader.GetValue(1)) == 1));
        return reached;
    }
}

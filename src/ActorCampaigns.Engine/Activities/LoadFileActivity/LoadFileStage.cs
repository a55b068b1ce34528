using ActorCampaigns.Data.Files;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Loads a file into rows of the execution (<see cref="LoadedFiles"/>): read chunk by chunk against the declared
/// columns, rows and rejected lines written as it goes, then closed; its output is the rows' lines. More rejected lines
/// than <c>onError.maxErrors</c> fail the activity, the rejects read so far kept to download. A run of the execution
/// again outputs the rows kept; one stopped while loading loads again from the start.
/// </summary>
public sealed class LoadFileStage : ActivityStage<LoadFileActivity>
{
    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, LoadFileActivity load, long input,
        CancellationToken cancellationToken)
    {
        var services = runner.Services;
        var key = new ExecutionActivity(run.Campaign.Value, run.Execution.Value, load.Id);
        if (await services.Loaded.LoadedAsync(key, cancellationToken) is not { } summary)
        {
            await services.Loaded.ClearAsync(key, cancellationToken);
            summary = await LoadAsync(services, key, load, cancellationToken);
        }
        var note = $"loaded {summary.Rows:N0} rows of the {load.Source}" + (summary.Rejected == 0 ? "" : $", rejected {summary.Rejected:N0} lines" +
            (load.KeepRejects ? $" (GET /api/campaigns/{key.Campaign}/executions/{key.Execution}/activities/{key.Activity}/rejects)" : ""));
        return Source.Single(new PortBatch(Transition.DefaultPort, [], Notes: [note]))
            .Concat(Source.From(() => services.Loaded.LinesAsync(key, services.BatchSize, cancellationToken)).Select(lines => new PortBatch(Transition.DefaultPort, lines)));
    }

    private static async Task<LoadSummary> LoadAsync(EngineServices services, ExecutionActivity key, LoadFileActivity load, CancellationToken cancellationToken)
    {
        await using var file = await OpenAsync(services, key, load, cancellationToken);
        var (rows, rejected) = (0L, 0L);
        FileReject? first = null;
        try
        {
            await foreach (var chunk in FileRows.ReadAsync(file, load.Format, load.Columns, services.BatchSize, cancellationToken))
            {
                await services.Loaded.AppendAsync(key, load.KeepRejects ? chunk : chunk with { Rejects = [] }, cancellationToken);
                (rows, rejected, first) = (rows + chunk.Rows.Count, rejected + chunk.Rejects.Count, first ?? chunk.Rejects.FirstOrDefault());
                if (rejected > load.MaxErrors)
                    throw new InvalidOperationException($"'{load.Id}' rejected {rejected:N0} lines of the {load.Source}, more than onError.maxErrors ({load.MaxErrors:N0}), " +
                        $"and stopped reading; the first: line {first!.Line}: {first.Reason}");
            }
        }
        catch (FileRefusedException refused)
        {
            throw new InvalidOperationException($"'{load.Id}' cannot load the {load.Source}: {refused.Message}");
        }
        var summary = new LoadSummary(rows, rejected);
        await services.Loaded.CloseAsync(key, summary, cancellationToken);
        return summary;
    }

    private static async Task<Stream> OpenAsync(EngineServices services, ExecutionActivity key, LoadFileActivity load, CancellationToken cancellationToken)
    {
        if (load.File is { } name)
            return await services.Files.OpenAsync(key.Campaign, name, cancellationToken)
                ?? throw new InvalidOperationException($"'{load.Id}' reads the attached file '{name}', and the campaign has none of that name: " +
                    $"PUT /api/campaigns/{key.Campaign}/files/{name} attaches it");
        var folder = services.FilesFolder ?? throw new InvalidOperationException(
            $"'{load.Id}' reads '{load.Path}' of the files folder, and this node has none (ActorCampaigns__Files__Folder)");
        return FilesFolder.Open(folder, load.Path!, load.Id);
    }
}

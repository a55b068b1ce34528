using ActorCampaigns.Cli.Output;

namespace ActorCampaigns.Cli.Palettes;

/// <summary>
/// <c>campaign tail</c>: the canvas table redrawn as the campaign's status arrives over Server-Sent Events, until its
/// latest execution ends (at once when it already has). On a terminal each frame replaces the previous one; into a
/// file or pipe each frame follows the previous one.
/// </summary>
public static class CampaignTail
{
    public static async Task RunAsync(Invocation call)
    {
        var id = call.CampaignId(0);
        var drawn = 0;
        try
        {
            await foreach (var status in call.Node.EventsAsync($"/api/campaigns/{id}/events", call.Cancel))
            {
                if (call.Json)
                    call.Out.WriteLine(status.GetRawText());
                else
                {
                    var frame = CanvasTable.Render(status);
                    if (call.Terminal.Interactive && drawn > 0)
                        call.Out.Write($"\u001b[{drawn}F\u001b[J"); // back to the previous frame's first line, and clear to the end
                    else if (drawn > 0)
                        call.Out.WriteLine();
                    call.Out.Write(frame);
                    drawn = frame.Count(c => c == '\n');
                }
                await call.Out.FlushAsync(call.Cancel);
                if (CanvasTable.Latest(status) is { } execution && CanvasTable.Ended(execution))
                    return;
            }
            throw new CommandFailure($"the node at {call.Node.Address} ended the feed of {id} before its execution ended");
        }
        catch (OperationCanceledException) when (call.Cancel.IsCancellationRequested)
        {
            // Ctrl+C: the operator has seen enough.
        }
    }
}

using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;

namespace ActorCampaigns.Node.Gateway;

/// <summary>A CSV import request, of profiles or of an entity's rows: the body spooled to disk, imported, summed up.</summary>
internal static class CsvImports
{
    /// <param name="rows">What the rows are, in messages: "profiles", "bookings".</param>
    public static async Task<IResult> ImportAsync(HttpRequest request, string rows, Func<Stream, Task<ImportSummary>> import, CancellationToken cancel)
    {
        // The CSV reader reads synchronously; the body is spooled to a temporary file first, asynchronously.
        var spool = Path.GetTempFileName();
        try
        {
            await using (var file = File.Create(spool))
                await request.Body.CopyToAsync(file, cancel);
            await using var csv = File.OpenRead(spool);
            var summary = await import(csv);
            return Results.Ok(new
            {
                imported = summary.Imported,
                updated = summary.Updated,
                rejected = summary.Rejected,
                errors = summary.Errors.Select(e => new { line = e.Line, reason = e.Reason }),
            });
        }
        catch (ImportRefusedException refused)
        {
            return Problems.Invalid("the CSV file was refused", [new { message = refused.Message }]);
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            var committed = (e as ImportInterruptedException)?.Committed;
            return Problems.DiskFull($"{DiskFull.Reason}: the import stopped after {committed?.Accepted ?? 0} {rows}; " +
                $"import the file again once there is space ({rows} already imported are updated, not added twice)",
                new() { ["imported"] = committed?.Imported ?? 0, ["updated"] = committed?.Updated ?? 0 });
        }
        finally
        {
            File.Delete(spool);
        }
    }
}

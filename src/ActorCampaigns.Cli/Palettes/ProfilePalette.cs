using System.Net;
using ActorCampaigns.Cli.Output;

namespace ActorCampaigns.Cli.Palettes;

/// <summary><c>profiles</c>, <c>entities</c> and <c>audiences</c>: the data campaigns target.</summary>
public static class ProfilePalette
{
    public static readonly Command[] Commands =
    [
        new("profiles import", "<file.csv>", "imports or updates profiles from a CSV file (header: id, then attributes)", ImportAsync),
        new("profiles events import", "<file>", "records what profiles did from a CSV file (header: profileId, name, at, value, properties) " +
            "or a JSON lines file (.jsonl, .ndjson: an event per line)", EventsImportAsync),
        new("entities import", "<name> <file.csv>", "imports or updates an entity's rows from a CSV file (header: id, " +
            "a link such as profileId:link(profiles) on the first import, then columns as name:type)", EntitiesImportAsync),
        new("entities list", "", "the entities, their link to profiles, rows and columns", EntitiesAsync),
        new("audiences list", "", "saved audiences and their sizes", AudiencesAsync),
    ];

    private static Task ImportAsync(Invocation call) => UploadAsync(call, "/api/profiles/import", "text/csv",
        answer => $"imported {answer.Number("imported"):N0}, updated {answer.Number("updated"):N0}, rejected {answer.Number("rejected"):N0}");

    private static Task EntitiesImportAsync(Invocation call) => UploadAsync(call,
        $"/api/entities/{Uri.EscapeDataString(call.Argument(0) ?? throw CommandFailure.Usage("name the entity: entities import <name> <file.csv>"))}/import",
        "text/csv", answer => $"imported {answer.Number("imported"):N0}, updated {answer.Number("updated"):N0}, rejected {answer.Number("rejected"):N0}", fileArgument: 1);

    private static async Task EntitiesAsync(Invocation call)
    {
        var answer = await call.Node.GetAsync("/api/entities", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        var table = new Table("ENTITY", "LINK", "ROWS", "COLUMNS");
        foreach (var entity in answer.EnumerateArray())
            table.Add(entity.Text("name"), entity.Text("link"), entity.Number("rows"),
                string.Join(", ", entity.Items("columns").Select(c => $"{c.Text("name")}:{c.Text("type")}")));
        if (table.Count == 0)
            call.Out.WriteLine("no entities: import one with entities import <name> <file.csv>");
        else
            table.WriteTo(call.Out);
    }

    private static Task EventsImportAsync(Invocation call) => UploadAsync(call, "/api/events/import",
        Path.GetExtension(call.Argument(0)!).ToLowerInvariant() is ".jsonl" or ".ndjson" ? "application/x-ndjson" : "text/csv",
        answer => $"recorded {answer.Number("recorded"):N0}, rejected {answer.Number("rejected"):N0}");

    /// <summary>Uploads the file named by an argument (the first by default), showing progress, then the node's summary and the first rejected lines.</summary>
    private static async Task UploadAsync(Invocation call, string endpoint, string contentType, Func<System.Text.Json.JsonElement, string> summary,
        int fileArgument = 0)
    {
        var path = call.Argument(fileArgument) ?? throw CommandFailure.Usage("name the file to import");
        if (!File.Exists(path))
            throw CommandFailure.Usage($"no file '{path}'");
        await using var file = File.OpenRead(path);
        var progress = new UploadProgress(call.Terminal, file.Length);
        var answer = await call.Node.SendAsync(HttpMethod.Post, endpoint, new ProgressContent(file, progress, contentType), call.Cancel, bounded: false);
        progress.Done();
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        call.Out.WriteLine(summary(answer));
        var errors = answer.Items("errors").ToList();
        foreach (var error in errors.Take(20))
            call.Out.WriteLine($"  line {error.Number("line")}: {error.Text("reason")}");
        if (errors.Count > 20)
            call.Out.WriteLine($"  ... and {errors.Count - 20:N0} more (--json lists them all)");
    }

    private static async Task AudiencesAsync(Invocation call)
    {
        var answer = await call.Node.GetAsync("/api/audiences", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        var table = new Table("AUDIENCE", "SIZE", "SAVED AT");
        foreach (var audience in answer.EnumerateArray())
            table.Add(audience.Text("name"), audience.Number("size"), audience.Text("savedAt"));
        if (table.Count == 0)
            call.Out.WriteLine("no saved audiences");
        else
            table.WriteTo(call.Out);
    }

    /// <summary>The upload's progress on the operator's terminal (stderr), a line redrawn every 5 %; nothing when output is redirected.</summary>
    private sealed class UploadProgress(Terminal terminal, long total)
    {
        private long _shown = -1;

        public void Sent(long bytes)
        {
            if (!terminal.Interactive || total == 0 || bytes * 20 / total == _shown)
                return;
            _shown = bytes * 20 / total;
            terminal.Error.Write($"\ruploading {bytes * 100 / total,3} % ({bytes / 1_048_576.0:0.0} of {total / 1_048_576.0:0.0} MiB)");
        }

        public void Done()
        {
            if (terminal.Interactive && _shown >= 0)
                terminal.Error.WriteLine();
        }
    }

    private sealed class ProgressContent : HttpContent
    {
        private readonly Stream _file;
        private readonly UploadProgress _progress;

        public ProgressContent(Stream file, UploadProgress progress, string contentType)
        {
            _file = file;
            _progress = progress;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var buffer = new byte[81_920];
            long sent = 0;
            int read;
            while ((read = await _file.ReadAsync(buffer)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read));
                _progress.Sent(sent += read);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _file.Length;
            return true;
        }
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>docs/benchmarks.md: one section per benchmark, replaced in place each time that benchmark runs.</summary>
public static class BenchmarkDocument
{
    private const string Title = "# Benchmarks\n\nEvery figure of the project with the command that produced it. Each section is rewritten by its command.\n";

    public static void WriteSection(string path, string name, string body)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var text = File.Exists(path) ? File.ReadAllText(path) : Title;
        var section = $"<!-- bench:{name} -->\n{body.Trim()}\n<!-- /bench:{name} -->";
        var pattern = new Regex($"<!-- bench:{Regex.Escape(name)} -->.*?<!-- /bench:{Regex.Escape(name)} -->", RegexOptions.Singleline);
        text = pattern.IsMatch(text) ? pattern.Replace(text, section.Replace("$", "$$")) : text.TrimEnd() + "\n\n" + section + "\n";
        File.WriteAllText(path, text);
    }

    /// <summary>A benchmark's figures as JSON beside the document (docs/results/NAME.json), for scripts and comparisons.</summary>
    public static string WriteResults(string documentPath, string name, object figures)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(documentPath))!, "results", $"{name}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(new { ranAt = DateTime.UtcNow, machine = Machine(), figures },
            new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    /// <summary>The benchmark canvas (a campaign document), or a usage error naming where it was looked for.</summary>
    public static Task<string> ReadCanvasAsync(string path, CancellationToken cancellationToken) => File.Exists(path)
        ? File.ReadAllTextAsync(path, cancellationToken)
        : throw new UsageException($"no benchmark canvas at {path}; give its path with --canvas");

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {memory:F0} GiB, {Environment.OSVersion}, .NET {Environment.Version}; run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
    }
}

namespace ActorCampaigns.LoadTest.Tests;

internal static class SharedCanvas
{
    /// <summary>The shared benchmark canvas, found from the test's folder up to the checkout beside ../shared.</summary>
    public static string Path()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = System.IO.Path.Combine(folder.FullName, "..", "shared", "bench", "bench-canvas.json");
            if (File.Exists(path))
                return System.IO.Path.GetFullPath(path);
        }
        throw new FileNotFoundException("../shared/bench/bench-canvas.json is not beside the checkout");
    }
}

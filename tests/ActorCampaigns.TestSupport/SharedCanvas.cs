namespace ActorCampaigns.TestSupport;

public static class SharedCanvas
{
    /// <summary>The repository's benchmark canvas (<c>bench/bench-canvas.json</c>), found from the test's folder up to the checkout.</summary>
    public static string Path()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = System.IO.Path.Combine(folder.FullName, "bench", "bench-canvas.json");
            if (File.Exists(path))
                return System.IO.Path.GetFullPath(path);
        }
        throw new FileNotFoundException("bench/bench-canvas.json is not in the checkout");
    }
}

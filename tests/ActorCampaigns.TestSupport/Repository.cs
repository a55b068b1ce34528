namespace ActorCampaigns.TestSupport;

/// <summary>The checkout the tests run from: the folder holding <c>ActorCampaigns.sln</c>, found from the test's folder up.</summary>
public static class Repository
{
    public static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ActorCampaigns.sln")))
                return folder.FullName;
        }
        throw new DirectoryNotFoundException("ActorCampaigns.sln is not above the test's folder");
    }

    /// <summary>A file of the checkout by its path from the root (<c>docs/reference/activities.md</c>).</summary>
    public static string PathOf(string relative) => Path.Combine(Root(), relative);
}

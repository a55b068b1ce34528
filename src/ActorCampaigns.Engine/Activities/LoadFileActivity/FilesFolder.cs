namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Where a loadFile activity's <c>path</c> leads, inside the node's files folder and nowhere else: no part of it may
/// leave the folder ('..' is refused by validation already) or be a symbolic link, which could point anywhere.
/// </summary>
public static class FilesFolder
{
    public static string Resolve(string folder, string path, string activity)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var full = Path.GetFullPath(Path.Combine(root, path));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException($"'{activity}' reads '{path}', which is outside the files folder: refused, nothing read");
        for (var at = full; at.Length > root.Length; at = Path.GetDirectoryName(at)!)
        {
            var entry = new FileInfo(at);
            if (entry.LinkTarget is not null)
                throw new InvalidOperationException($"'{activity}' reads '{path}', and '{Path.GetRelativePath(root, at)}' is a symbolic link: " +
                    "files are read from the files folder itself, not through links; refused, nothing read");
        }
        if (!File.Exists(full))
            throw new InvalidOperationException($"'{activity}' reads '{path}', which is not a file in the files folder");
        return full;
    }
}

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
            throw new InvalidOperationException($"'{activity}' reads '{path}', which is not a file in the files folder ({root})");
        return full;
    }

    /// <summary>
    /// Opens the file <see cref="Resolve"/> found, and checks that what was opened is still inside the folder (on
    /// Linux, by the open handle's own path): a link swapped in between the check and the open is refused.
    /// </summary>
    public static Stream Open(string folder, string path, string activity)
    {
        var full = Resolve(folder, path, activity);
        var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var opened = OperatingSystem.IsLinux() ? new FileInfo($"/proc/self/fd/{file.SafeFileHandle.DangerousGetHandle()}").LinkTarget : full;
        if (opened is null || !opened.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            file.Dispose();
            throw new InvalidOperationException($"'{activity}' reads '{path}', which changed into a link to outside the files folder as it was opened: refused, nothing read");
        }
        return file;
    }
}

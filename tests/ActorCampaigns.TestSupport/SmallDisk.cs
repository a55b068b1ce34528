using System.Diagnostics;

namespace ActorCampaigns.TestSupport;

/// <summary>
/// A small tmpfs mounted as a node's data dir (the tests run as root), which a test fills with a filler file and gives
/// back by deleting it. Disposing unmounts it lazily, so a node process still holding files open never keeps it mounted.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private readonly string _filler;

    public SmallDisk(int megabytes)
    {
        Path = Directory.CreateTempSubdirectory("actorcampaigns-diskfull-").FullName;
        _filler = System.IO.Path.Combine(Path, "filler");
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Path);
    }

    public string Path { get; }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes the filler until no more than <paramref name="leaveBytes"/> are free (all of it: the disk is full).</summary>
    public void Fill(long leaveBytes = 0)
    {
        var chunk = new byte[64 * 1024];
        using var file = new FileStream(_filler, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (FreeBytes > leaveBytes)
                file.Write(chunk, 0, (int)Math.Min(chunk.Length, Math.Max(4096, FreeBytes - leaveBytes)));
        }
        catch (IOException)
        {
            // no space left: the disk is full, as asked
        }
    }

    /// <summary>Space is back: the filler is deleted.</summary>
    public void GiveBack() => File.Delete(_filler);

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error}");
    }
}

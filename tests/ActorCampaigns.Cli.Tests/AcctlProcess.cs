using System.Diagnostics;

namespace ActorCampaigns.Cli.Tests;

/// <summary>What one run of acctl gave: its exit code, standard output and standard error.</summary>
public sealed record AcctlResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>acctl run as operators run it: a process of its own (<c>dotnet acctl.dll ...</c>).</summary>
public static class AcctlProcess
{
    private static string Tool => typeof(Acctl).Assembly.Location;

    public static async Task<AcctlResult> RunAsync(params string[] args) => await RunAsync(args, input: null);

    public static async Task<AcctlResult> RunAsync(string[] args, string? input, int seconds = 60)
    {
        using var process = Start(args);
        if (input is not null)
            await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await process.WaitForExitAsync(within.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"acctl {string.Join(' ', args)} did not end within {seconds} s:\n{await output}\n{await error}");
        }
        return new AcctlResult(process.ExitCode, await output, await error);
    }

    /// <summary>acctl started and left running (a tail), its output read as it comes.</summary>
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.ArgumentList.Add(Tool);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["HOME"] = Path.GetTempPath(); // the prompt's history file, away from the user's
        return Process.Start(start)!;
    }

    /// <summary>acctl on a pseudo-terminal (util-linux <c>script</c>), as a person at a keyboard runs it: keys go in as typed.</summary>
    public static async Task<string> TypeAsync(string[] args, string keys, int seconds = 60)
    {
        var command = string.Join(' ', new[] { "dotnet", Tool }.Concat(args).Select(a => $"'{a}'"));
        var start = new ProcessStartInfo("script", ["-qfec", command, "/dev/null"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["TERM"] = "xterm";
        // A home of its own (acctl keeps its history there), removed after.
        var home = Directory.CreateTempSubdirectory("acctl-home-").FullName;
        start.Environment["HOME"] = home;
        try
        {
            return await TypeAsync(start, keys, seconds);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<string> TypeAsync(ProcessStartInfo start, string keys, int seconds)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        foreach (var part in keys.Split('\n'))
        {
            // One line at a time, as typed: the prompt reads keys once it is up.
            await Task.Delay(1500);
            await process.StandardInput.WriteAsync(part + "\r");
            await process.StandardInput.FlushAsync();
        }
        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await process.WaitForExitAsync(within.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        return await output;
    }
}

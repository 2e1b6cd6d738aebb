using System.Diagnostics;

namespace Consolidator.Tests.Support;

/// <summary>The built CLI in a process of its own (<c>dotnet Consolidator.Cli.dll ...</c>), for what only a
/// real process shows: being killed, running beside another, a file-size limit.</summary>
internal static class ChildCli
{
    public static string Dll => typeof(Consolidator.Cli.Cli).Assembly.Location;

    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public static Process Start(params string[] args) => StartIn(null, args);

    /// <summary>As <see cref="Start"/>, in <paramref name="workingDirectory"/> (null: the test's own).</summary>
    public static Process StartIn(string? workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>Runs to the end; returns the exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args) => RunIn(null, args);

    /// <summary>As <see cref="Run"/>, in <paramref name="workingDirectory"/>.</summary>
    public static (int Code, string Out, string Err) RunIn(string? workingDirectory, params string[] args)
    {
        using var p = StartIn(workingDirectory, args);
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, output.Result, errors.Result);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Consolidator.Benchmarks;

namespace Consolidator.Cli.Commands;

/// <summary>Runs one benchmark case in a child process of this same program (<c>bench-one</c>), so that its
/// peak memory is its own and a crash or a hang costs one row, not the run.</summary>
internal static class BenchChild
{
    /// <summary>How long past its solver limit a case may take (generation, profiling, staging, validation)
    /// before it is stopped: three times the limit plus two minutes; ten times and ten minutes in the
    /// deterministic mode, whose limit is counted work and whose wall clock grows with the machine's load (a 60 s
    /// planted case took over 300 s at load 20).</summary>
    public static TimeSpan Patience(BenchCase c, bool deterministic) =>
        TimeSpan.FromSeconds(deterministic ? 10 * c.SolverSeconds + 600 : 3 * c.SolverSeconds + 120);

    /// <param name="progress">Gets each line the child writes on stderr as it comes (its progress).</param>
    public static BenchRow Run(BenchCase c, BenchSettings settings, Action<string>? progress = null)
    {
        var (program, leading) = Program();
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in leading.Concat([BenchCommand.OneName, "--case", c.Id]).Concat(BenchOptions.ToArgs(settings)))
            start.ArgumentList.Add(arg);

        using var child = Process.Start(start);
        if (child is null) return c.Failed($"could not start {program}");
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = ForwardErrors(child, progress);
        if (!child.WaitForExit(Patience(c, settings.Deterministic)))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            return c.Failed(string.Format(CultureInfo.InvariantCulture, "no result within {0:0} s; the child process was stopped", Patience(c, settings.Deterministic).TotalSeconds));
        }
        child.WaitForExit();
        var line = output.Result.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        if (child.ExitCode != ExitCodes.Ok || line is null)
            return c.Failed($"the child process exited with code {child.ExitCode}: {FirstLine(errors.Result)}");
        try
        {
            return BenchJson.RowFromLine(line);
        }
        catch (JsonException e)
        {
            return c.Failed($"the child process answered something that is not a row ({e.Message})");
        }
    }

    /// <summary>Collects the child's stderr, handing each line to <paramref name="progress"/> as it arrives.</summary>
    private static Task<string> ForwardErrors(Process child, Action<string>? progress) => Task.Run(() =>
    {
        var all = new System.Text.StringBuilder();
        while (child.StandardError.ReadLine() is { } line)
        {
            all.Append(line).Append('\n');
            progress?.Invoke(line);
        }
        return all.ToString();
    });

    /// <summary>This program: the app host beside the CLI assembly when there is one, else the dotnet host
    /// running the assembly (as under a test runner without an app host).</summary>
    internal static (string Program, string[] Leading) Program()
    {
        var assembly = typeof(BenchChild).Assembly.Location;
        if (assembly.Length == 0) return (Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running"), []);
        var host = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        if (File.Exists(host)) return (host, []);
        return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [assembly]);
    }

    /// <summary>The message of an error or of an unhandled exception comes first; a stack trace follows it.</summary>
    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(nothing on stderr)";
}

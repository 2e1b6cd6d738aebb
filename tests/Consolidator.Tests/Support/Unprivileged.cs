using System.Diagnostics;

namespace Consolidator.Tests.Support;

/// <summary>The built CLI in a process for which file permissions hold: as root (CI, this machine) a file of mode 000 is
/// read all the same, so the child runs under setpriv(1) without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (dropped
/// from its bounding and inheritable sets, so that exec does not give them back): the kernel then refuses it as it
/// would any user. As another user the CLI runs as it is.</summary>
internal static class Unprivileged
{
    private static readonly string[] Drop = ["--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"];

    private static bool Root => Environment.UserName == "root";

    /// <summary>Why permissions cannot be made to hold here, or null: probed once with cat(1) on a file of mode 000.</summary>
    public static string? Missing { get; } = Probe();

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        if (!Root) return null;
        if (!File.Exists("/usr/bin/setpriv")) return "running as root without setpriv (util-linux) to drop the capabilities that read any file";
        var file = Path.Combine(Path.GetTempPath(), "consolidator-unreadable-probe-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "x");
        File.SetUnixFileMode(file, UnixFileMode.None);
        try
        {
            var (code, _, err) = Run("/usr/bin/setpriv", [.. Drop, "/bin/cat", file]);
            return code != 0 && err.Contains("Permission denied", StringComparison.Ordinal) ? null
                : $"setpriv could not drop the capabilities that read any file (cat of a mode 000 file: exit {code}, {err.Trim()})";
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The CLI with <paramref name="args"/> in <paramref name="workingDirectory"/>, run to the end where file
    /// permissions hold.</summary>
    public static (int Code, string Out, string Err) Cli(string workingDirectory, params string[] args) => Root
        ? Run("/usr/bin/setpriv", [.. Drop, ChildCli.Dotnet, ChildCli.Dll, .. args], workingDirectory)
        : ChildCli.RunIn(workingDirectory, args);

    private static (int Code, string Out, string Err) Run(string program, string[] args, string workingDirectory = "")
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, output.Result, errors.Result);
    }
}

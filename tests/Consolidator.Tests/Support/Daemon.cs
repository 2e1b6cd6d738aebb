using System.Diagnostics;

namespace Consolidator.Tests.Support;

/// <summary>A real daemon a test starts (Prometheus, libvirtd): its output read and dropped as it comes, so that a full
/// pipe never stops it (the daemon keeps its own log where the test reads one).</summary>
internal static class Daemon
{
    /// <param name="start">With both outputs redirected.</param>
    public static Process Start(ProcessStartInfo start)
    {
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}

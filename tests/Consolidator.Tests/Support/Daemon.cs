using System.Diagnostics;

namespace Consolidator.Tests.Support;

/// <summary>A real daemon a test starts (Prometheus, libvirtd): its output read and dropped as it comes, so that a full
/// pipe never stops it (the daemon keeps its own log where the test reads one).</summary>
internal static class Daemon
{
    /// <param name="start">With both outputs redirected.</param>
    /// <param name="errorLine">Given each line of the daemon's standard error, where the caller keeps some.</param>
    public static Process Start(ProcessStartInfo start, Action<string>? errorLine = null)
    {
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) errorLine?.Invoke(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Consolidator.Lab;

/// <summary>The guest image: the Debian kernel and the busybox initramfs built by lab/qemu/build-guest.sh.</summary>
public sealed record GuestImage(string Folder)
{
    public string Kernel => Path.Combine(Folder, "vmlinuz");
    public string Initramfs => Path.Combine(Folder, "initramfs.gz");
    public bool Exists => File.Exists(Kernel) && File.Exists(Initramfs);
}

/// <summary>One QEMU process of the lab (TCG, one vCPU, no devices but a serial port), a source booting the
/// guest or a destination waiting for it (-incoming defer), with its QMP socket and serial log.</summary>
internal sealed partial class QemuVm : IDisposable
{
    private readonly Process _process;

    private QemuVm(Process process, Qmp qmp, string serialLog)
    {
        _process = process;
        Qmp = qmp;
        SerialLog = serialLog;
    }

    public Qmp Qmp { get; }
    public string SerialLog { get; }

    /// <summary>A clock of this QEMU's threads' CPU time and run-queue wait.</summary>
    public ThreadClock Threads() => new(_process.Id);

    public static QemuVm Start(LabNetwork network, string folder, string name, GuestImage guest, int memoryMib,
        double dirtyMibPerSecond, double wssMib, bool incoming)
    {
        var qmpPath = Path.Combine(folder, name + ".qmp");
        var serial = Path.Combine(folder, name + ".serial");
        // Normal scheduling, on purpose: under real-time priority (chrt --rr 1, tried before) the booting guests of a
        // concurrent scenario starved one another's timers, and the kernel of the second one panicked ("IO-APIC +
        // timer doesn't work!", reproduced with three boots at once); how much CPU the migration then gets is
        // measured instead (every QEMU thread's schedstat, see LabRunner) and is an input of the model.
        // no_timer_check (Linux, Documentation/admin-guide/kernel-parameters.txt: "Disables the code which tests
        // for broken timer IRQ sources") keeps a guest whose vCPU is slowed by the machine's load from failing
        // that boot-time test. debug-threads=on names QEMU's threads ("live_migration", "CPU 0/TCG") so that the lab can find them.
        var args = network.Wrap("qemu-system-x86_64").Concat(
        [
            "-name", name + ",debug-threads=on",
            "-machine", "pc,accel=tcg", "-cpu", "qemu64", "-smp", "1", "-m", GuestMemoryArgument(memoryMib),
            "-nodefaults", "-no-user-config", "-display", "none", "-vga", "none", "-no-reboot",
            "-kernel", guest.Kernel, "-initrd", guest.Initramfs,
            "-append", string.Create(CultureInfo.InvariantCulture,
                $"console=ttyS0 quiet panic=-1 no_timer_check lab.rate={dirtyMibPerSecond:0.###} lab.wss={wssMib:0.###}"),
            "-serial", "file:" + serial,
            "-qmp", $"unix:{qmpPath},server=on,wait=off",
        ]).Concat(incoming ? ["-incoming", "defer"] : Array.Empty<string>()).ToArray();
        var start = new ProcessStartInfo(args[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args.Skip(1)) start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new LabException("could not start qemu-system-x86_64");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            return new QemuVm(process, Qmp.Connect(qmpPath, TimeSpan.FromSeconds(30)), serial);
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>The -m value: 8 KiB under the guest's MiB. QEMU 7.2 syncs the dirty bitmap of a RAM block whose
    /// size is a multiple of 64 pages by swapping whole bitmap words (cpu_physical_memory_sync_dirty_bitmap,
    /// include/exec/ram_addr.h), which does not reset TCG's TLB dirty state: writes through a TLB entry
    /// filled before the sync, kernel pages mapped global above all, are then never sent again, and the
    /// guest crashes on the destination (seen here on every live pre-copy of a dirtying guest). A block of
    /// any other size takes the page-by-page path, which calls tlb_reset_dirty_range_all, and every write is
    /// tracked. QEMU rounds -m to 8 KiB, so 8 KiB less is the smallest size that takes it.</summary>
    public static string GuestMemoryArgument(int memoryMib) =>
        string.Create(CultureInfo.InvariantCulture, $"{memoryMib * 1024L - 8}K");

    /// <summary>The guest's latest dirtier report: guest milliseconds since the dirtying loop began and
    /// pages written since then; null before the first report.</summary>
    public (double Ms, long Pages)? LastReport()
    {
        if (!File.Exists(SerialLog)) return null;
        (double, long)? last = null;
        foreach (Match m in Report().Matches(ReadShared(SerialLog)))
            last = (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        return last;
    }

    /// <summary>Waits until the guest has filled its working set and reported at least twice.</summary>
    public void WaitReady(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new LabException($"QEMU exited with code {_process.ExitCode} before the guest was up");
            if (LastReport() is { Ms: >= 500 }) return;
            Thread.Sleep(200);
        }
        throw new LabException($"the guest did not report within {patience.TotalSeconds:0} s (see {SerialLog})");
    }

    public static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"dirtier t_ms=(\d+) pages=(\d+)")]
    private static partial Regex Report();

    private static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    public void Dispose()
    {
        try
        {
            Qmp.Execute("quit");
        }
        catch (Exception e) when (e is LabException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Already stopped; it is killed below either way.
        }
        Qmp.Dispose();
        if (!_process.WaitForExit(5_000)) Kill(_process);
        _process.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Consolidator.Tests.Support;

/// <summary>A real, private libvirtd (Debian's libvirt 9.0, the QEMU driver) started for one test: its own
/// libvirtd.conf (own host UUID, unix sockets in a temp folder, no authentication on them) and qemu.conf (QEMU as
/// root, no security driver, no private mount namespace per guest, logs to files: a container has no AppArmor, no
/// virtlogd). The privileged daemon's paths are built in (/etc/libvirt, /run/libvirt, /var/lib/libvirt,
/// /var/cache/libvirt, /var/log/libvirt), so it runs in a mount namespace of its own (unshare -m) with each of them a
/// bind mount of the temp folder: nothing of the machine's libvirt is read or written, and two daemons run side by
/// side. Clients reach it at <see cref="Uri"/> (qemu+unix:///system?socket=...), or over ssh (<see cref="LibvirtdSsh"/>). Dispose destroys its domains, stops
/// it, kills any QEMU it left and removes the folder. <see cref="Missing"/> names what is absent, so that a test
/// skips with that message.</summary>
internal sealed class Libvirtd : IDisposable
{
    private static readonly string[] Bound = ["/etc/libvirt", "/run/libvirt", "/var/lib/libvirt", "/var/cache/libvirt", "/var/log/libvirt"];
    private readonly TempDirectory _dir;
    private readonly Process _process;

    private Libvirtd(TempDirectory dir, Process process)
    {
        _dir = dir;
        _process = process;
    }

    /// <summary>The private connection URI.</summary>
    public string Uri => $"qemu+unix:///system?socket={Socket(_dir)}";

    /// <summary>The folder the daemon sees as /run/libvirt, its socket among its files (<see cref="LibvirtdSsh"/> binds it
    /// where libvirt's remote helper looks for the system daemon).</summary>
    public string RunDirectory => _dir.File("run");

    // libvirt's default socket folder, /run/libvirt: this daemon's run folder in its namespace.
    private static string Socket(TempDirectory dir) => Path.Combine(dir.Path, "run", "libvirt-sock");

    public static string? Missing
    {
        get
        {
            if (!OperatingSystem.IsLinux()) return "not Linux: libvirtd runs on Linux";
            if (Environment.UserName != "root") return "not root: a private system libvirtd needs root (cgroups, a mount namespace)";
            if (!File.Exists("/usr/sbin/libvirtd") || Which("virsh") is null)
                return "libvirtd or virsh is not installed (apt-get install libvirt-daemon-system libvirt-clients; .ci/run installs them)";
            if (!File.ReadAllText("/etc/passwd").Contains("\nlibvirt-qemu:", StringComparison.Ordinal))
                return "no libvirt-qemu user (libvirt 9.0's QEMU driver looks it up at start; libvirt-daemon-system creates it)";
            if (Which("qemu-system-x86_64") is null) return "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)";
            if (Which("unshare") is null || Which("cpio") is null) return "unshare or cpio is missing";
            if (Kernel() is null) return "no guest kernel: /boot/vmlinuz-* is absent (apt-get install linux-image-amd64)";
            if (!File.Exists("/bin/busybox") || HasInterpreter("/bin/busybox"))
                return "no static /bin/busybox for the guest's initramfs (apt-get install busybox-static)";
            return null;
        }
    }

    /// <summary>Whether an ELF-64 executable names a dynamic loader (a PT_INTERP program header): a dynamic busybox cannot
    /// run in an initramfs without its libraries.</summary>
    private static bool HasInterpreter(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[4] != 2) return true; // not ELF-64: not the static busybox the guest wants
        var (offset, size, count) = (BitConverter.ToInt64(elf, 0x20), BitConverter.ToUInt16(elf, 0x36), BitConverter.ToUInt16(elf, 0x38));
        return Enumerable.Range(0, count).Any(i => offset + i * size + 4 <= elf.Length && BitConverter.ToUInt32(elf, (int)(offset + i * size)) == 3);
    }

    /// <summary>The newest /boot/vmlinuz-*, the guests' kernel (as lab/qemu/build-guest.sh takes it).</summary>
    public static string? Kernel() =>
        Directory.Exists("/boot") ? Directory.GetFiles("/boot", "vmlinuz-*").OrderBy(f => f, StringComparer.Ordinal).LastOrDefault() : null;

    /// <param name="hostUuid">The daemon's host UUID: two daemons on one machine need different ones, or libvirt refuses
    /// a migration between them as one to the same host.</param>
    public static Libvirtd Start(Guid hostUuid)
    {
        var dir = new TempDirectory();
        try
        {
            foreach (var d in new[] { "etc", "run", "lib", "cache", "log" }) Directory.CreateDirectory(dir.File(d));
            File.WriteAllText(dir.File("etc/libvirtd.conf"), $"""
                unix_sock_rw_perms = "0700"
                auth_unix_rw = "none"
                auth_unix_ro = "none"
                host_uuid = "{hostUuid}"
                log_outputs = "3:file:{dir.File("libvirtd.log")}"

                """);
            // qemu.conf: QEMU runs as root without a security driver or per-guest namespace (a container has neither
            // AppArmor nor the rights libvirt's namespace setup wants), its stdio to a file, not virtlogd. An incoming
            // migration listens on a loopback address and is announced by it: libvirt's default announces the
            // machine's host name, which a fresh Debian root (debootstrap's /etc/hosts) does not resolve ("Unable to
            // resolve address 'vm' service '49152'"), and listens on every interface. 127.0.0.2, not .1: libvirt
            // refuses 127.0.0.1 and "localhost" as migration_host ("must not be the address of the local machine").
            File.WriteAllText(dir.File("etc/qemu.conf"), """
                user = "root"
                group = "root"
                dynamic_ownership = 0
                remember_owner = 0
                security_driver = "none"
                namespaces = [ ]
                stdio_handler = "file"
                migration_address = "127.0.0.2"
                migration_host = "127.0.0.2"

                """);
            foreach (var b in Bound) Directory.CreateDirectory(b); // mount points; libvirt's own install creates them too
            var mounts = string.Join(" && ", Bound.Select((b, i) => $"mount --bind \"${i + 1}\" {b}"));
            var start = new ProcessStartInfo("unshare")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "-m", "--propagation", "private", "sh", "-c", mounts + " && exec libvirtd --config \"$6\" --pid-file \"$7\"", "sh",
                         dir.File("etc"), dir.File("run"), dir.File("lib"), dir.File("cache"), dir.File("log"), dir.File("etc/libvirtd.conf"), dir.File("libvirtd.pid") })
                start.ArgumentList.Add(a);
            // The daemon's own errors go to its log; what fails before it runs (unshare, mount) only to stderr, kept
            // for the message below (a plain chroot, whose root is no mount point: "unshare: cannot change root
            // filesystem propagation: Invalid argument").
            var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var process = Daemon.Start(start, line => { if (errors.Count < 20) errors.Enqueue(line); });
            var daemon = new Libvirtd(dir, process);
            // Up: the socket is there and a client gets an answer (the first one waits for QEMU's capabilities probe).
            // A generous bound, not a timing assertion: CI runs with both cores busy.
            var until = DateTime.UtcNow.AddSeconds(120);
            while (!File.Exists(Socket(dir)))
            {
                if (process.HasExited || DateTime.UtcNow > until)
                {
                    var log = File.Exists(dir.File("libvirtd.log")) ? File.ReadAllText(dir.File("libvirtd.log")) : "(no log)";
                    daemon.Dispose();
                    throw new InvalidOperationException($"the private libvirtd did not start: {log}; stderr: {string.Join('\n', errors)}");
                }
                Thread.Sleep(100);
            }
            daemon.Virsh("version");
            return daemon;
        }
        catch
        {
            if (Directory.Exists(dir.Path)) { try { dir.Dispose(); } catch (IOException) { } }
            throw;
        }
    }

    /// <summary>Runs real virsh against this daemon; throws with its error output when it fails.</summary>
    public string Virsh(params string[] args)
    {
        var (code, output, error) = Run("virsh", ["-c", Uri, .. args]);
        if (code != 0) throw new InvalidOperationException($"virsh {string.Join(' ', args)} failed ({code}): {error}");
        return output;
    }

    /// <summary>The names of the running domains.</summary>
    public string[] Running() => Virsh("list", "--name").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Defines and starts a disk-less TCG guest: <paramref name="mib"/> MiB, <paramref name="vcpus"/> vCPUs, the
    /// host's kernel and <paramref name="initramfs"/> (<see cref="BuildInitramfs"/>). 128 MiB: Debian's kernel does not
    /// unpack itself in 48.</summary>
    public void StartGuest(string name, int vcpus, string initramfs, int mib = 128)
    {
        var xml = _dir.File(name + ".xml");
        File.WriteAllText(xml, string.Create(CultureInfo.InvariantCulture, $"""
            <domain type='qemu'>
              <name>{name}</name>
              <memory unit='MiB'>{mib}</memory>
              <vcpu>{vcpus}</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{Kernel()}</kernel><initrd>{initramfs}</initrd><cmdline>console=ttyS0 quiet</cmdline></os>
              <devices><emulator>/usr/bin/qemu-system-x86_64</emulator><serial type='null'/><memballoon model='none'/></devices>
            </domain>
            """));
        Virsh("define", xml);
        Virsh("start", name);
    }

    /// <summary>The cgroup hierarchy that holds the kernel's cpu controller, as libvirt looks for it: a cgroup v1 hierarchy
    /// with cpu bound (this machine, a container with v1 mounts beside an empty v2 one), else the v2 hierarchy when its
    /// cgroup.controllers lists cpu (a Debian 12 host with systemd: v2 alone). Null where neither is mounted: libvirt then
    /// cannot set a domain's quota or shares at all.</summary>
    public static (int Version, string Mount)? CpuHierarchy()
    {
        if (!File.Exists("/proc/self/mountinfo")) return null;
        // "36 25 0:31 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu": the mount point is field 5,
        // the filesystem type and its super options follow the " - ".
        var mounts = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(" - ", 2)).Where(p => p.Length == 2)
            .Select(p => (Point: p[0].Split(' ')[4], Fs: p[1].Split(' '))).ToArray();
        foreach (var (point, fs) in mounts)
            if (fs[0] == "cgroup" && fs.Length > 2 && fs[2].Split(',').Contains("cpu")) return (1, point);
        foreach (var (point, fs) in mounts)
            if (fs[0] == "cgroup2" && File.Exists(Path.Combine(point, "cgroup.controllers"))
                && File.ReadAllText(Path.Combine(point, "cgroup.controllers")).Split(' ', StringSplitOptions.TrimEntries).Contains("cpu"))
                return (2, point);
        return null;
    }

    /// <summary>Why a private daemon cannot place domains in a cpu cgroup here, or null.</summary>
    public static string? CpuControllerMissing => CpuHierarchy() is null
        ? "the kernel offers no cpu controller here: no cgroup v1 hierarchy has cpu bound and no cgroup v2 hierarchy lists cpu in "
          + "cgroup.controllers (a container whose cgroups were not delegated), so libvirt can set no vcpu_quota or cpu_shares"
        : null;

    /// <summary>What the kernel holds for a running domain's CPU, read from its cgroup files, not from libvirt: the
    /// domain's weight (v1 cpu.shares, v2 cpu.weight: libvirt writes cpu_shares to either as it is) and each vCPU thread's
    /// CFS quota and period (v1 cpu.cfs_quota_us and cpu.cfs_period_us, v2 cpu.max "QUOTA PERIOD"; no quota is -1, as
    /// v1 and schedinfo say it, for v2's "max").</summary>
    public sealed record CpuControl(int CgroupVersion, string Domain, long Weight, IReadOnlyList<(long Quota, long Period)> Vcpus);

    /// <summary>The domain's <see cref="CpuControl"/>: its QEMU process sits in the domain's emulator cgroup, beside one
    /// cgroup per vCPU thread (vcpu0, vcpu1, ...); with systemd-machined those are in a "libvirt" child of the machine's
    /// scope, which holds the weight.</summary>
    public CpuControl Cpu(string name, int vcpus)
    {
        var (version, mount) = CpuHierarchy() ?? throw new InvalidOperationException(CpuControllerMissing);
        var pid = File.ReadAllText(Path.Combine(_dir.Path, "run", "qemu", name + ".pid")).Trim();
        // /proc/PID/cgroup: "4:cpu,cpuacct:/machine/..." (v1) or "0::/machine/..." (v2).
        var line = File.ReadAllLines($"/proc/{pid}/cgroup").Select(l => l.Split(':', 3))
            .First(p => version == 1 ? p[1].Split(',').Contains("cpu") : p[0] == "0" && p[1].Length == 0);
        var domain = mount + line[2];
        if (Path.GetFileName(domain) == "emulator") domain = Path.GetDirectoryName(domain)!;
        var weightDir = Path.GetFileName(domain) == "libvirt" ? Path.GetDirectoryName(domain)! : domain;
        string Read(string dir, string file) => File.ReadAllText(Path.Combine(dir, file)).Trim();
        var weight = long.Parse(Read(weightDir, version == 1 ? "cpu.shares" : "cpu.weight"), CultureInfo.InvariantCulture);
        var threads = Enumerable.Range(0, vcpus).Select(i =>
        {
            var dir = Path.Combine(domain, "vcpu" + i.ToString(CultureInfo.InvariantCulture));
            if (version == 1)
                return (long.Parse(Read(dir, "cpu.cfs_quota_us"), CultureInfo.InvariantCulture), long.Parse(Read(dir, "cpu.cfs_period_us"), CultureInfo.InvariantCulture));
            var max = Read(dir, "cpu.max").Split(' ');
            return (max[0] == "max" ? -1 : long.Parse(max[0], CultureInfo.InvariantCulture), long.Parse(max[1], CultureInfo.InvariantCulture));
        }).ToArray();
        return new CpuControl(version, domain, weight, threads);
    }

    /// <summary>A guest's initramfs in <paramref name="dir"/>: the static busybox and an init that sleeps (the guest idles:
    /// a halted TCG vCPU costs the host nothing).</summary>
    public static string BuildInitramfs(string dir)
    {
        var root = Path.Combine(dir, "initramfs-root");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.Copy("/bin/busybox", Path.Combine(root, "bin", "busybox"));
        File.CreateSymbolicLink(Path.Combine(root, "bin", "sh"), "busybox");
        File.WriteAllText(Path.Combine(root, "init"), "#!/bin/sh\nexec /bin/busybox sleep 2147483647\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(root, "init"), (UnixFileMode)0b111_101_101);
        var image = Path.Combine(dir, "initramfs.cpio");
        var (code, _, error) = Run("sh", ["-c", "cd \"$1\" && find . | cpio -o -H newc --quiet > \"$2\"", "sh", root, image]);
        if (code != 0) throw new InvalidOperationException("cpio failed: " + error);
        return image;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                foreach (var name in Running())
                    Run("virsh", ["-c", Uri, "destroy", name]);
        }
        catch (InvalidOperationException) { }
        if (!_process.HasExited)
        {
            // unshare exec'd sh, which exec'd libvirtd: the process is the daemon.
            Run("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            if (!_process.WaitForExit(30_000)) _process.Kill();
            _process.WaitForExit();
        }
        // A QEMU the daemon left (it does not stop its guests when it stops).
        var qemu = Path.Combine(_dir.Path, "run", "qemu");
        if (Directory.Exists(qemu))
            foreach (var pidFile in Directory.GetFiles(qemu, "*.pid"))
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
                {
                    try { using var p = Process.GetProcessById(pid); p.Kill(); p.WaitForExit(10_000); }
                    catch (ArgumentException) { }
                    catch (InvalidOperationException) { }
                }
        _process.Dispose();
        try { _dir.Dispose(); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public static (int Code, string Out, string Err) Run(string program, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) start.Environment[k] = v;
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}

using System.Diagnostics;

namespace Consolidator.Tests.Support;

/// <summary>A small tmpfs mounted for one test, to meet a full disk or a read-only file system for real.
/// Needs root (CI runs as root); elsewhere <see cref="TryTmpfs"/> returns null and the test says so.</summary>
internal sealed class Mounts : IDisposable
{
    private Mounts(string path) => Path = path;

    public string Path { get; }

    public static Mounts? TryTmpfs(string path, int kib, bool readOnly = false)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/bin/mount")) return null;
        Directory.CreateDirectory(path);
        var options = $"size={kib}k" + (readOnly ? ",ro" : "");
        return Run("/bin/mount", "-t", "tmpfs", "-o", options, "tmpfs", path) == 0 ? new Mounts(path) : null;
    }

    /// <summary>An ext4 file system of <paramref name="kib"/> KiB in 1 KiB blocks, made in <paramref name="image"/> and
    /// loop-mounted on <paramref name="path"/>: its largest file is 4 TiB (2^32 blocks). Null without root, mkfs.ext4 or
    /// a loop device.</summary>
    public static Mounts? TryExt4(string image, string path, int kib)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/bin/mount") || !File.Exists("/sbin/mkfs.ext4")) return null;
        using (var f = new FileStream(image, FileMode.Create)) f.SetLength(kib * 1024L);
        if (Run("/sbin/mkfs.ext4", "-q", "-b", "1024", image) != 0) return null;
        Directory.CreateDirectory(path);
        return Run("/bin/mount", "-o", "loop", image, path) == 0 ? new Mounts(path) : null;
    }

    /// <summary>The file <paramref name="source"/> bind-mounted on <paramref name="path"/> (created empty), as a container
    /// gets its /etc/hosts; null without root.</summary>
    public static Mounts? TryBindFile(string source, string path)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/bin/mount")) return null;
        File.WriteAllText(path, "");
        return Run("/bin/mount", "--bind", source, path) == 0 ? new Mounts(path) : null;
    }

    public void Dispose()
    {
        Run("/bin/umount", "-l", Path);
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path);
            else File.Delete(Path);
        }
        catch (IOException) { }
    }

    private static int Run(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode;
    }
}

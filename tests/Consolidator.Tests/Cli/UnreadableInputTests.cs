using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>Inputs the kernel refuses to read, for real: files and folders of mode 000 read by a CLI for which permissions
/// hold (<see cref="Unprivileged"/>: root here, so the capabilities that read any file are dropped), and a file whose
/// read fails with EIO (/proc/self/mem at offset 0). Each is one line naming the path as given and what failed, exit 2,
/// nothing written.</summary>
public sealed class UnreadableInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Dataset()
    {
        var ds = _dir.File("ds");
        Directory.CreateDirectory(ds);
        File.WriteAllText(Path.Combine(ds, "hosts.csv"), DatasetFixture.Hosts);
        File.WriteAllText(Path.Combine(ds, "vms.csv"), DatasetFixture.Vms);
        File.WriteAllText(Path.Combine(ds, "usage.csv"), DatasetFixture.Usage);
        return ds;
    }

    /// <summary>A PlanetLab day folder of two VMs under src/.</summary>
    private string PlanetLabDay()
    {
        var day = _dir.File(Path.Combine("src", "20110411"));
        Directory.CreateDirectory(day);
        foreach (var vm in new[] { "a", "b" }) File.WriteAllText(Path.Combine(day, vm), string.Concat(Enumerable.Repeat("10\n", 288)));
        return day;
    }

    private static void Deny(string path)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Unix file modes");
        File.SetUnixFileMode(path, UnixFileMode.None);
    }

    /// <summary>case: what is unreadable; the error's start (the path as given) and its words.</summary>
    [SkippableTheory]
    [InlineData("dataset file", "ds/hosts.csv: cannot read the file: permission denied")]
    // A dataset folder that cannot be entered was "ds/hosts.csv: file not found": the file is there.
    [InlineData("dataset folder", "ds/hosts.csv: cannot reach the file: permission denied (a folder on its path cannot be entered)")]
    [InlineData("plan.json", "plan.json: cannot read the file: permission denied")]
    // Was "cannot read the config file (Access to the path '/tmp/.../cfg.toml' is denied.)": .NET's words, the full path.
    [InlineData("config file", "cfg.toml: cannot read the config file: permission denied")]
    [InlineData("image", "disk.raw: cannot read the file: permission denied")]
    // A source folder that cannot be listed was "error: permission denied", exit code 1, naming nothing.
    [InlineData("day folder", "src/20110411: cannot list the folder: permission denied")]
    [InlineData("source folder", "src: cannot list the folder: permission denied")]
    [InlineData("trace file", "src/20110411/b: cannot read the file: permission denied")]
    public void An_input_the_kernel_refuses_is_one_line_naming_it_exit_2_and_nothing_written(string what, string error)
    {
        Skip.If(Unprivileged.Missing is not null, $"file permissions cannot be made to hold here: {Unprivileged.Missing}");
        var outDir = _dir.File("out");
        string[] args;
        string denied;
        switch (what)
        {
            case "dataset file" or "dataset folder":
                denied = what == "dataset file" ? Path.Combine(Dataset(), "hosts.csv") : Dataset();
                args = ["plan", "ds", "--out", "out", "--time-limit", "2", "--no-plots"];
                break;
            case "plan.json":
                denied = _dir.File("plan.json");
                File.WriteAllText(denied, "{}");
                args = ["simulate", Dataset(), "plan.json", "--out", "out"];
                break;
            case "config file":
                denied = _dir.File("cfg.toml");
                File.WriteAllText(denied, "time_limit = 2\n");
                args = ["--config", "cfg.toml", "plan", Dataset(), "--out", "out", "--no-plots"];
                break;
            case "image":
                denied = _dir.File("disk.raw");
                File.WriteAllBytes(denied, new byte[1 << 16]);
                args = ["images", "scan", "disk.raw", "--out", Path.Combine("out", "images.csv")];
                Directory.CreateDirectory(outDir);
                break;
            default:
                var day = PlanetLabDay();
                denied = what switch { "day folder" => day, "source folder" => _dir.File("src"), _ => Path.Combine(day, "b") };
                args = ["import", "src", "--format", "planetlab", "--out", "out"];
                break;
        }
        Deny(denied);

        var (code, output, err) = Unprivileged.Cli(_dir.Path, args);

        Assert.True(code == 2, $"exit {code}: {err}");
        Assert.Equal($"error: {error}\n", err.Replace(_dir.Path + "/", ""));
        Assert.Equal("", output);
        HostileInputTests.AssertOneCleanLine(err);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "an output was written");
    }

    /// <summary>A dataset file whose read fails in the kernel (EIO: a link to /proc/self/mem, whose offset 0 no process maps):
    /// the same line as any failed read, exit 2, no stack trace.</summary>
    [SkippableFact]
    public void A_file_whose_read_fails_with_an_io_error_is_one_line_naming_it()
    {
        Skip.IfNot(File.Exists("/proc/self/mem"), "no /proc/self/mem (not Linux, or no /proc)");
        // Named where a file is read, an inventory: a dataset file linked to it is refused as outside its folder unread.
        var result = CliRunner.Run("import", PlanetLabDay(), "--format", "planetlab", "--hosts", "/proc/self/mem", "--out", _dir.File("out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: /proc/self/mem: cannot read the file: Input/output error\n", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(_dir.File("out")));
    }
}

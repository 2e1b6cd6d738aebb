using System.Diagnostics;
using System.Net.Sockets;
using Consolidator.Datasets;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>A pipe (FIFO), a socket or a device named where a file is read: opening a pipe to read waited for a writer,
/// for ever (usage.csv, a config file, plan.json, ...). Now refused before the open, one line naming the path, exit code
/// 2, nothing written; /dev/null still reads as the empty file it is. Where a file is written, a pipe blocked the check
/// of what is in the way, and a device (/dev/null) was replaced by the rename: refused too. Linux only (pipes and
/// statx); each command runs beside a watchdog that unblocks a command stuck on a pipe and fails the test, so that the
/// old behaviour is a failure rather than a hung suite.</summary>
public sealed class HostileFileKindTests
{
    internal static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>Runs the command; if it is still running after two minutes (the check is one stat call), it is stuck on
    /// a pipe: every pipe of <paramref name="pipes"/> is opened for reading and writing (which never waits) and closed,
    /// so that the reader sees an end, and the test fails.</summary>
    internal static CliRunner.Result RunBeside(string[] pipes, params string[] args)
    {
        var run = Task.Run(() => CliRunner.Run(args));
        if (run.Wait(TimeSpan.FromMinutes(2))) return run.Result;
        foreach (var pipe in pipes)
            using (new FileStream(pipe, FileMode.Open, FileAccess.ReadWrite)) { }
        run.Wait();
        Assert.Fail($"the command waited on a pipe it opened to read: {string.Join(" ", args)}");
        return run.Result;
    }

    private static void AssertRefused(CliRunner.Result result, string path, string what, string outDir)
    {
        CliRunner.AssertLocatedInputError(result, path, what, outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    [Theory]
    [InlineData("hosts.csv")]
    [InlineData("vms.csv")]
    [InlineData("usage.csv")]
    [InlineData("images.csv")]
    [InlineData("constraints.csv")]
    public void A_pipe_as_a_dataset_file_is_refused_at_once(string name)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        var path = data.PathOf(name);
        File.Delete(path);
        MakeFifo(path);
        var outDir = Path.Combine(data.Directory, "out");

        var result = RunBeside([path], "plan", data.Directory, "--out", outDir, "--no-simulate", "--no-plots");

        AssertRefused(result, path, "a pipe (FIFO), not a regular file", outDir);
    }

    [Fact]
    public void A_socket_as_vms_csv_is_refused()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        var path = data.PathOf("vms.csv");
        File.Delete(path);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        var outDir = Path.Combine(data.Directory, "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir);

        AssertRefused(result, path, "a socket, not a regular file", outDir);
    }

    [Fact]
    public void A_link_to_an_endless_device_is_refused_and_dev_null_is_an_empty_file()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "out");
        // A link out of a dataset folder is refused whatever it leads to (DatasetLinkTests); a device reached
        // through a link inside the folder is refused by its kind.
        File.Delete(data.PathOf("usage.csv"));
        File.CreateSymbolicLink(data.PathOf("usage.csv"), "/dev/zero");
        AssertRefused(CliRunner.Run("plan", data.Directory, "--out", outDir), data.PathOf("usage.csv"), "outside the dataset folder", outDir);

        File.Delete(data.PathOf("usage.csv"));
        File.CreateSymbolicLink(data.PathOf("zero"), "/dev/zero");
        File.CreateSymbolicLink(data.PathOf("usage.csv"), "zero");
        Assert.Contains("a character device, not a regular file", Assert.Throws<InputException>(() => InputFiles.Require(data.PathOf("usage.csv"))).Message);

        // /dev/null named where a file is read (an inventory) reads as the empty file it is.
        AssertRefused(CliRunner.Run("import", data.Directory, "--format", "planetlab", "--hosts", "/dev/null", "--out", outDir),
            "/dev/null", "the file is empty", outDir);
    }

    /// <summary>A link that points at itself (ELOOP) was an I/O failure, exit code 1: it is the input that is wrong.</summary>
    [Fact]
    public void A_loop_of_links_as_a_dataset_file_is_bad_input()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        File.Delete(data.PathOf("usage.csv"));
        File.CreateSymbolicLink(data.PathOf("usage.csv"), "usage.csv");
        var outDir = Path.Combine(data.Directory, "out");

        AssertRefused(CliRunner.Run("plan", data.Directory, "--out", outDir), data.PathOf("usage.csv"), "a symbolic link that cannot be followed to a file", outDir);
    }

    [Fact]
    public void A_pipe_as_an_image_manifest_is_refused_on_the_images_csv_row_that_names_it()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        File.WriteAllText(data.PathOf("images.csv"), "image_id,size_gib,parent,manifest\nbase,10,,base.blocks\n");
        MakeFifo(data.PathOf("base.blocks"));
        var outDir = Path.Combine(data.Directory, "out");

        var result = RunBeside([data.PathOf("base.blocks")], "plan", data.Directory, "--out", outDir);

        AssertRefused(result, data.PathOf("images.csv") + ":2, column 4 'manifest'", "a pipe (FIFO)", outDir);
    }

    public static TheoryData<string> PipedFileOptions => ["--config", "plan.json", "--simulation", "--allocation", "--vms", "--openstack-servers", "--lab", "planetlab", "bitbrains"];

    /// <summary>Every other place a command reads a file the user names: a config file, plan.json (simulate, export),
    /// simulation.json and allocation.csv (export), the Prometheus import's inventory, the lab's CSV, and the files of
    /// PlanetLab and Bitbrains folders.</summary>
    [Theory]
    [MemberData(nameof(PipedFileOptions))]
    public void A_pipe_where_a_command_reads_a_file_is_refused_at_once(string where)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        var pipe = tmp.File("pipe");
        var outDir = tmp.File("out");
        var planJson = tmp.File("plan.json");
        var plan = where is "plan.json" or "--config" ? null : CliRunner.Run("plan", data.Directory, "--out", tmp.File("plan"), "--no-plots", "--deterministic", "--time-limit", "5");
        if (plan is not null)
        {
            Assert.Equal(0, plan.ExitCode);
            planJson = Path.Combine(tmp.File("plan"), "plan.json");
        }
        string[] args;
        switch (where)
        {
            case "planetlab":
                Directory.CreateDirectory(tmp.File("20110411"));
                File.WriteAllText(tmp.File("20110411/a"), string.Concat(Enumerable.Repeat("10\n", 288)));
                pipe = tmp.File("20110411/b");
                args = ["import", "--format", "planetlab", tmp.File("20110411"), "--out", outDir];
                break;
            case "bitbrains":
                Directory.CreateDirectory(tmp.File("2013-7"));
                pipe = tmp.File("2013-7/1.csv");
                args = ["import", "--format", "bitbrains", tmp.File("2013-7"), "--out", outDir];
                break;
            case "plan.json":
                args = ["simulate", data.Directory, pipe, "--out", outDir];
                break;
            case "--config":
                args = ["plan", data.Directory, "--config", pipe, "--out", outDir];
                break;
            case "--simulation" or "--allocation":
                args = ["export", planJson, "--to", where == "--simulation" ? "libvirt" : "libvirt-allocation", where, pipe, "--out", outDir];
                break;
            case "--lab":
                args = ["calibrate", "--lab", pipe];
                break;
            default:
                args = ["import", "--format", "prometheus", "--url", "http://127.0.0.1:9", "--start", "2026-01-05T00:00:00Z", "--end", "2026-01-05T01:00:00Z",
                    "--hosts", data.PathOf("hosts.csv"), where, pipe, "--out", outDir];
                break;
        }
        MakeFifo(pipe);

        var result = RunBeside([pipe], args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{pipe}: a pipe (FIFO), not a regular file", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(outDir) || File.Exists(outDir), "nothing may be written on bad input");
    }

    [Fact]
    public void The_check_itself_tells_the_kinds_apart()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File("file"), "x");
        MakeFifo(tmp.File("pipe"));
        File.CreateSymbolicLink(tmp.File("link"), tmp.File("pipe"));

        Assert.Equal(FileKind.Regular, FileKinds.Of(tmp.File("file")));
        Assert.Equal(FileKind.Folder, FileKinds.Of(tmp.Path));
        Assert.Equal(FileKind.NamedPipe, FileKinds.Of(tmp.File("pipe")));
        Assert.Equal(FileKind.NamedPipe, FileKinds.Of(tmp.File("link")));
        Assert.Equal(FileKind.Null, FileKinds.Of("/dev/null"));
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of("/dev/zero"));
        Assert.Equal(FileKind.Unknown, FileKinds.Of(tmp.File("missing")));
        var refused = Assert.Throws<InputException>(() => InputFiles.Require(tmp.File("link")));
        Assert.Contains("a pipe (FIFO)", refused.Message);
        InputFiles.Require("/dev/null");
    }

    /// <summary>A single-file output (export's script, images.csv) checked what is in the way by reading it: a pipe
    /// blocked, and a device read as empty and was then replaced by the rename (as root, `export --out /dev/null` put a
    /// regular file where the system's null device was; shown here on a link, which the old code replaced instead).</summary>
    [Fact]
    public void A_pipe_or_a_device_where_a_single_file_is_written_is_refused_and_left_as_it_is()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("plan", data.Directory, "--out", tmp.File("plan"), "--no-plots", "--deterministic", "--time-limit", "5").ExitCode);
        var planJson = Path.Combine(tmp.File("plan"), "plan.json");
        MakeFifo(tmp.File("pipe"));
        File.CreateSymbolicLink(tmp.File("null"), "/dev/null");

        var piped = RunBeside([tmp.File("pipe")], "export", planJson, "--to", "libvirt", "--out", tmp.File("pipe"));
        var nulled = CliRunner.Run("export", planJson, "--to", "libvirt", "--out", tmp.File("null"));
        var scanned = RunBeside([tmp.File("pipe")], "images", "scan", planJson, "--out", tmp.File("pipe"));

        foreach (var (result, kind) in new[] { (piped, "a pipe (FIFO)"), (nulled, "the null device"), (scanned, "a pipe (FIFO)") })
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"{kind} is in the way, not a regular file", result.Err);
            HostileInputTests.AssertOneCleanLine(result.Err);
        }
        Assert.Equal(FileKind.NamedPipe, FileKinds.Of(tmp.File("pipe")));
        Assert.Equal("/dev/null", new FileInfo(tmp.File("null")).LinkTarget);
        Assert.Equal(FileKind.Null, FileKinds.Of("/dev/null"));
    }
}

using System.CommandLine;
using System.Diagnostics;
using Consolidator.Cli;
using Consolidator.Cli.Commands;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>I/O failures through the real commands: a wrong --out is refused before any work with exit code
/// 2; a failure while writing (full disk, file-size limit) is exit code 1 with one line naming the path and
/// what failed, no stack trace, and nothing written; an unexpected exception is one line too.</summary>
public class OutputFailureTests
{
    /// <summary>The CLI in a child process whose standard output bash redirects as <paramref name="redirect"/> says
    /// (`> /dev/full`, `>&-`): its exit code and what it wrote to standard error.</summary>
    private static (int ExitCode, string Err) RunWithStandardOutput(string redirect, string[] args)
    {
        var start = new ProcessStartInfo("/bin/bash", ["-c", $"exec \"$0\" \"$@\" {redirect}", ChildCli.Dotnet, ChildCli.Dll, .. args])
        {
            RedirectStandardError = true,
        };
        using var child = Process.Start(start)!;
        var err = child.StandardError.ReadToEnd();
        child.WaitForExit();
        return (child.ExitCode, err);
    }

    private static void OneLineNoTrace(string err)
    {
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", err);
        Assert.DoesNotContain("   at ", err);
        Assert.DoesNotContain("Exception", err);
    }

    [Fact]
    public void Plan_refuses_an_out_that_is_a_file_before_it_reads_the_dataset()
    {
        using var tmp = new TempDirectory();
        var file = tmp.File("taken");
        File.WriteAllText(file, "mine");

        // The dataset does not exist either: the --out error comes first, so nothing was read or solved.
        var result = CliRunner.Run("plan", tmp.File("no-such-dataset"), "--out", file);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        OneLineNoTrace(result.Err);
        Assert.Contains($"{file}: a file is in the way", result.Err);
        Assert.Equal("", result.Out);
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("sweep")]
    [InlineData("simulate")]
    [InlineData("generate")]
    [InlineData("import")]
    [InlineData("evaluate")]
    [InlineData("bench")]
    public void Every_command_checks_its_out_before_any_work(string command)
    {
        using var tmp = new TempDirectory();
        var mine = tmp.File("mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "keep");
        var missing = tmp.File("missing");
        string[] args = command switch
        {
            "plan" or "sweep" => [command, missing, "--out", mine],
            "simulate" => [command, missing, tmp.File("missing.json"), "--out", mine],
            "generate" => [command, "--out", mine],
            "import" => [command, "--format", "planetlab", missing, "--out", mine],
            "evaluate" => [command, missing, "--train", "1", "--test", "2", "--out", mine],
            _ => [command, "--out", mine, "--shared", missing, "--family", "planted", "--planted-hosts", "20"],
        };

        var result = CliRunner.Run(args);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        OneLineNoTrace(result.Err);
        Assert.Contains("not written by consolidator", result.Err);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(mine).Select(Path.GetFileName));
    }

    [Fact]
    public void Export_refuses_a_folder_as_its_script()
    {
        using var tmp = new TempDirectory();
        var result = CliRunner.Run("export", tmp.File("plan.json"), "--to", "libvirt", "--unchecked", "--out", tmp.Path);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        OneLineNoTrace(result.Err);
        Assert.Contains("a folder is in the way", result.Err);
    }

    [Fact]
    public void Plan_on_a_read_only_file_system_is_refused_before_any_work()
    {
        using var tmp = new TempDirectory();
        using var disk = Mounts.TryTmpfs(tmp.File("ro"), kib: 64, readOnly: true);
        if (disk is null) return; // needs root to mount a tmpfs; CI runs as root
        using var data = DatasetFixture.Create();

        var result = CliRunner.Run("plan", data.Directory, "--out", Path.Combine(disk.Path, "out"), "--deterministic", "--time-limit", "1");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        OneLineNoTrace(result.Err);
        Assert.Contains("Read-only file system", result.Err);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Plan_into_a_mount_point_is_refused_before_any_work_and_a_folder_inside_it_takes_the_plan()
    {
        using var tmp = new TempDirectory();
        using var volume = Mounts.TryTmpfs(tmp.File("volume"), kib: 4096);
        if (volume is null) return; // needs root to mount a tmpfs; CI runs as root
        using var data = DatasetFixture.Create();

        // A set is renamed into place, which a mount point refuses (EBUSY): the plan ran whole, then failed with exit code 1.
        var result = CliRunner.Run("plan", data.Directory, "--out", volume.Path, "--deterministic", "--time-limit", "1");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        OneLineNoTrace(result.Err);
        Assert.Contains("a mount point", result.Err);
        Assert.Contains($"write into a folder inside it (e.g. {volume.Path}/out)", result.Err);
        Assert.Equal("", result.Out);
        Assert.Empty(Directory.GetFileSystemEntries(volume.Path));
        var inside = CliRunner.Run("plan", data.Directory, "--out", Path.Combine(volume.Path, "out"), "--deterministic", "--time-limit", "1");
        Assert.Equal(0, inside.ExitCode);
        Assert.True(File.Exists(Path.Combine(volume.Path, "out", "plan.json")));
    }

    [Fact]
    public void Plan_on_a_full_disk_exits_1_naming_the_file_and_writes_nothing()
    {
        using var tmp = new TempDirectory();
        using var disk = Mounts.TryTmpfs(tmp.File("disk"), kib: 8); // two pages: the plan writes at least five files
        if (disk is null) return; // needs root to mount a tmpfs; CI runs as root
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(disk.Path, "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "1");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        OneLineNoTrace(result.Err);
        Assert.Contains($"{outDir}/", result.Err);
        Assert.Contains("No space left on device", result.Err);
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
    }

    [Fact]
    public void Generate_past_the_file_size_limit_exits_1_naming_the_file_and_writes_nothing()
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var outDir = tmp.File("data");
        // ulimit -f: writes past 100 KiB fail with EFBIG once SIGXFSZ is ignored. The runtime's write-xor-execute
        // mapping needs files of its own past that limit, so it is turned off for this process.
        var start = new ProcessStartInfo("/bin/bash", ["-c", "ulimit -f 100; trap '' XFSZ; exec \"$0\" \"$@\"", ChildCli.Dotnet, ChildCli.Dll, "generate", "--out", outDir, "--vms", "60", "--days", "3"])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, Environment = { ["DOTNET_EnableWriteXorExecute"] = "0" },
        };
        using var child = Process.Start(start)!;
        var err = child.StandardError.ReadToEnd();
        child.StandardOutput.ReadToEnd();
        child.WaitForExit();

        Assert.Equal(ExitCodes.Failure, child.ExitCode);
        OneLineNoTrace(err);
        Assert.Contains($"{outDir}/usage.csv: cannot write: File too large", err);
        Assert.Empty(Directory.GetFileSystemEntries(tmp.Path));
    }

    /// <summary>Standard output on a full disk (`> /dev/full`): the script `export` prints, or the summary, could not be
    /// written, and the one line said "error: No space left on device", naming nothing.</summary>
    [Fact]
    public void A_full_standard_output_is_named()
    {
        if (!File.Exists("/bin/bash") || !File.Exists("/dev/full")) return;
        using var tmp = new TempDirectory();
        var plan = OneMovePlan(tmp);
        var (exitCode, err) = RunWithStandardOutput("> /dev/full", ["export", plan, "--to", "libvirt", "--unchecked"]);

        Assert.Equal(ExitCodes.Failure, exitCode);
        OneLineNoTrace(err);
        Assert.Contains("error: standard output: cannot write: No space left on device", err);
    }

    /// <summary>The help on a full disk was an unhandled IOException, a stack trace and exit code 134; a closed standard
    /// output (`>&-`) the same for the help, and "error: permission denied" (naming nothing) for a command's summary.</summary>
    [Theory]
    [InlineData("> /dev/full", "No space left on device", "--help")]
    [InlineData("> /dev/full", "No space left on device", "plan", "--help")]
    [InlineData("> /dev/full", "No space left on device", "--version")]
    [InlineData(">&-", "Bad file descriptor", "--help")]
    [InlineData(">&-", "Bad file descriptor", "generate", "--out", "{out}", "--vms", "2", "--days", "1")]
    public void Help_and_summaries_to_a_standard_output_that_fails_are_one_line(string redirect, string reason, params string[] args)
    {
        if (!File.Exists("/bin/bash") || !File.Exists("/dev/full")) return;
        using var tmp = new TempDirectory();
        var (exitCode, err) = RunWithStandardOutput(redirect, [.. args.Select(a => a.Replace("{out}", tmp.File("out")))]);

        Assert.Equal(ExitCodes.Failure, exitCode);
        OneLineNoTrace(err);
        Assert.Contains($"error: standard output: cannot write: {reason}", err);
    }

    /// <summary>Standard error on a full disk or closed: the error line that cannot be written escaped its handler and the
    /// next, and the runtime aborted the process (exit code 134, SIGABRT) for a missing dataset or a bad option, which
    /// are exit code 2; a command that succeeded but could not print its warning is exit code 1, as one that cannot
    /// print its summary is, and its output is written.</summary>
    [Theory]
    [InlineData("2> /dev/full", ExitCodes.BadInput, "plan", "{missing}", "--out", "{out}")]
    [InlineData("2>&-", ExitCodes.BadInput, "plan", "{missing}", "--out", "{out}")]
    [InlineData("2> /dev/full", ExitCodes.BadInput, "plan", "{missing}", "--no-such-option")]
    [InlineData("2> /dev/full > /dev/full", ExitCodes.BadInput, "export", "{missing}", "--to", "libvirt", "--unchecked")]
    [InlineData("2> /dev/full > /dev/null", ExitCodes.Failure, "export", "{plan}", "--to", "libvirt", "--unchecked", "--out", "{out}")]
    public void A_standard_error_that_fails_keeps_the_exit_code(string redirect, int expected, params string[] args)
    {
        if (!File.Exists("/bin/bash") || !File.Exists("/dev/full")) return;
        using var tmp = new TempDirectory();
        var plan = OneMovePlan(tmp);
        var (exitCode, err) = RunWithStandardOutput(redirect,
            [.. args.Select(a => a.Replace("{out}", tmp.File("out")).Replace("{plan}", plan).Replace("{missing}", tmp.File("missing")))]);

        Assert.Equal(expected, exitCode);
        Assert.Equal("", err);
        // The script with its NOT CHECKED header is written; only the warning on standard error was lost.
        if (args.Contains("{plan}")) Assert.Contains("NOT CHECKED", File.ReadAllText(tmp.File("out")));
        else Assert.False(File.Exists(tmp.File("out")) || Directory.Exists(tmp.File("out")));
    }

    [Fact]
    public void A_dangling_symbolic_link_in_an_import_folder_is_named()
    {
        using var tmp = new TempDirectory();
        var day = tmp.File("20110411");
        Directory.CreateDirectory(day);
        File.WriteAllLines(Path.Combine(day, "vm-a"), Enumerable.Repeat("5", 288));
        File.CreateSymbolicLink(Path.Combine(day, "vm-b"), tmp.File("gone"));
        var outDir = tmp.File("data");

        var result = CliRunner.Run("import", "--format", "planetlab", day, "--out", outDir);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        OneLineNoTrace(result.Err);
        Assert.Contains($"{Path.Combine(day, "vm-b")}: a symbolic link to {tmp.File("gone")}, which does not exist", result.Err);
        Assert.False(Directory.Exists(outDir));
        Assert.Equal(["20110411"], Directory.GetFileSystemEntries(tmp.Path).Select(Path.GetFileName));
    }

    private static ParseResult Parsed(params string[] args)
    {
        var root = new RootCommand { new Option<bool>(Guard.VerboseOption) };
        return root.Parse(args);
    }

    [Fact]
    public void An_unexpected_exception_is_one_line_and_exit_1_and_verbose_adds_the_stack_trace()
    {
        var quiet = new StringWriter();
        var verbose = new StringWriter();
        int Crash() => throw new NullReferenceException("boom\u001b[31m");

        Assert.Equal(ExitCodes.Failure, Guard.Run(Parsed(), quiet, Crash));
        Assert.Equal(ExitCodes.Failure, Guard.Run(Parsed(Guard.VerboseOption), verbose, Crash));

        Assert.Single(quiet.ToString().TrimEnd('\n').Split('\n'));
        Assert.Contains("unexpected NullReferenceException: boom\\u001b[31m", quiet.ToString());
        Assert.DoesNotContain("\u001b", quiet.ToString());
        Assert.Contains("   at ", verbose.ToString());
    }

    [Fact]
    public void An_io_failure_outside_the_writer_names_the_path_in_one_line()
    {
        var err = new StringWriter();
        var code = Guard.Run(Parsed(), err, () => File.ReadAllBytes("/no/such/folder/file.csv").Length);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Single(err.ToString().TrimEnd('\n').Split('\n'));
        Assert.Contains("/no/such/folder/file.csv", err.ToString());
    }

    /// <summary>A hand-written plan.json that moves one VM (web-1, h1 to h2): enough for export to have a script to write.</summary>
    private static string OneMovePlan(TempDirectory tmp)
    {
        var plan = tmp.File("plan.json");
        File.WriteAllText(plan, """
            { "schema": "consolidator.plan/1", "placement": [ { "vm_id": "web-1", "host_id": "h2", "current_host": "h1" } ],
              "stages": [ { "stage": 1, "migrations": [ { "vm_id": "web-1", "from_host": "h1", "to_host": "h2", "kind": "move" } ] } ] }
            """);
        return plan;
    }
}

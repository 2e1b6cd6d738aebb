using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>Output folders whose names hold what a terminal acts on, or that cannot be folders at all.</summary>
public sealed class HostileOutputPathTests
{
    private const string Hostile = "ev\u001b[2Jil\nx";

    /// <summary>The "wrote ..." line printed the output path raw: a folder named with a newline split the line (stdout is
    /// parsed when redirected) and one with an escape sequence cleared the screen. A dataset's folder name becomes the
    /// default --out, so the name need not be the user's own. Now escaped, as in every error.</summary>
    [Theory]
    [InlineData("generate")]
    [InlineData("plan")]
    [InlineData("export")]
    [InlineData("images")]
    public void A_written_path_is_printed_escaped(string command)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        var outPath = tmp.File(Hostile);
        string[] args = command switch
        {
            "generate" => ["generate", "--vms", "4", "--days", "1", "--out", outPath],
            "plan" => ["plan", data.Directory, "--out", outPath, "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate"],
            "export" => ["export", PlanOf(data, tmp), "--to", "libvirt", "--out", outPath],
            _ => ["images", "scan", ImageIn(tmp), "--out", outPath],
        };

        var result = CliRunner.Run(args);

        Assert.True(result.ExitCode == 0, result.Err);
        var printed = result.Out + result.Err;
        Assert.Contains("ev\\u001b[2Jil\\nx", printed);
        Assert.DoesNotContain(printed, c => char.IsControl(c) && c is not '\n' and not '\r');
        Assert.Single(printed.Split('\n'), line => line.Contains("ev\\u001b[2Jil\\nx", StringComparison.Ordinal)); // one "wrote" line
    }

    private static string ImageIn(TempDirectory tmp)
    {
        File.WriteAllBytes(tmp.File("disk.raw"), [.. Enumerable.Range(0, 1 << 16).Select(i => (byte)(i * 7))]);
        return tmp.File("disk.raw");
    }

    private static string PlanOf(DatasetFixture data, TempDirectory tmp)
    {
        var made = CliRunner.Run("plan", data.Directory, "--out", tmp.File("plan"), "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate");
        Assert.True(made.ExitCode == 0, made.Err);
        return Path.Combine(tmp.File("plan"), "plan.json");
    }
    /// <summary>A symbolic link that leads nowhere (a loop of two links, or a link to nothing) named as --out, or as a
    /// folder above it, or as the dataset: the loop was .NET's "Too many levels of symbolic links in '...'" with exit
    /// code 1 (an I/O failure), and the others "... is a file" or "a file, not a dataset folder", which it is not.
    /// Now one line naming the link for what it is, exit code 2, nothing written.</summary>
    [Theory]
    [InlineData("loop", "")]
    [InlineData("loop", "/sub")]
    [InlineData("dangling", "/sub")]
    public void A_link_that_leads_nowhere_is_named_as_one(string link, string below)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        File.CreateSymbolicLink(tmp.File("loop"), tmp.File("loop2"));
        File.CreateSymbolicLink(tmp.File("loop2"), tmp.File("loop"));
        File.CreateSymbolicLink(tmp.File("dangling"), tmp.File("nothing"));
        var outPath = tmp.File(link) + below;

        foreach (var args in new[]
        {
            new[] { "plan", data.Directory, "--out", outPath, "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate" },
            ["plan", tmp.File(link), "--out", tmp.File("out"), "--deterministic", "--time-limit", "2"],
        })
        {
            var result = CliRunner.Run(args);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("a symbolic link that leads nowhere (a loop of links, or to a path that does not exist)", result.Err);
            Assert.Contains(tmp.File(link), result.Err);
            HostileInputTests.AssertOneCleanLine(result.Err);
            Assert.False(Directory.Exists(tmp.File("out")));
            Assert.False(Directory.Exists(tmp.File("nothing")));
        }
    }
    /// <summary>A single-file output named by a symbolic link: the new file was renamed over the link, replacing the link
    /// and leaving the file it led to as it was. `export --out /dev/stdout` with stdout redirected to a file (the link
    /// /dev/stdout -> /proc/self/fd/1 leads to it) so replaced the system's /dev/stdout with a regular file (as root).
    /// Now the link stands for the file it leads to, as a link to a folder does for an output set.</summary>
    [Fact]
    public void A_script_written_through_a_symbolic_link_replaces_the_file_it_leads_to()
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        Directory.CreateDirectory(tmp.File("real"));
        File.WriteAllText(tmp.File("real/migrate.sh"), "");
        File.CreateSymbolicLink(tmp.File("migrate.sh"), tmp.File("real/migrate.sh"));

        var result = CliRunner.Run("export", PlanOf(data, tmp), "--to", "libvirt", "--out", tmp.File("migrate.sh"));

        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Equal(tmp.File("real/migrate.sh"), new FileInfo(tmp.File("migrate.sh")).LinkTarget);
        Assert.Contains(Consolidator.Export.ShellScript.Marker, File.ReadAllText(tmp.File("real/migrate.sh")));
    }

    /// <summary>A link that leads nowhere named as a single file's --out: a dangling link was replaced by the script
    /// (exit 0), a loop of links refused as "a file ... cannot be read". Named for what it is, exit 2, nothing written.</summary>
    [Theory]
    [InlineData("dangling")]
    [InlineData("loop")]
    public void A_script_through_a_link_that_leads_nowhere_is_refused(string link)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        File.CreateSymbolicLink(tmp.File("loop"), tmp.File("loop2"));
        File.CreateSymbolicLink(tmp.File("loop2"), tmp.File("loop"));
        File.CreateSymbolicLink(tmp.File("dangling"), tmp.File("nothing"));
        var plan = PlanOf(data, tmp);

        var result = CliRunner.Run("export", plan, "--to", "libvirt", "--out", tmp.File(link));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(FileKinds.BrokenLinkWords, result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.NotNull(new FileInfo(tmp.File(link)).LinkTarget);
        Assert.False(File.Exists(tmp.File("nothing")));
    }
    /// <summary>A link to a file of an output set (plan.csv) is that file: refused as the file itself is.</summary>
    [Fact]
    public void A_link_to_a_file_of_an_output_set_is_refused_as_that_file()
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        var plan = PlanOf(data, tmp);
        File.CreateSymbolicLink(tmp.File("script.sh"), Path.Combine(tmp.File("plan"), "plan.csv"));

        var result = CliRunner.Run("export", plan, "--to", "libvirt", "--out", tmp.File("script.sh"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("this is a file of the plan output", result.Err);
        Assert.NotNull(new FileInfo(tmp.File("script.sh")).LinkTarget);
    }
    /// <summary>"--out -", standard output in many tools: a file or folder named "-" was written in the current folder
    /// and nothing reached the pipe (exit 0). Refused by name.</summary>
    [Theory]
    [InlineData("export")]
    [InlineData("generate")]
    public void A_dash_as_out_is_refused(string command)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        string[] args = command == "export"
            ? ["export", PlanOf(data, tmp), "--to", "libvirt", "--out", "-"]
            : ["generate", "--vms", "4", "--days", "1", "--out", "-"];

        var existed = Path.Exists("-");

        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        // generate was told to "leave --out out to print a script on standard output": its --out is required, a folder.
        Assert.Contains(command == "export" ? "'-' is no standard output here: name a file (export prints its script on standard output when --out is left out)"
            : "'-' is no standard output here: this output is a folder of files; name a folder", result.Err);
        Assert.Equal(existed, Path.Exists("-"));
    }

    /// <summary>A name too long for the temporary sibling the output is first written as (a file name holds 255 bytes):
    /// a 250-byte folder or script name was "the path is too long", exit code 1, as an I/O failure; now refused before
    /// any work, exit 2. A 209-byte folder name is still written.</summary>
    [Theory]
    [InlineData("plan", 210)]
    [InlineData("export", 210)]
    [InlineData("plan", 209)]
    public void An_output_name_too_long_for_its_temporary_sibling_is_refused_first(string command, int bytes)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        var plan = command == "export" ? PlanOf(data, tmp) : null;
        var outPath = tmp.File(new string('o', bytes));

        var result = command == "export"
            ? CliRunner.Run("export", plan!, "--to", "libvirt", "--out", outPath)
            : CliRunner.Run("plan", data.Directory, "--out", outPath, "--deterministic", "--time-limit", "1", "--no-plots");

        if (bytes <= 209)
        {
            Assert.True(result.ExitCode == 0, result.Err);
            Assert.True(File.Exists(Path.Combine(outPath, "plan.json")));
            return;
        }
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"name of at most 209 bytes", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Path.Exists(outPath));
    }
    /// <summary>`export --out` through a symbolic link writes beside the file the link leads to, under that file's name:
    /// the length checked was the link's. A short link to a 250-byte name passed the check and failed after the work
    /// ("the path is too long", exit code 1); a 250-byte link to a short name was refused for nothing.</summary>
    [Theory]
    [InlineData(4, 250)]
    [InlineData(250, 4)]
    public void A_script_through_a_link_is_judged_by_the_name_it_leads_to(int linkBytes, int targetBytes)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        var plan = PlanOf(data, tmp);
        var target = tmp.File(new string('t', targetBytes));
        File.WriteAllText(target, "");
        var link = tmp.File(new string('l', linkBytes));
        File.CreateSymbolicLink(link, target);

        var result = CliRunner.Run("export", plan, "--to", "libvirt", "--out", link);

        if (targetBytes <= SetFolderMaxNameBytes)
        {
            Assert.True(result.ExitCode == 0, result.Err);
            Assert.Contains("virsh", File.ReadAllText(target));
            return;
        }
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("name of at most 209 bytes", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.Equal("", File.ReadAllText(target));
    }

    private const int SetFolderMaxNameBytes = 209;
    /// <summary>A plan folder read through a symbolic link (`export link/plan.json`, `simulate DATA link/plan.json`) is
    /// held by the lock of the folder the link leads to, the one a run replacing that folder takes; the link's own lock
    /// file does not exist, so the plan and its simulation were read with no lock at all.</summary>
    [Fact]
    public void A_set_read_through_a_link_holds_the_lock_of_the_folder_it_leads_to()
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        var plan = PlanOf(data, tmp);
        var link = tmp.File("link");
        Directory.CreateSymbolicLink(link, Path.GetDirectoryName(plan)!);

        using var held = Consolidator.Output.OutputSet.ReadLock(link);

        Assert.NotNull(held);
        Assert.False(File.Exists(tmp.File(".link.lock")));
    }
}

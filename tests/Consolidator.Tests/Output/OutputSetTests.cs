using Consolidator.Output;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Output;

/// <summary>The one writer of output sets: a set replaces its folder whole or not at all, refuses folders
/// that hold anything it did not write, and cleans up after runs that were killed.</summary>
public class OutputSetTests
{
    private static OutputFile[] Set(string tag, params string[] names) =>
        [.. names.Select(n => OutputFile.Text(n, $"{tag} {n}\n"))];

    private static string[] Listing(string dir) =>
        [.. Directory.EnumerateFileSystemEntries(dir).Select(e => Path.GetFileName(e)!).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_new_folder_gets_the_files_and_a_manifest_and_nothing_is_left_beside_it()
    {
        using var tmp = new TempDirectory();
        var dir = Path.Combine(tmp.Path, "a", "out");

        OutputSet.Write(dir, OutputKind.Plan, Set("one", "plan.json", "plan.csv"));

        Assert.Equal([".consolidator-output", "plan.csv", "plan.json"], Listing(dir));
        Assert.Equal("one plan.json\n", File.ReadAllText(Path.Combine(dir, "plan.json")));
        Assert.Equal(["out"], Listing(Path.Combine(tmp.Path, "a")));
        Assert.Contains("kind plan", File.ReadAllText(Path.Combine(dir, ".consolidator-output")));
    }

    [Fact]
    public void A_rerun_replaces_the_set_whole()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("out");
        OutputSet.Write(dir, OutputKind.Plan, Set("one", "plan.json", "simulation.json"));

        OutputSet.Write(dir, OutputKind.Plan, Set("two", "plan.json"));

        // simulation.json belonged to the old run: it must not sit beside the new plan.
        Assert.Equal([".consolidator-output", "plan.json"], Listing(dir));
        Assert.Equal("two plan.json\n", File.ReadAllText(Path.Combine(dir, "plan.json")));
    }

    [Fact]
    public void A_failure_while_writing_keeps_the_old_set_and_leaves_no_temporary_folder()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("out");
        OutputSet.Write(dir, OutputKind.Plan, Set("old", "plan.json", "plan.csv"));

        Assert.Throws<InvalidOperationException>(() => OutputSet.Write(dir, OutputKind.Plan,
        [
            OutputFile.Text("plan.json", "new"),
            OutputFile.Text("plan.csv", _ => throw new InvalidOperationException("boom")),
        ]));

        Assert.Equal("old plan.json\n", File.ReadAllText(Path.Combine(dir, "plan.json")));
        Assert.Equal(["out"], Listing(tmp.Path));
    }

    [Fact]
    public void A_folder_with_files_the_tool_did_not_write_is_refused_and_left_alone()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("mine");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "keep me");

        var check = Assert.Throws<OutputException>(() => OutputSet.Check(dir, OutputKind.Plan));
        var write = Assert.Throws<OutputException>(() => OutputSet.Write(dir, OutputKind.Plan, Set("x", "plan.json")));

        Assert.True(check.IsUsage);
        Assert.Contains("not empty", check.Message);
        Assert.Contains("not empty", write.Message);
        Assert.Equal(["notes.txt"], Listing(dir));
    }

    [Fact]
    public void A_file_added_by_hand_to_an_output_set_is_named_and_kept()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("out");
        OutputSet.Write(dir, OutputKind.Dataset, Set("x", "hosts.csv"));
        File.WriteAllText(Path.Combine(dir, "constraints.csv"), "mine");

        var e = Assert.Throws<OutputException>(() => OutputSet.Write(dir, OutputKind.Dataset, Set("y", "hosts.csv")));

        Assert.Contains("'constraints.csv'", e.Message.Replace("(", "'").Replace(")", "'"));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "constraints.csv")));
        Assert.Equal("x hosts.csv\n", File.ReadAllText(Path.Combine(dir, "hosts.csv")));
    }

    [Fact]
    public void Another_commands_output_is_never_replaced()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("out");
        OutputSet.Write(dir, OutputKind.Plan, Set("x", "plan.json"));

        var e = Assert.Throws<OutputException>(() => OutputSet.Check(dir, OutputKind.Simulation));

        Assert.True(e.IsUsage);
        Assert.Contains("output of another command (plan)", e.Message);
    }

    [Fact]
    public void A_file_in_the_way_is_refused_before_and_at_the_write()
    {
        using var tmp = new TempDirectory();
        var file = tmp.File("plan.json");
        File.WriteAllText(file, "x");

        Assert.Contains("a file is in the way", Assert.Throws<OutputException>(() => OutputSet.Check(file, OutputKind.Plan)).Message);
        Assert.Contains("a file is in the way", Assert.Throws<OutputException>(() => OutputSet.Write(file, OutputKind.Plan, Set("y", "a"))).Message);
        Assert.Contains("is a file", Assert.Throws<OutputException>(() => OutputSet.Check(Path.Combine(file, "sub"), OutputKind.Plan)).Message);
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void Check_writes_nothing_and_creates_no_folder()
    {
        using var tmp = new TempDirectory();
        OutputSet.Check(tmp.File("a/b/c"), OutputKind.Plan);
        Assert.Empty(Listing(tmp.Path));
    }

    [Fact]
    public void The_next_run_removes_what_killed_runs_left_and_restores_a_set_moved_aside()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("out");
        OutputSet.Write(dir, OutputKind.Plan, Set("old", "plan.json"));
        // A run killed while writing leaves its fresh sibling; one killed between the two renames of the
        // fallback swap leaves the old set aside and no folder.
        Directory.CreateDirectory(tmp.File(".out.new-gone-0123"));
        File.WriteAllText(tmp.File(".out.new-gone-0123/plan.json"), "half");
        Directory.Move(dir, tmp.File(".out.old-4567"));

        // Recovered under the lock before the swap: the old set goes back in place, then is replaced.
        OutputSet.Write(dir, OutputKind.Plan, Set("new", "plan.json"));

        Assert.Equal("new plan.json\n", File.ReadAllText(Path.Combine(dir, "plan.json")));
        Assert.Equal(["out"], Listing(tmp.Path));
    }

    [Fact]
    public void Temporary_files_of_the_writer_before_output_sets_do_not_make_a_folder_foreign()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("out");
        OutputSet.Write(dir, OutputKind.Plan, Set("old", "plan.json"));
        File.WriteAllText(Path.Combine(dir, ".plan.json.0123456789abcdef0123456789abcdef.tmp"), "half");

        OutputSet.Write(dir, OutputKind.Plan, Set("new", "plan.json"));

        Assert.Equal([".consolidator-output", "plan.json"], Listing(dir));
    }

    [Fact]
    public void The_writability_probe_of_a_killed_run_is_removed_by_the_next_check_and_a_live_one_is_kept()
    {
        using var tmp = new TempDirectory();
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        // A run killed between creating and closing its probe leaves it, named with its process id.
        var dead = Path.Combine(tmp.Path, $".consolidator-probe-{gone.Id}-0123456789abcdef");
        var live = Path.Combine(tmp.Path, $".consolidator-probe-{Environment.ProcessId}-0123456789abcdef");
        File.WriteAllText(dead, "");
        File.WriteAllText(live, "");

        OutputSet.Check(tmp.File("out"), OutputKind.Plan);

        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
    }

    [Fact]
    public void A_symbolic_link_to_a_folder_is_followed_and_stays_a_link()
    {
        using var tmp = new TempDirectory();
        var real = tmp.File("real");
        Directory.CreateDirectory(real);
        var link = tmp.File("link");
        Directory.CreateSymbolicLink(link, real);

        OutputSet.Write(link, OutputKind.Plan, Set("x", "plan.json"));

        Assert.NotNull(new DirectoryInfo(link).LinkTarget);
        Assert.Equal("x plan.json\n", File.ReadAllText(Path.Combine(real, "plan.json")));
    }

    [Fact]
    public void A_single_file_beside_a_set_joins_its_manifest_and_goes_with_the_next_run()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("out");
        OutputSet.Write(dir, OutputKind.Plan, Set("one", "plan.json"));

        OutputSet.WriteFile(Path.Combine(dir, "migrate.sh"), OutputFile.Text("migrate.sh", "# mine\necho 1\n"), "# mine");
        OutputSet.WriteFile(Path.Combine(dir, "migrate.sh"), OutputFile.Text("migrate.sh", "# mine\necho 2\n"), "# mine");

        Assert.Equal("# mine\necho 2\n", File.ReadAllText(Path.Combine(dir, "migrate.sh")));
        Assert.Equal([".consolidator-output", "migrate.sh", "plan.json"], Listing(dir));
        // The script belongs to the old plan: the next plan replaces the folder, script included.
        OutputSet.Write(dir, OutputKind.Plan, Set("two", "plan.json"));
        Assert.Equal([".consolidator-output", "plan.json"], Listing(dir));
    }

    [Fact]
    public void A_single_file_may_not_replace_a_file_of_a_set_nor_a_folder()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("out");
        OutputSet.Write(dir, OutputKind.Plan, Set("one", "plan.json"));

        var set = Assert.Throws<OutputException>(() => OutputSet.CheckFile(Path.Combine(dir, "plan.json"), "# mine"));
        var folder = Assert.Throws<OutputException>(() => OutputSet.WriteFile(dir, OutputFile.Text("x", "y"), "# mine"));

        Assert.Contains("a file of the plan output", set.Message);
        Assert.Contains("a folder is in the way", folder.Message);
        Assert.Equal("one plan.json\n", File.ReadAllText(Path.Combine(dir, "plan.json")));
    }

    [Fact]
    public void A_full_disk_is_an_error_naming_the_file_and_the_old_set_survives()
    {
        using var tmp = new TempDirectory();
        using var disk = Mounts.TryTmpfs(tmp.File("disk"), kib: 64);
        if (disk is null) return; // needs root to mount a tmpfs; CI runs as root
        var dir = Path.Combine(disk.Path, "out");
        OutputSet.Write(dir, OutputKind.Plan, Set("old", "plan.json"));

        // big.png first: it cannot fit whatever the order the files are written in on several threads, and
        // the first failure in the set's order is the one reported (plan.json may fail too, once big.png
        // has filled the disk).
        var e = Assert.Throws<OutputException>(() => OutputSet.Write(dir, OutputKind.Plan,
            [OutputFile.Bytes("big.png", new byte[1 << 20]), OutputFile.Text("plan.json", "new")]));

        Assert.False(e.IsUsage, e.Message);
        Assert.True(e.Message.Contains(Path.Combine(dir, "big.png"), StringComparison.Ordinal), e.Message);
        Assert.True(e.Message.Contains("No space left on device", StringComparison.Ordinal), e.Message);
        Assert.Equal("old plan.json\n", File.ReadAllText(Path.Combine(dir, "plan.json")));
        Assert.Equal(["out"], Listing(disk.Path));
    }

    [Fact]
    public void A_read_only_file_system_is_refused_before_any_work()
    {
        using var tmp = new TempDirectory();
        using var disk = Mounts.TryTmpfs(tmp.File("ro"), kib: 64, readOnly: true);
        if (disk is null) return; // needs root to mount a tmpfs; CI runs as root

        var e = Assert.Throws<OutputException>(() => OutputSet.Check(Path.Combine(disk.Path, "out"), OutputKind.Plan));
        var file = Assert.Throws<OutputException>(() => OutputSet.CheckFile(Path.Combine(disk.Path, "migrate.sh"), "# mine"));

        Assert.True(e.IsUsage);
        Assert.Contains("Read-only file system", e.Message);
        Assert.Contains("Read-only file system", file.Message);
    }

    [Fact]
    public async Task Runs_into_one_folder_at_once_take_turns_and_a_reader_never_sees_a_mix()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("out");
        string[] names = ["plan.json", "plan.csv", "simulation.json", "simulation.csv"];
        OutputSet.Write(dir, OutputKind.Plan, Set("run-0", names));
        var mixes = new List<string>();
        using var stop = new CancellationTokenSource();

        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using (OutputSet.ReadLock(dir))
                {
                    var tags = names.Select(n => File.ReadAllText(Path.Combine(dir, n)).Split(' ')[0]).Distinct().ToArray();
                    if (tags.Length != 1) lock (mixes) mixes.Add(string.Join(",", tags));
                }
            }
        });
        var writers = Enumerable.Range(1, 6).Select(i => Task.Run(() =>
        {
            for (var k = 0; k < 5; k++) OutputSet.Write(dir, OutputKind.Plan, Set($"run-{i}.{k}", names));
        })).ToArray();
        await Task.WhenAll(writers);
        stop.Cancel();
        await reader;

        Assert.Empty(mixes);
        Assert.Equal([".consolidator-output", .. names.Order(StringComparer.Ordinal)], Listing(dir));
        Assert.Equal(["out"], Listing(tmp.Path));
    }

    /// <summary>Every run left its '.NAME.lock' beside the output folder (a reader of a set too, once a run had made it):
    /// the last holder now removes it. A reader of a set creates it when it is not there, so a run starting meanwhile
    /// still waits for the reader.</summary>
    [Fact]
    public async Task No_lock_file_is_left_beside_the_folder_and_a_reader_still_holds_writers_off()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("out");
        OutputSet.Write(dir, OutputKind.Plan, Set("one", "plan.json"));
        Assert.Equal(["out"], Listing(tmp.Path));

        var waited = false;
        Task writer;
        using (OutputSet.ReadLock(dir))
        {
            Assert.Equal([".out.lock", "out"], Listing(tmp.Path));
            writer = Task.Run(() => OutputSet.Write(dir, OutputKind.Plan, Set("two", "plan.json"), () => waited = true));
            SpinWait.SpinUntil(() => waited || writer.IsCompleted);
            Assert.True(waited, "a writer must wait for the reader");
            Assert.False(writer.IsCompleted);
            Assert.Equal("one plan.json\n", File.ReadAllText(Path.Combine(dir, "plan.json")));
        }
        await writer;
        Assert.Equal("two plan.json\n", File.ReadAllText(Path.Combine(dir, "plan.json")));
        Assert.Equal(["out"], Listing(tmp.Path));
        Assert.Null(OutputSet.ReadLock(tmp.Path));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(tmp.Path)!, "." + Path.GetFileName(tmp.Path) + ".lock")));
    }

    /// <summary>A run that opened the lock file just before its holder removed it, and locked it just after: the lock it
    /// holds is on a file no later run can see, so it lets go and takes the one at the path.</summary>
    [Fact]
    public void A_lock_taken_on_a_file_removed_meanwhile_is_let_go()
    {
        if (!OperatingSystem.IsLinux()) return; // the check reads the open file's name from /proc; elsewhere the file stays
        using var tmp = new TempDirectory();
        var path = tmp.File(".out.lock");
        File.WriteAllText(path, "");
        var opened = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        File.Delete(path);

        Assert.Null(SetLock.Take(opened, path, exclusive: true));
        Assert.Throws<ObjectDisposedException>(() => opened.Length);
        using (var held = SetLock.Exclusive(path, null)) Assert.True(File.Exists(path));
        Assert.False(File.Exists(path));
    }

    /// <summary>Removing a lock file while another run has it open but not yet locked would let that run lock a file no
    /// later run sees: two holders at once. Each holder checks, once it holds the lock, that its file is still the one at
    /// the path. Threads taking the lock (exclusive and shared) while the last one out removes the file never overlap a
    /// writer with anyone.</summary>
    [Fact]
    public void A_lock_whose_file_is_removed_by_its_last_holder_is_never_held_twice()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File(".out.lock");
        var (writers, readers, overlaps) = (0, 0, 0);
        var gate = new object();
        void Enter(bool exclusive)
        {
            lock (gate)
            {
                if (exclusive ? writers + readers > 0 : writers > 0) overlaps++;
                if (exclusive) writers++;
                else readers++;
            }
        }
        void Leave(bool exclusive)
        {
            lock (gate)
            {
                if (exclusive) writers--;
                else readers--;
            }
        }

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            var exclusive = t % 2 == 0;
            for (var k = 0; k < 400; k++)
            {
                using var held = exclusive ? SetLock.Exclusive(path, null) : SetLock.Shared(path, create: true);
                Assert.NotNull(held);
                Enter(exclusive);
                Thread.Yield();
                Leave(exclusive);
            }
        });

        Assert.Equal(0, overlaps);
        Assert.False(File.Exists(path));
    }
}

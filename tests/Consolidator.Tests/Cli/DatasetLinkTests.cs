using Consolidator.Datasets;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>Links that lead a dataset's files out of its folder (DatasetFolder's rule): a dataset from elsewhere whose
/// hosts.csv was a link to /etc/shadow had its reader quote up to 80 characters of that file's first line in the error
/// (root's password hash; here a stand-in file outside the folder). Every dataset file, and a manifest reached through a
/// linked subfolder, is now refused before it is read: one line naming the path, exit 2, nothing written, nothing of
/// the file quoted. Links inside the folder, and a folder reached through a link, read as before.</summary>
public sealed class DatasetLinkTests : IDisposable
{
    private const string Secret = "root:$y$j9T$NotARealHashButAStandInForOne:19000:0:99999:7:::";

    private readonly TempDirectory _outside = new();

    public void Dispose() => _outside.Dispose();

    private string SecretFile()
    {
        File.WriteAllText(_outside.File("shadow"), Secret + "\ndaemon:*:19000:0:99999:7:::\n");
        return _outside.File("shadow");
    }

    private static void AssertRefusedUnquoted(CliRunner.Result result, string where, string outDir)
    {
        CliRunner.AssertLocatedInputError(result, where, "outside the dataset folder", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.DoesNotContain("NotARealHash", result.Err);
        Assert.DoesNotContain("root:", result.Err);
    }

    [Theory]
    [InlineData("hosts.csv")]
    [InlineData("vms.csv")]
    [InlineData("usage.csv")]
    [InlineData("images.csv")]
    [InlineData("constraints.csv")]
    public void A_dataset_file_linked_to_a_file_outside_the_folder_is_refused_unread(string name)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        File.Delete(data.PathOf(name));
        File.CreateSymbolicLink(data.PathOf(name), SecretFile());
        var outDir = Path.Combine(data.Directory, "out");

        AssertRefusedUnquoted(CliRunner.Run("plan", data.Directory, "--out", outDir, "--no-plots"), data.PathOf(name), outDir);
    }

    /// <summary>The manifest's name is plain and relative ('blocks/base.blocks', which ManifestProblem lets by), but the
    /// subfolder is a link out: the row that names it is blamed.</summary>
    [Fact]
    public void A_manifest_in_a_linked_subfolder_that_leaves_the_folder_is_refused_at_its_row()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        File.Copy(SecretFile(), _outside.File("base.blocks"));
        Directory.CreateSymbolicLink(data.PathOf("blocks"), _outside.Path);
        File.WriteAllText(data.PathOf("images.csv"), "image_id,size_gib,parent,manifest\nbase,10,,blocks/base.blocks\n");
        var outDir = Path.Combine(data.Directory, "out");

        AssertRefusedUnquoted(CliRunner.Run("plan", data.Directory, "--out", outDir, "--no-plots"),
            data.PathOf("images.csv") + ":2, column 4 'manifest'", outDir);
    }

    /// <summary>A link out to what would block or never end (a pipe, /dev/zero) is refused by the same rule, before any
    /// open: no wait on the pipe.</summary>
    [Fact]
    public void A_link_out_to_a_pipe_or_a_device_is_refused_before_it_is_opened()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        HostileFileKindTests.MakeFifo(_outside.File("pipe"));
        File.Delete(data.PathOf("usage.csv"));
        File.CreateSymbolicLink(data.PathOf("usage.csv"), _outside.File("pipe"));
        File.Delete(data.PathOf("vms.csv"));
        File.CreateSymbolicLink(data.PathOf("vms.csv"), "/dev/zero");
        var outDir = Path.Combine(data.Directory, "out");

        var result = HostileFileKindTests.RunBeside([_outside.File("pipe")], "plan", data.Directory, "--out", outDir);

        AssertRefusedUnquoted(result, data.PathOf("vms.csv"), outDir);
        Assert.Contains("/dev/zero", result.Err);
    }

    /// <summary>What stays allowed: links among the folder's own files (a month's usage kept under a dated name), a
    /// linked subfolder that stays inside, and the folder itself reached through a link (datasets/current).</summary>
    [Fact]
    public void Links_inside_the_folder_and_a_linked_folder_read_as_before()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        Directory.CreateDirectory(data.PathOf("months"));
        File.Move(data.PathOf("usage.csv"), data.PathOf(Path.Combine("months", "usage-2026-01.csv")));
        File.CreateSymbolicLink(data.PathOf("usage.csv"), Path.Combine("months", "usage-2026-01.csv"));
        Directory.CreateSymbolicLink(data.PathOf("blocks"), "months");
        File.WriteAllText(data.PathOf(Path.Combine("months", "base.blocks")), "block_kib 1024\n" + new string('a', 64) + "\n");
        File.WriteAllText(data.PathOf("images.csv"), "image_id,size_gib,parent,manifest\nbase,10,,blocks/base.blocks\n");
        var current = _outside.File("current");
        Directory.CreateSymbolicLink(current, data.Directory);

        var direct = DatasetReader.Read(data.Directory, fingerprint: true);
        var linked = DatasetReader.Read(current, fingerprint: true);

        Assert.Equal(3, direct.Vms.Length);
        Assert.Equal(9, direct.Usage.Sum(s => s.Count));
        Assert.Single(direct.Images);
        Assert.Equal(direct.Fingerprint, linked.Fingerprint);
    }

    /// <summary>The check-then-open gap: the path was checked (realpath) and then opened by name, so a link swapped
    /// between the two (`ln -sfn` on a shared or synced folder while the dataset is read) had the reader open, parse and
    /// use the file it named then. Here a thread swaps each of hosts.csv, vms.csv and usage.csv (rename(2) of a fresh
    /// link, atomic) between its file inside and a copy outside that parses but differs, while the dataset is read again
    /// and again: every read must give the inside files' dataset or refuse a link, never use an outside copy. A race by
    /// nature: on the old code it failed in 3 of 3 runs here (see the commit), and it cannot fail on the new code, which
    /// checks the file opened, whatever the timing.</summary>
    [Fact]
    public async Task A_link_swapped_out_between_the_check_and_the_open_is_never_read()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var data = DatasetFixture.Create();
        var expected = DatasetReader.Read(data.Directory);
        var outside = new Dictionary<string, string>
        {
            ["hosts.csv"] = DatasetFixture.Hosts + "stolen,8,8192,50,100\n",
            ["vms.csv"] = DatasetFixture.Vms.Replace("vm3,8,16384", "vm3,8,16000", StringComparison.Ordinal),
            ["usage.csv"] = DatasetFixture.Usage.Replace("vm3,6,12000", "vm3,7,12000", StringComparison.Ordinal),
        };
        foreach (var (name, text) in outside)
        {
            File.Move(data.PathOf(name), data.PathOf("real-" + name));
            File.WriteAllText(_outside.File(name), text);
            File.CreateSymbolicLink(data.PathOf(name), "real-" + name);
        }
        using var stop = new CancellationTokenSource();
        var swapper = Task.Run(() =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
                foreach (var name in outside.Keys)
                {
                    var swap = data.PathOf(name + ".swap");
                    File.CreateSymbolicLink(swap, n % 2 == 0 ? _outside.File(name) : "real-" + name);
                    File.Move(swap, data.PathOf(name), overwrite: true);
                }
        });
        const int Reads = 500;
        int read = 0, refused = 0;
        try
        {
            for (var i = 0; i < Reads; i++)
            {
                try
                {
                    var dataset = DatasetReader.Read(data.Directory);
                    Assert.Equal(expected.Hosts.Select(h => h.Id), dataset.Hosts.Select(h => h.Id));
                    Assert.Equal(expected.Vms.Select(v => v.MemoryMib), dataset.Vms.Select(v => v.MemoryMib));
                    Assert.Equal(expected.Usage.Sum(u => u.CpuCores.Sum()), dataset.Usage.Sum(u => u.CpuCores.Sum()));
                    read++;
                }
                catch (InputException e) when (e.Message.Contains("outside the dataset folder", StringComparison.Ordinal))
                {
                    refused++;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await swapper;
        }
        Assert.Equal(Reads, read + refused);
    }
}

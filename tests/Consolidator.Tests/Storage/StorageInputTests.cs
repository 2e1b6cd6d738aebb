using Consolidator.Datasets;
using Consolidator.Inventory;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Storage;

/// <summary>The storage columns of hosts.csv and vms.csv, images.csv and usage's disk_write_kib_s: read,
/// written back, and every bad value located (file, line, column), exit 2, nothing written.</summary>
public class StorageInputTests
{
    public const string Hosts =
        """
        host_id,cpu_cores,memory_mib,idle_watts,max_watts,storage,disk_gib
        h1,16,65536,100,250,local,100
        h2,32,131072,120,400,shared,

        """;

    public const string Vms =
        """
        vm_id,vcpus,memory_mib,current_host,disk_gib,image_id
        vm1,2,4096,h1,30,ubuntu
        vm2,4,8192,h1,,web
        vm3,8,16384,h2,12.5,

        """;

    public const string Images =
        """
        image_id,size_gib,parent,shared_gib
        ubuntu,20,,
        web,24,ubuntu,18

        """;

    /// <summary>The fixture's usage with an empty disk_write_kib_s on every row.</summary>
    private static readonly string WithDiskWrites = DatasetFixture.Usage.Replace("\n", ",\n").Replace("memory_mib,", "memory_mib,disk_write_kib_s");

    private static DatasetFixture Create(string? hosts = Hosts, string? vms = Vms, string? images = Images, string? usage = null)
    {
        var data = DatasetFixture.Create(hosts: hosts, vms: vms, usage: usage);
        if (images is not null) File.WriteAllText(data.PathOf("images.csv"), images);
        return data;
    }

    [Fact]
    public void Storage_columns_and_images_are_read()
    {
        using var data = Create(usage: WithDiskWrites.Replace("vm1,0.5,2048,", "vm1,0.5,2048,100").Replace("vm1,1,2100,", "vm1,1,2100,300"));
        var d = DatasetReader.Read(data.Directory);

        Assert.Equal(StorageKind.Local, d.Hosts[0].Storage);
        Assert.Equal(100, d.Hosts[0].DiskGib);
        Assert.Equal(StorageKind.Shared, d.Hosts[1].Storage);
        Assert.Null(d.Hosts[1].DiskGib);
        Assert.Equal(("ubuntu", 30.0), (d.Vms[0].ImageId, d.Vms[0].DiskGib!.Value));
        Assert.Equal("web", d.Vms[1].ImageId);
        Assert.Null(d.Vms[1].DiskGib);
        Assert.Equal(12.5, d.Vms[2].DiskGib);
        Assert.Equal(2, d.Images.Length);
        Assert.Equal(6, d.Images[1].UniqueGib);
        Assert.Equal(200, d.Usage[0].MeanDiskWriteKibPerSecond); // (100 + 300) / 2 samples that give it
        Assert.Null(d.Usage[1].MeanDiskWriteKibPerSecond);
    }

    [Fact]
    public void A_dataset_with_storage_is_written_back_as_read()
    {
        using var data = Create();
        using var copy = new TempDirectory();
        var d = DatasetReader.Read(data.Directory);
        DatasetWriter.Write(d, Path.Combine(copy.Path, "copy"));
        var again = DatasetReader.Read(Path.Combine(copy.Path, "copy"));

        Assert.Equal(d.Hosts.Select(h => (h.Id, h.Storage, h.DiskGib)), again.Hosts.Select(h => (h.Id, h.Storage, h.DiskGib)));
        Assert.Equal(d.Vms.AsEnumerable(), again.Vms);
        Assert.Equal(d.Images.AsEnumerable(), again.Images);
    }

    [Fact]
    public void A_disk_capacity_alone_means_local_storage()
    {
        using var data = Create(hosts: "host_id,cpu_cores,memory_mib,idle_watts,max_watts,disk_gib\nh1,16,65536,100,250,500\nh2,32,131072,120,400,\n");
        var d = DatasetReader.Read(data.Directory);
        Assert.Equal(StorageKind.Local, d.Hosts[0].Storage);
        Assert.Equal(StorageKind.Shared, d.Hosts[1].Storage);
    }

    // Block hashes of a manifest (any 64 hex digits).
    private const string A = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string B = "2222222222222222222222222222222222222222222222222222222222222222";
    private const string C = "3333333333333333333333333333333333333333333333333333333333333333";

    /// <summary>The dataset with image "web" a child of "ubuntu", each with a block manifest the test writes.</summary>
    private static DatasetFixture WithManifests() =>
        Create(images: "image_id,size_gib,parent,manifest\nubuntu,2,,ubuntu.blocks\nweb,2,ubuntu,web.blocks\n",
            vms: Vms.Replace("vm1,2,4096,h1,30,ubuntu", "vm1,2,4096,h1,3,ubuntu"));

    [Fact]
    public void Image_shares_come_from_block_manifests()
    {
        // 1 GiB blocks keep the figures whole: the parent holds A and B, the child B and C, so they share one block.
        using var data = WithManifests();
        File.WriteAllText(data.PathOf("ubuntu.blocks"), $"block_kib 1048576\n{A}\n{B}\n");
        File.WriteAllText(data.PathOf("web.blocks"), $"block_kib 1048576\n{B}\n{C}\n{C}\n");
        var d = DatasetReader.Read(data.Directory);
        Assert.Equal(1, d.Images[1].SharedWithParentGib);
    }

    /// <summary>A block manifest rewritten after planning (the operator's tooling run again) leaves images.csv as it was but
    /// changes how much of an image its parent holds, so the disk data a move sends: the fingerprint plan.json records,
    /// which `export` checks, covered only the CSV files, so the plan still read as made from this dataset.</summary>
    [Fact]
    public void A_rewritten_block_manifest_changes_the_datasets_fingerprint()
    {
        using var data = WithManifests();
        File.WriteAllText(data.PathOf("ubuntu.blocks"), $"block_kib 1048576\n{A}\n{B}\n");
        File.WriteAllText(data.PathOf("web.blocks"), $"block_kib 1048576\n{B}\n{C}\n");
        var planned = DatasetReader.Read(data.Directory, fingerprint: true);

        File.WriteAllText(data.PathOf("web.blocks"), $"block_kib 1048576\n{A}\n{B}\n");
        var rescanned = DatasetReader.Read(data.Directory, fingerprint: true);
        var again = DatasetReader.Read(data.Directory, fingerprint: true);

        Assert.Equal((1.0, 2.0), (planned.Images[1].SharedWithParentGib, rescanned.Images[1].SharedWithParentGib));
        Assert.NotEqual(planned.Fingerprint, rescanned.Fingerprint);
        Assert.Equal(rescanned.Fingerprint, again.Fingerprint);
    }

    /// <summary>An image whose id reads as a host's (Cyrillic "сор-1" beside host "cop-1"): images.csv held ids of one
    /// script, so its own column check passed, and only VM ids were compared with hosts and images.</summary>
    [Fact]
    public void An_image_id_that_reads_as_a_host_id_is_refused_naming_the_host()
    {
        using var data = Create(hosts: Hosts.Replace("h2,", "cop-1,"), vms: Vms.Replace("h1,30,ubuntu", "h1,30,").Replace("h1,,web", "h1,,").Replace(",h2,", ",cop-1,"),
            images: "image_id,size_gib\n\u0441\u043e\u0440-1,5\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        Assert.Equal((data.PathOf("images.csv"), 2, "image_id", "\u0441\u043e\u0440-1"), (e.File, e.Line, e.Column, e.Value));
        Assert.StartsWith("the image reads the same as host 'cop-1' of hosts.csv but is a different id", e.Problem);
    }

    public static TheoryData<string, string, string, string> BadInputs => new()
    {
        // file, its text, then what the message must contain: "file:line, column" and the value.
        { "images.csv", Images.Replace("ubuntu,20,,", "ubuntu,-20,,"), "images.csv:2, column 2 'size_gib'", "'-20'" },
        { "images.csv", Images.Replace("web,24,ubuntu,18", "web,24,debian,18"), "images.csv:3, column 3 'parent'", "'debian'" },
        { "images.csv", Images + "ubuntu,3,,\n", "images.csv:4, column 1 'image_id'", "'ubuntu'" },
        { "images.csv", Images.Replace("web,24,ubuntu,18", "web,24,ubuntu,30"), "images.csv:3, column 4 'shared_gib'", "'30'" },
        { "images.csv", Images.Replace("web,24,ubuntu,18", "web,24,ubuntu,"), "images.csv:3, column 3 'parent'", "shared_gib" },
        { "images.csv", Images.Replace("ubuntu,20,,", "ubuntu,20,web,1"), "images.csv:2, column 3 'parent'", "cycle" },
        { "images.csv", Images.Replace("ubuntu,20,,", "ubuntu,20,,5"), "images.csv:2, column 4 'shared_gib'", "'5'" },
        { "images.csv", LayeredImages(ImagesReader.MaxLayers + 1), "images.csv:2, column 3 'parent'", $"more than {ImagesReader.MaxLayers} layers" },
        { "images.csv", "image_id,size_gib\n", "images.csv:2", "no images" },
        { "images.csv", Images.Replace("ubuntu,20,,", "-ubuntu,20,,"), "images.csv:2, column 1 'image_id'", "must not start with '-'" },
        { "images.csv", "image_id,parent\nubuntu,\n", "images.csv:1", "size_gib" },
        { "images.csv", "image_id,size_gib,manifest\nubuntu,20,missing.blocks\nweb,24,\n", "images.csv:2, column 3 'manifest'", "not found" },
        // A manifest outside the dataset folder (absolute, or '..' out of it) was read, and the first line of a file that is
        // not one quoted in the error: a dataset could print the first line of any file its user can read.
        { "images.csv", "image_id,size_gib,manifest\nubuntu,20,/etc/passwd\nweb,24,\n", "images.csv:2, column 3 'manifest'", "a manifest is named relative to the dataset folder (an absolute path is refused" },
        { "images.csv", "image_id,size_gib,manifest\nubuntu,20,blocks/../../vms.csv\nweb,24,\n", "images.csv:2, column 3 'manifest'", "a manifest must stay inside the dataset folder ('..' leaves it" },
        { "vms.csv", Vms.Replace("vm1,2,4096,h1,30,ubuntu", "vm1,2,4096,h1,30,fedora"), "vms.csv:2, column 6 'image_id'", "'fedora'" },
        { "vms.csv", Vms.Replace("vm1,2,4096,h1,30,ubuntu", "vm1,2,4096,h1,-30,ubuntu"), "vms.csv:2, column 5 'disk_gib'", "'-30'" },
        { "vms.csv", Vms.Replace("vm1,2,4096,h1,30,ubuntu", "vm1,2,4096,h1,10,ubuntu"), "vms.csv:2, column 5 'disk_gib'", "'10'" },
        { "hosts.csv", Hosts.Replace("local,100", "local,-100"), "hosts.csv:2, column 7 'disk_gib'", "'-100'" },
        { "hosts.csv", Hosts.Replace("local,100", "local,"), "hosts.csv:2, column 7 'disk_gib'", "needs disk_gib" },
        { "hosts.csv", Hosts.Replace("shared,", "shared,50"), "hosts.csv:3, column 7 'disk_gib'", "'50'" },
        { "hosts.csv", Hosts.Replace("local,100", "nfs,100"), "hosts.csv:2, column 6 'storage'", "'nfs'" },
        { "usage.csv", WithDiskWrites.Replace("vm2,1.5,4096,", "vm2,1.5,4096,-1"), "usage.csv:3, column 5 'disk_write_kib_s'", "'-1'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_storage_input_is_located_exits_2_and_writes_nothing(string file, string text, string where, string what)
    {
        using var data = Create(hosts: file == "hosts.csv" ? text : Hosts, vms: file == "vms.csv" ? text : Vms,
            images: file == "images.csv" ? text : Images, usage: file == "usage.csv" ? text : null);
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "5");

        CliRunner.AssertLocatedInputError(result, where, what, outDir);
    }

    /// <summary>images.csv with a chain of <paramref name="layers"/> images, "ubuntu" on top (line 2) over l1 over
    /// l2 ...; the fixture's "web" is layered over it. A chain of 30,000 layers did not finish reading in 5 minutes
    /// (every image walked its whole chain, and the layout built each chain with a List.Contains per step).</summary>
    private static string LayeredImages(int layers) =>
        "image_id,size_gib,parent,shared_gib\n"
        + string.Concat(Enumerable.Range(0, layers).Select(i =>
            $"{(i == 0 ? "ubuntu" : "l" + i)},20,{(i + 1 < layers ? "l" + (i + 1) : "")},{(i + 1 < layers ? "0" : "")}\n"))
        + "web,24,ubuntu,18\n";

    [Fact]
    public void A_chain_of_the_most_layers_is_read_and_laid_out()
    {
        using var data = Create(images: LayeredImages(ImagesReader.MaxLayers - 1)); // web is the last layer
        var d = DatasetReader.Read(data.Directory);
        var layout = new Consolidator.Storage.DiskLayout(d.Hosts, d.Vms, d.Images);
        Assert.Equal(ImagesReader.MaxLayers - 1, layout.Chain(layout.ImageOf(0)).Count); // ubuntu
        Assert.Equal(ImagesReader.MaxLayers, layout.Chain(layout.ImageOf(1)).Count); // web over the whole chain
        Assert.Equal(ImagesReader.MaxLayers, layout.ImagesInUse);
    }

    /// <summary>Disks larger than the fleet's local storage, explained as disks: once, not once per window (a disk is the
    /// same in every window; 24 lines of one figure, each naming a window and a headroom a disk does not keep), and with
    /// each image counted once in the total.</summary>
    [Fact]
    public void Disks_too_large_for_the_fleet_are_explained_once_without_windows()
    {
        using var data = Create(hosts: Hosts.Replace("shared,", "local,100"), vms: Vms.Replace("vm3,8,16384,h2,12.5,", "vm3,8,16384,h2,250,"));
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "5");

        Assert.Equal(3, result.ExitCode);
        // vm1 10 + vm2 0 of their own, ubuntu 20 and web 6 once, vm3 250: 286 GiB on two 100 GiB stores.
        Assert.Equal(
            [
                "infeasible: no placement satisfies the inventory and options:",
                "  - VM vm3 fits no host: its disk takes 256000 MiB, but the largest local store holds 102400 MiB",
                "  - the VMs' disks take 292864 MiB in all, each image stored once, more than the 204800 MiB of local storage all 2 hosts hold",
            ], result.Err.TrimEnd('\n').Split('\n'));
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>A disk past what 32 bits of MiB hold (an image over another, each at the most images.csv takes) is said
    /// as it is: "its disk takes 2147483647 MiB" was the demand's clamp, half the disk.</summary>
    [Fact]
    public void A_disk_past_32_bits_is_said_whole()
    {
        using var data = Create(hosts: Hosts.Replace("shared,", "local,100"), images: "image_id,size_gib,parent,shared_gib\nubuntu,1953125,,\nweb,1953125,ubuntu,0\n",
            vms: Vms.Replace("vm1,2,4096,h1,30,ubuntu", "vm1,2,4096,h1,,ubuntu"));

        var result = CliRunner.Run("plan", data.Directory, "--out", Path.Combine(data.Directory, "..", "out"), "--deterministic", "--time-limit", "5");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("VM vm2 fits no host: its disk takes 4000000000 MiB with its image, but the largest local store holds 102400 MiB", result.Err);
    }

    [Fact]
    public void An_image_id_without_images_csv_is_located()
    {
        using var data = Create(images: null);
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        Assert.Equal((data.PathOf("vms.csv"), 2, "image_id"), (e.File, e.Line, e.Column));
        Assert.Contains("images.csv", e.Problem);
    }

    /// <summary>A manifest listing more than its image's size_gib (another image's manifest named, or size_gib stale):
    /// the share counted from it was capped at size_gib without a word, so a wrong file planned as a right one.</summary>
    [Fact]
    public void A_manifest_larger_than_its_images_size_is_refused_at_its_line_exit_2_nothing_written()
    {
        using var data = WithManifests();
        File.WriteAllText(data.PathOf("ubuntu.blocks"), $"block_kib 1048576\n{A}\n{B}\n");
        File.WriteAllText(data.PathOf("web.blocks"), $"block_kib 1048576\n{A}\n{B}\n{C}\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        Assert.Equal((data.PathOf("images.csv"), 3, "manifest", 4, "web.blocks"), (e.File, e.Line, e.Column, e.ColumnNumber, e.Value));
        Assert.StartsWith("the manifest holds 3 GiB of distinct blocks (3 of 1048576 KiB), more than the image's size_gib (2)", e.Problem);

        var outDir = Path.Combine(data.Directory, "..", "out");
        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--no-simulate");
        CliRunner.AssertLocatedInputError(result, "images.csv:3, column 4 'manifest'", "more than the image's size_gib (2)", outDir);
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));

        // Within size_gib, as written to the digit: read, the share counted from the manifests.
        File.WriteAllText(data.PathOf("web.blocks"), $"block_kib 1048576\n{B}\n{C}\n");
        Assert.Equal(1, DatasetReader.Read(data.Directory).Images[1].SharedWithParentGib);
    }

    [Fact]
    public void A_bad_manifest_line_is_located_in_the_manifest()
    {
        using var data = Create(images: "image_id,size_gib,manifest\nubuntu,20,ubuntu.blocks\nweb,24,\n");
        File.WriteAllText(data.PathOf("ubuntu.blocks"), "block_kib 64\n" + new string('a', 64) + "\nnot-a-hash\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        Assert.Equal((data.PathOf("ubuntu.blocks"), 3), (e.File, e.Line));
        Assert.Equal("not-a-hash", e.Value);
    }
}

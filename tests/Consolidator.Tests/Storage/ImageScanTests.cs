using System.Diagnostics;
using Consolidator.Datasets;
using Consolidator.Images;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Storage;

/// <summary><c>images scan</c> on real images built here: raw files of random 64 KiB blocks with a known overlap,
/// two of them converted to qcow2 by the real qemu-img; the figures must come out exactly.</summary>
public class ImageScanTests
{
    private const int Block = 64 * 1024;

    internal static void Skip_without_qemu_img() =>
        Skip.If(ImageScanner.QemuImg() is null, "qemu-img is not installed (apt-get install qemu-utils): images scan cannot read qcow2 here");

    internal static void QemuImg(params string[] args)
    {
        var start = new ProcessStartInfo(ImageScanner.QemuImg()!) { RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    /// <summary>base: 16 random blocks A0..A15. child: A0..A11 then 4 blocks of its own (qcow2). other: 8 blocks
    /// of its own, C0 again, A0, then 4 blocks of zeros (qcow2).</summary>
    private static void Build(TempDirectory dir)
    {
        var rng = new Random(15);
        byte[] Random() { var b = new byte[Block]; rng.NextBytes(b); return b; }
        var a = Enumerable.Range(0, 16).Select(_ => Random()).ToArray();
        var b = Enumerable.Range(0, 4).Select(_ => Random()).ToArray();
        var c = Enumerable.Range(0, 8).Select(_ => Random()).ToArray();
        File.WriteAllBytes(dir.File("base.raw"), [.. a.SelectMany(x => x)]);
        File.WriteAllBytes(dir.File("child.raw"), [.. a.Take(12).Concat(b).SelectMany(x => x)]);
        File.WriteAllBytes(dir.File("other.raw"), [.. c.Append(c[0]).Append(a[0]).Concat(Enumerable.Repeat(new byte[Block], 4)).SelectMany(x => x)]);
        foreach (var name in new[] { "child", "other" })
        {
            QemuImg("convert", "-q", "-f", "raw", "-O", "qcow2", dir.File(name + ".raw"), dir.File(name + ".qcow2"));
            File.Delete(dir.File(name + ".raw"));
        }
    }

    [SkippableFact]
    public void Scan_reports_the_known_overlap_exactly()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        Build(dir);
        var csv = dir.File("images.csv");

        var result = CliRunner.Run("images", "scan", dir.File("base.raw"), dir.File("child.qcow2"), dir.File("other.qcow2"), "--parent", "child=base", "--out", csv);

        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Equal(
            """
            image_id,size_gib,parent,shared_gib,virtual_gib,block_kib,blocks,distinct_blocks,zero_blocks,unique_blocks,shared_blocks
            base,0.0009765625,,,0.0009765625,64,16,16,0,4,child:12;other:1
            child,0.0009765625,base,0.000732421875,0.0009765625,64,16,16,0,4,base:12;other:1
            other,0.00054931640625,,,0.0008544921875,64,10,9,4,8,base:1;child:1

            """, File.ReadAllText(csv));
        // The dataset reader takes it as it is: child shares 12 of its 16 blocks with base (12/16384 GiB).
        var images = ImagesReader.Read(csv);
        Assert.Equal(12.0 * Block / (1 << 30), images[1].SharedWithParentGib);
        Assert.Equal(4.0 * Block / (1 << 30), images[1].UniqueGib);
    }

    /// <summary>A qcow2 whose backing file is a pipe: `qemu-img convert` opened the pipe and waited for a writer, for ever
    /// (the scan checks the image it is given, and qemu-img info does not open backing files). The chain is walked and
    /// each backing file checked as any input is, before convert runs; the watchdog fails the old behaviour.</summary>
    [SkippableFact]
    public void A_backing_file_that_is_a_pipe_is_refused_before_qemu_img_opens_it()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        HostileFileKindTests.MakeFifo(dir.File("base.fifo"));
        QemuImg("create", "-q", "-f", "qcow2", "-b", dir.File("base.fifo"), "-F", "raw", "-u", dir.File("child.qcow2"), "1M");

        var result = HostileFileKindTests.RunBeside([dir.File("base.fifo")], "images", "scan", dir.File("child.qcow2"), "--out", dir.File("images.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("child.qcow2: its backing file is a pipe (FIFO)", result.Err);
        Assert.Contains("base.fifo", result.Err);
        Assert.Single(result.Err.TrimEnd().Split('\n'));
        Assert.False(File.Exists(dir.File("images.csv")));
    }

    /// <summary>A backing file named as qemu-img names a protocol or a driver ('nbd:HOST:PORT': a ':' before any '/'): only
    /// "json:" and "...://" were refused, and a regular file of that very name in the working folder (the image folder,
    /// scanned from inside it) passed every check, so qemu-img connected to the address (a server that never answered
    /// held the scan for ever). Refused before qemu-img runs: no connection is made.</summary>
    [SkippableFact]
    public void A_backing_file_named_as_a_protocol_is_refused_before_qemu_img_connects()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var connections = 0;
        var serving = Task.Run(() =>
        {
            try
            {
                while (true)
                {
                    using var client = listener.AcceptTcpClient();
                    Interlocked.Increment(ref connections); // closed at once: qemu-img then fails instead of waiting
                }
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException) { }
        });
        var address = $"nbd:127.0.0.1:{port}";
        File.WriteAllText(dir.File(address), "a regular file named as the address");
        QemuImg("create", "-q", "-f", "qcow2", "-b", address, "-F", "raw", "-u", dir.File("child.qcow2"), "1M");

        var (code, _, err) = ChildCli.RunIn(dir.Path, "images", "scan", "child.qcow2", "--out", "images.csv");
        listener.Stop();
        serving.Wait(TimeSpan.FromSeconds(10));

        Assert.Equal(0, connections);
        Assert.Equal(2, code);
        Assert.Contains("child.qcow2: its backing file is not a local file (qemu-img would open it as an address or a driver's name", err);
        Assert.Contains(address, err);
        HostileInputTests.AssertOneCleanLine(err);
        Assert.False(File.Exists(dir.File("images.csv")));
    }

    /// <summary>A qcow2 whose guest data lives in an external data file (<c>-o data_file=</c>) that is a pipe: the chain of
    /// backing files was checked, the data file was not, and `qemu-img convert` opened it and waited for a writer, for
    /// ever. It is checked as a backing file is, before convert runs; the watchdog fails the old behaviour.</summary>
    [SkippableFact]
    public void An_external_data_file_that_is_a_pipe_is_refused_before_qemu_img_opens_it()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        QemuImg("create", "-q", "-f", "qcow2", "-o", $"data_file={dir.File("guest.data")},data_file_raw=on", dir.File("external.qcow2"), "1M");
        File.Delete(dir.File("guest.data"));
        HostileFileKindTests.MakeFifo(dir.File("guest.data"));

        var result = HostileFileKindTests.RunBeside([dir.File("guest.data")], "images", "scan", dir.File("external.qcow2"), "--out", dir.File("images.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("external.qcow2: its external data file is a pipe (FIFO)", result.Err);
        Assert.Contains("guest.data", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(File.Exists(dir.File("images.csv")));
    }

    /// <summary>The same image with its data file a regular file is scanned through it: the data written there is what
    /// the guest sees.</summary>
    [SkippableFact]
    public void An_image_with_an_external_data_file_is_scanned_through_it()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        QemuImg("create", "-q", "-f", "qcow2", "-o", $"data_file={dir.File("guest.data")},data_file_raw=on", dir.File("external.qcow2"), "1M");
        var block = new byte[Block];
        new Random(3).NextBytes(block);
        using (var data = new FileStream(dir.File("guest.data"), FileMode.Open)) data.Write(block);

        var scan = ImageScanner.Scan("external", dir.File("external.qcow2"), Block / 1024);

        Assert.Equal([BlockHash.Of(block)], scan.Blocks);
        Assert.Equal(15, scan.ZeroBlocks);
    }

    /// <summary>A VMDK text descriptor naming its extent (the file holding the guest's data) in its own folder: 2048 sectors,
    /// 1 MiB (without the geometry lines qemu-img 7.2 gives it 2 MiB, the extent read twice).</summary>
    private static string VmdkDescriptor(string extent) => $"""
        # Disk DescriptorFile
        version=1
        CID=fffffffe
        parentCID=ffffffff
        createType="monolithicFlat"

        # Extent description
        RW 2048 FLAT "{extent}" 0

        # The Disk Data Base
        ddb.virtualHWVersion = "4"
        ddb.geometry.cylinders = "2"
        ddb.geometry.heads = "16"
        ddb.geometry.sectors = "63"
        ddb.adapterType = "ide"

        """;

    /// <summary>A VMDK descriptor whose extent is a pipe: qemu-img opens a descriptor's extents as it opens the descriptor,
    /// `qemu-img info` included, so the scan waited for a writer for ever before any check of its own (a backing file or
    /// data file is opened only by convert). The descriptor is read first and its extents checked as any input is; the
    /// watchdog fails the old behaviour.</summary>
    [SkippableFact]
    public void A_vmdk_extent_that_is_a_pipe_is_refused_before_qemu_img_opens_the_descriptor()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        HostileFileKindTests.MakeFifo(dir.File("disk-flat.vmdk"));
        File.WriteAllText(dir.File("disk.vmdk"), VmdkDescriptor("disk-flat.vmdk"));

        var result = HostileFileKindTests.RunBeside([dir.File("disk-flat.vmdk")], "images", "scan", dir.File("disk.vmdk"), "--out", dir.File("images.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("disk.vmdk: its extent file is a pipe (FIFO)", result.Err);
        Assert.Contains(dir.File("disk-flat.vmdk"), result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(File.Exists(dir.File("images.csv")));
    }

    /// <summary>The same descriptor over a regular extent is scanned through it: the extent's blocks.</summary>
    [SkippableFact]
    public void A_vmdk_descriptor_over_a_regular_extent_is_scanned_through_it()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        var blocks = new byte[16 * Block];
        new Random(5).NextBytes(blocks.AsSpan(0, Block));
        File.WriteAllBytes(dir.File("disk-flat.vmdk"), blocks);
        File.WriteAllText(dir.File("disk.vmdk"), VmdkDescriptor("disk-flat.vmdk"));

        var scan = ImageScanner.Scan("disk", dir.File("disk.vmdk"), Block / 1024);

        Assert.Equal([BlockHash.Of(blocks.AsSpan(0, Block))], scan.Blocks);
        Assert.Equal(15, scan.ZeroBlocks);
    }

    /// <summary>The CLI in a child process with TMPDIR set to <paramref name="tmpdir"/>, where a scan puts its scratch copy.</summary>
    private static (int Code, string Err) RunWithTmpdir(string tmpdir, params string[] args)
    {
        var start = new ProcessStartInfo(ChildCli.Dotnet) { RedirectStandardError = true, RedirectStandardOutput = true, Environment = { ["TMPDIR"] = tmpdir } };
        start.ArgumentList.Add(ChildCli.Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, err.Result);
    }

    /// <summary>A scan killed while qemu-img converted its image (kill -9) left its scratch folder, with a raw copy as large
    /// as the image's data, in the temporary folder for good. The next scan removes a scratch folder whose lock no process
    /// holds, and leaves one whose lock is held (a scan running beside it) and any other folder.</summary>
    [SkippableFact]
    public void A_scan_removes_the_scratch_of_a_killed_scan_and_leaves_a_running_ones()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        Build(dir);
        var tmp = dir.File("tmp");
        var dead = Path.Combine(tmp, "consolidator-scan-dead");
        var running = Path.Combine(tmp, "consolidator-scan-running");
        var other = Path.Combine(tmp, "consolidator-scan-made-just-now"); // no lock file yet
        foreach (var d in new[] { dead, running, other }) Directory.CreateDirectory(d);
        File.WriteAllBytes(Path.Combine(dead, "disk.raw"), new byte[Block]);
        File.WriteAllText(Path.Combine(dead, ".lock"), "");
        using var held = new FileStream(Path.Combine(running, ".lock"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);

        var (code, err) = RunWithTmpdir(tmp, "images", "scan", dir.File("child.qcow2"), "--out", dir.File("images.csv"));

        Assert.True(code == 0, err);
        Assert.Equal(["consolidator-scan-made-just-now", "consolidator-scan-running"],
            Directory.EnumerateFileSystemEntries(tmp).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>A temporary folder too small for the raw copy qemu-img converts a qcow2 into: it was 'qemu-img convert
    /// failed', exit code 2, naming the image as though it were bad. Exit code 1 naming the copy and the reason, nothing
    /// written, the scratch folder gone.</summary>
    [SkippableFact]
    public void A_full_temporary_folder_exits_1_naming_the_scratch_copy_and_writes_nothing()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        Build(dir);
        using var disk = Mounts.TryTmpfs(dir.File("tmp"), kib: 4); // one page; the copy holds 16 blocks of 64 KiB
        if (disk is null) return; // needs root to mount a tmpfs; CI runs as root

        var (code, err) = RunWithTmpdir(disk.Path, "images", "scan", dir.File("child.qcow2"), "--out", dir.File("images.csv"));

        Assert.Equal(1, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"error: {disk.Path}/consolidator-scan-", err);
        Assert.Contains($"/disk.raw: cannot write the raw copy of {dir.File("child.qcow2")} that qemu-img converts it into: No space left on device; set TMPDIR", err);
        Assert.False(File.Exists(dir.File("images.csv")));
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
    }

    /// <summary>An image larger than the temporary folder's file system's largest file (a 10 TiB qcow2, nothing allocated,
    /// over an ext4 of 1 KiB blocks, whose files end at 4 TiB): 'qemu-img convert failed: qemu-img: /tmp/.../disk.raw:
    /// error while converting r... (121 characters)', exit code 2, as though the image were bad and the reason cut off.
    /// Exit code 1 naming the copy and why, nothing written.</summary>
    [SkippableFact]
    public void A_copy_larger_than_the_temporary_file_systems_largest_file_exits_1_saying_so()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        QemuImg("create", "-q", "-f", "qcow2", dir.File("huge.qcow2"), "10T");
        using var disk = Mounts.TryExt4(dir.File("ext4.img"), dir.File("tmp"), kib: 8192);
        Skip.If(disk is null, "needs root, mkfs.ext4 and a loop device to make a small file system here");

        var (code, err) = RunWithTmpdir(disk!.Path, "images", "scan", dir.File("huge.qcow2"), "--out", dir.File("images.csv"));

        Assert.Equal(1, code);
        HostileInputTests.AssertOneCleanLine(err);
        Assert.StartsWith($"error: {disk.Path}/consolidator-scan-", err);
        Assert.Contains($"/disk.raw: cannot write the raw copy of {dir.File("huge.qcow2")} that qemu-img converts it into: File too large: the temporary folder's file system holds no file of the image's virtual size", err);
        Assert.False(File.Exists(dir.File("images.csv")));
    }

    /// <summary>qemu-img creating a LUKS header: it times PBKDF2 by the thread's CPU time, and where that is counted in
    /// scheduler ticks its first 2^15 iterations (a few ms) can read as no time at all: "Unable to get accurate CPU usage"
    /// (QEMU 7.2 crypto/pbkdf.c), about one run in two under the test host here. Run again on that message alone.</summary>
    private static void Encrypted(string[] args)
    {
        for (var attempt = 1; ; attempt++)
        {
            var start = new ProcessStartInfo(ImageScanner.QemuImg()!) { RedirectStandardError = true };
            foreach (var a in args) start.ArgumentList.Add(a);
            using var p = Process.Start(start)!;
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode == 0) return;
            Assert.True(err.Contains("Unable to get accurate CPU usage", StringComparison.Ordinal) && attempt < 50, err);
        }
    }

    /// <summary>An encrypted image (LUKS, a qcow2 with encrypt.format=luks, or one as a backing file) opens only with its key,
    /// which a scan is not given: it was "qemu-img convert failed: qemu-img: Could not open '/full/path': Parameter
    /// 'key-secret' is require... (92 characters)", the reason cut off by the path. Now named as encrypted, before convert
    /// runs, and a reason qemu-img gives is quoted without its own name and the path.</summary>
    [SkippableFact]
    public void An_encrypted_image_is_named_as_such_and_nothing_is_written()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        string[] secret = ["--object", "secret,id=s0,data=k"];
        Encrypted(["create", "-q", "-f", "luks", .. secret, "-o", "key-secret=s0,iter-time=100", dir.File("disk.luks"), "1M"]);
        Encrypted(["create", "-q", "-f", "qcow2", .. secret, "-o", "encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=100", dir.File("disk.qcow2"), "1M"]);
        QemuImg("create", "-q", "-f", "qcow2", "-b", dir.File("disk.luks"), "-F", "luks", "-u", dir.File("child.qcow2"), "1M");

        foreach (var (image, what) in new[]
        {
            ("disk.luks", "disk.luks: an encrypted luks image: qemu-img reads it only with its key"),
            ("disk.qcow2", "disk.qcow2: an encrypted qcow2 image: qemu-img reads it only with its key"),
            ("child.qcow2", "child.qcow2: its backing file is an encrypted image: qemu-img reads it only with its key"),
        })
        {
            var result = CliRunner.Run("images", "scan", dir.File(image), "--out", dir.File("images.csv"));

            Assert.Equal(2, result.ExitCode);
            Assert.Contains(what, result.Err);
            HostileInputTests.AssertOneCleanLine(result.Err);
            Assert.False(File.Exists(dir.File("images.csv")));
        }
    }

    [SkippableFact]
    public void A_corrupt_qcow2_is_a_located_error_and_nothing_is_written()
    {
        Skip_without_qemu_img();
        using var dir = new TempDirectory();
        // A real qcow2 cut after 100 bytes: its header is incomplete.
        File.WriteAllBytes(dir.File("fine.raw"), new byte[Block]);
        QemuImg("convert", "-q", "-f", "raw", "-O", "qcow2", dir.File("fine.raw"), dir.File("broken.qcow2"));
        using (var f = new FileStream(dir.File("broken.qcow2"), FileMode.Open)) f.SetLength(100);

        var result = CliRunner.Run("images", "scan", dir.File("fine.raw"), dir.File("broken.qcow2"), "--out", dir.File("images.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {dir.File("broken.qcow2")}: qemu-img", result.Err);
        Assert.Single(result.Err.TrimEnd().Split('\n'));
        Assert.False(File.Exists(dir.File("images.csv")));
    }

    [Theory]
    [InlineData("--parent", "child=nobody", "--parent takes CHILD=PARENT")]
    [InlineData("--block-kib", "3", "power of two")]
    public void Bad_options_exit_2_and_write_nothing(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("child.raw"), new byte[Block]);
        var result = CliRunner.Run("images", "scan", dir.File("child.raw"), option, value, "--out", dir.File("images.csv"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err);
        Assert.False(File.Exists(dir.File("images.csv")));
    }

    /// <summary>Parents that form a cycle (a over b over a) were written as given: an images.csv every command reading
    /// the dataset refuses ("the parents form a cycle"). Refused by the scan, before any image is read.</summary>
    [Theory]
    [InlineData("a=b", "b=a")]
    [InlineData("a=b", "b=c", "c=a")]
    [InlineData("a=b", "b=c", "c=b")]
    public void Parents_that_form_a_cycle_exit_2_and_write_nothing(params string[] pairs)
    {
        using var dir = new TempDirectory();
        string[] args = ["images", "scan"];
        foreach (var name in new[] { "a", "b", "c" })
        {
            File.WriteAllBytes(dir.File(name + ".raw"), new byte[Block]);
            args = [.. args, dir.File(name + ".raw")];
        }
        foreach (var pair in pairs) args = [.. args, "--parent", pair];

        var result = CliRunner.Run([.. args, "--out", dir.File("images.csv")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--parent", result.Err);
        Assert.Contains("cycle", result.Err);
        Assert.Single(result.Err.TrimEnd().Split('\n'));
        Assert.False(File.Exists(dir.File("images.csv")));
    }

    /// <summary>A blank disk (a new image, all zeros) stores no block: the scan wrote size_gib 0, which every command
    /// reading the dataset then refused ("size_gib: must be greater than zero", exit 2).</summary>
    [Fact]
    public void A_blank_images_scan_is_a_dataset_the_planner_reads()
    {
        using var data = DatasetFixture.Create(vms: "vm_id,vcpus,memory_mib,current_host,image_id,disk_gib\nvm1,2,4096,h1,blank,10\nvm2,4,8192,h1,blank,\nvm3,8,16384,h2,blank,5\n");
        var blank = Path.Combine(data.Directory, "..", "blank.raw");
        File.WriteAllBytes(blank, new byte[4 * Block]);
        var scan = CliRunner.Run("images", "scan", blank, "--out", data.PathOf("images.csv"));
        Assert.True(scan.ExitCode == 0, scan.Err);
        Assert.Contains("\nblank,0,", File.ReadAllText(data.PathOf("images.csv")));
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "2", "--no-plots");

        Assert.True(result.ExitCode == 0, result.Err);
        Assert.True(File.Exists(Path.Combine(outDir, "plan.json")));
    }

    [Fact]
    public void A_missing_image_is_a_located_error()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("images", "scan", dir.File("none.raw"), "--out", dir.File("images.csv"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("none.raw: file not found", result.Err);
        Assert.False(File.Exists(dir.File("images.csv")));
    }

    /// <summary>An image is named by its file: a name with a newline was written into images.csv, whose reader then
    /// refused it in every plan of the dataset ("an id must not hold control ... characters"); an image called '.raw'
    /// became an empty id. Now refused by the scan, nothing written. Raw files only: no qemu-img needed.</summary>
    [Theory]
    [InlineData("a\nb.raw", "U+000A")]
    [InlineData(".raw", "must not be empty")]
    public void A_file_name_no_reader_takes_as_an_id_is_refused(string name, string why)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("ok.raw"), new byte[Block]);
        File.WriteAllBytes(dir.File(name), new byte[Block]);
        var outFile = dir.File("images.csv");

        var result = CliRunner.Run("images", "scan", dir.File("ok.raw"), dir.File(name), "--out", outFile);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("an image id (the file's name less its extension)", result.Err);
        Assert.Contains(why, result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(File.Exists(outFile));
    }
}

using Consolidator.Images;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Storage;

/// <summary>Alone, never beside another test: one of them puts a logging qemu-img first on the process's PATH.</summary>
[CollectionDefinition(nameof(ImageFormatTests), DisableParallelization = true)]
public sealed class ImageFormatCollection;

/// <summary>What format `images scan` reads an image as, with the real qemu-img. qemu-img tells a format from the content:
/// a raw disk whose first bytes hold a qcow2 header (a guest writes what it likes on its own disk) was scanned as that
/// qcow2, its backing file, any file of the host the header names, read and measured in place of the disk. Now the
/// format can be declared (--format, passed to qemu-img as -f, nothing probed), and a file named .raw whose content
/// reads as another format is refused without it.</summary>
[Collection(nameof(ImageFormatTests))]
public sealed class ImageFormatTests : IDisposable
{
    private const int Block = 64 * 1024;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>disk.raw: 1 MiB, its first bytes a qcow2 header whose backing file is host.secret (16 random blocks), the
    /// rest zeros, as a guest could leave its raw disk.</summary>
    private string ForgedRawDisk()
    {
        var secret = new byte[16 * Block];
        new Random(3).NextBytes(secret);
        File.WriteAllBytes(_dir.File("host.secret"), secret);
        ImageScanTests.QemuImg("create", "-q", "-f", "qcow2", "-b", _dir.File("host.secret"), "-F", "raw", _dir.File("header.qcow2"), "1M");
        var header = File.ReadAllBytes(_dir.File("header.qcow2"));
        var disk = new byte[1 << 20];
        header.AsSpan(0, Math.Min(header.Length, disk.Length)).CopyTo(disk);
        File.WriteAllBytes(_dir.File("disk.raw"), disk);
        return _dir.File("disk.raw");
    }

    [SkippableFact]
    public void A_raw_disk_holding_a_qcow2_header_is_refused_unless_its_format_is_declared()
    {
        ImageScanTests.Skip_without_qemu_img();
        var disk = ForgedRawDisk();
        var csv = _dir.File("images.csv");

        var probed = CliRunner.Run("images", "scan", disk, "--out", csv);

        Assert.Equal(2, probed.ExitCode);
        Assert.Contains($"{disk}: named .raw, but its content reads as a qcow2 image", probed.Err);
        Assert.Contains("give --format raw to scan it as the raw disk it is", probed.Err);
        HostileInputTests.AssertOneCleanLine(probed.Err);
        Assert.False(File.Exists(csv));

        var declared = CliRunner.Run("images", "scan", disk, "--format", "raw", "--out", csv);

        Assert.True(declared.ExitCode == 0, declared.Err);
        // Read as the raw disk it is: 16 blocks of 64 KiB, the header's few not zero; nothing of the backing file (16
        // distinct random blocks when read as qcow2).
        var bytes = File.ReadAllBytes(disk);
        var nonZero = Enumerable.Range(0, 16).Select(b => bytes.AsSpan(b * Block, Block).ToArray()).Where(b => b.Any(x => x != 0))
            .Select(Convert.ToHexString).Distinct().Count();
        var dataBlocks = Enumerable.Range(0, 16).Count(b => bytes.AsSpan(b * Block, Block).ContainsAnyExcept((byte)0));
        Assert.InRange(nonZero, 1, 8);
        var row = File.ReadAllLines(csv)[1].Split(',');
        Assert.Equal(["disk", "0.0009765625", "64", dataBlocks.ToString(System.Globalization.CultureInfo.InvariantCulture), nonZero.ToString(System.Globalization.CultureInfo.InvariantCulture), (16 - nonZero).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            [row[0], row[4], row[5], row[6], row[7], row[8]]);
    }

    /// <summary>A declared format the content does not hold is qemu-img's refusal, one line; a name that is no image
    /// format (a protocol driver: vvfat reads a folder as a disk) is refused before qemu-img runs.</summary>
    [SkippableFact]
    public void A_declared_format_is_checked_against_the_content_and_the_list()
    {
        ImageScanTests.Skip_without_qemu_img();
        File.WriteAllBytes(_dir.File("plain.raw"), new byte[Block]);
        var csv = _dir.File("images.csv");

        var wrong = CliRunner.Run("images", "scan", _dir.File("plain.raw"), "--format", "qcow2", "--out", csv);
        var driver = CliRunner.Run("images", "scan", _dir.File("plain.raw"), "--format", "vvfat", "--out", csv);

        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains($"{_dir.File("plain.raw")}: qemu-img info failed", wrong.Err);
        Assert.Contains("qcow2", wrong.Err);
        HostileInputTests.AssertOneCleanLine(wrong.Err);
        Assert.Equal(2, driver.ExitCode);
        Assert.Contains("--format must be one of raw, qcow2", driver.Err);
        Assert.False(File.Exists(csv));
    }

    /// <summary>`images scan` of a qcow2 ran `qemu-img info` on it twice (for its format, then as the backing chain's first
    /// step); the chain walk now starts from the format's answer. Counted with a qemu-img on the PATH that logs its
    /// arguments and runs the real one; the output is the same bytes either way (ImageScanTests' golden figures).</summary>
    [SkippableFact]
    public void The_scanned_image_is_asked_for_its_info_once()
    {
        ImageScanTests.Skip_without_qemu_img();
        Skip.If(OperatingSystem.IsWindows(), "a shell script stands in for qemu-img");
        var real = ImageScanner.QemuImg()!;
        File.WriteAllBytes(_dir.File("base.raw"), new byte[4 * Block]);
        ImageScanTests.QemuImg("convert", "-q", "-f", "raw", "-O", "qcow2", _dir.File("base.raw"), _dir.File("base.qcow2"));
        ImageScanTests.QemuImg("create", "-q", "-f", "qcow2", "-b", _dir.File("base.qcow2"), "-F", "qcow2", _dir.File("child.qcow2"), "256K");
        var bin = _dir.File("bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "qemu-img"), $"#!/bin/sh\necho \"$*\" >> '{_dir.File("calls.log")}'\nexec '{real}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(bin, "qemu-img"), (UnixFileMode)0x1ED); // 0755
        var path = Environment.GetEnvironmentVariable("PATH");
        CliRunner.Result result;
        try
        {
            // No other test runs meanwhile (the collection), and only calls on this test's files are counted.
            Environment.SetEnvironmentVariable("PATH", bin + ":" + path);
            result = CliRunner.Run("images", "scan", _dir.File("child.qcow2"), "--out", _dir.File("images.csv"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }

        Assert.True(result.ExitCode == 0, result.Err);
        var calls = File.ReadAllLines(_dir.File("calls.log"));
        Assert.True(calls.Count(c => c.StartsWith("info ", StringComparison.Ordinal)) == 2, string.Join("\n", calls));
        Assert.Single(calls, c => c.StartsWith("info ", StringComparison.Ordinal) && c.EndsWith(_dir.File("child.qcow2"), StringComparison.Ordinal));
        // The backing file is asked once too, as the format its child's header records.
        Assert.Single(calls, c => c.StartsWith("info ", StringComparison.Ordinal) && c.EndsWith("-f qcow2 " + _dir.File("base.qcow2"), StringComparison.Ordinal));
        Assert.Single(calls, c => c.StartsWith("convert ", StringComparison.Ordinal));
    }

    /// <summary>An overlay made by a qemu-img older than 6.1 records no backing format (7.2 refuses to make one; here the
    /// header extension is renamed to one qemu-img skips), so qemu-img tells the backing file's format from its content.
    /// A raw base.img holding a qcow2 header that names host.secret as its backing file was read as that qcow2: the scan
    /// measured host.secret. Refused now, naming the backing file and the fix; a backing file whose name says qcow2 is
    /// believed, as is an .img whose qcow2 header names no other file (a cloud image), and a forged disk.img is read as raw
    /// when declared so.</summary>
    [SkippableFact]
    public void A_probed_format_that_names_other_files_is_believed_only_from_a_name_that_says_it()
    {
        ImageScanTests.Skip_without_qemu_img();
        var forged = File.ReadAllBytes(ForgedRawDisk());
        File.WriteAllBytes(_dir.File("base.img"), forged);
        File.WriteAllBytes(_dir.File("disk.img"), forged);
        Unrecorded(_dir.File("base.img"), _dir.File("child.qcow2"));
        File.WriteAllBytes(_dir.File("plain.raw"), [.. Enumerable.Range(0, 4 * Block).Select(i => (byte)(i / Block + 1))]);
        ImageScanTests.QemuImg("convert", "-q", "-f", "raw", "-O", "qcow2", _dir.File("plain.raw"), _dir.File("base.qcow2"));
        ImageScanTests.QemuImg("convert", "-q", "-f", "raw", "-O", "qcow2", _dir.File("plain.raw"), _dir.File("cloud.img"));
        Unrecorded(_dir.File("base.qcow2"), _dir.File("old.qcow2"));
        var csv = _dir.File("images.csv");

        var chain = CliRunner.Run("images", "scan", _dir.File("child.qcow2"), "--out", csv);
        var top = CliRunner.Run("images", "scan", _dir.File("disk.img"), "--out", csv);

        Assert.Equal(2, chain.ExitCode);
        Assert.Contains($"{_dir.File("child.qcow2")}: its backing file has no format recorded in its child's header, and its content reads as a qcow2 image that names other files", chain.Err);
        Assert.Contains($"(value '{_dir.File("base.img")}')", chain.Err);
        Assert.Contains("qemu-img rebase -u -F qcow2 (or -F raw) -b BACKING CHILD", chain.Err);
        HostileInputTests.AssertOneCleanLine(chain.Err);
        Assert.Equal(2, top.ExitCode);
        Assert.Contains($"{_dir.File("disk.img")}: its content reads as a qcow2 image that names other files, under a name that does not say qcow2", top.Err);
        HostileInputTests.AssertOneCleanLine(top.Err);
        Assert.False(File.Exists(csv));

        var believed = CliRunner.Run("images", "scan", _dir.File("old.qcow2"), _dir.File("cloud.img"), "--out", csv);
        Assert.True(believed.ExitCode == 0, believed.Err);
        // Both read through to plain.raw's four distinct blocks (old.qcow2 over base.qcow2; cloud.img, a qcow2 of its own).
        Assert.All(File.ReadAllLines(csv).Skip(1), row => Assert.Equal("4", row.Split(',')[7]));
        var raw = CliRunner.Run("images", "scan", _dir.File("disk.img"), "--format", "raw", "--out", _dir.File("raw.csv"));
        Assert.True(raw.ExitCode == 0, raw.Err);
    }

    /// <summary>A VMDK text descriptor in a file whose name does not say vmdk (a guest's raw disk, Nova's instance file
    /// "disk") was read as one: its extent, any host file it names, was scanned in place of the disk. Refused without
    /// --format; a descriptor named .vmdk is read as before (ImageScanTests).</summary>
    [SkippableFact]
    public void A_vmdk_descriptor_under_another_name_is_refused_without_its_format()
    {
        ImageScanTests.Skip_without_qemu_img();
        var secret = new byte[16 * Block];
        new Random(5).NextBytes(secret);
        File.WriteAllBytes(_dir.File("host.secret"), secret);
        File.WriteAllText(_dir.File("disk"),
            $"# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n\nRW 2048 FLAT \"{_dir.File("host.secret")}\" 0\n\nddb.adapterType = \"ide\"\n");
        var csv = _dir.File("images.csv");

        var probed = CliRunner.Run("images", "scan", _dir.File("disk"), "--out", csv);

        Assert.Equal(2, probed.ExitCode);
        Assert.Contains($"{_dir.File("disk")}: its content reads as a vmdk image that names other files, under a name that does not say vmdk", probed.Err);
        HostileInputTests.AssertOneCleanLine(probed.Err);
        Assert.False(File.Exists(csv));
    }

    /// <summary><paramref name="child"/>: a qcow2 over <paramref name="backing"/> whose header records no backing format, as
    /// qemu-img before 6.1 made one: the backing-format header extension (0xE2792ACA) renamed to a type qemu-img skips.</summary>
    private static void Unrecorded(string backing, string child)
    {
        ImageScanTests.QemuImg("create", "-q", "-f", "qcow2", "-b", backing, "-F", "raw", "-u", child, "1M");
        var bytes = File.ReadAllBytes(child);
        var at = bytes.AsSpan(0, 4096).IndexOf((ReadOnlySpan<byte>)[0xE2, 0x79, 0x2A, 0xCA]);
        Assert.True(at > 0);
        bytes.AsSpan(at, 4).Fill(0x0C);
        File.WriteAllBytes(child, bytes);
    }
}

using Consolidator.Images;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Storage;

/// <summary>Alone, never beside another test: one of them puts a logging qemu-img first on the process's PATH.</summary>
[CollectionDefinition(nameof(ImageFormatTests), DisableParallelization = true)]
public sealed class ImageFormatCollection;

/// <summary>How `images scan` asks the real qemu-img about an image.</summary>
[Collection(nameof(ImageFormatTests))]
public sealed class ImageFormatTests : IDisposable
{
    private const int Block = 64 * 1024;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

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
}

using System.Diagnostics;
using System.Text.Json;
using Consolidator.Datasets;
using Consolidator.Output;

namespace Consolidator.Images;

/// <summary>Reads disk images block by block. Raw images are read directly; any other format qemu-img knows
/// (qcow2, vmdk, vdi, ...) is first converted to a sparse raw file in a scratch folder with
/// <c>qemu-img convert</c>, which is also what resolves a qcow2 backing chain into the disk the guest sees.</summary>
public static class ImageScanner
{
    /// <summary>Fixed block size by default: 64 KiB, qcow2's default cluster size, so that a block of the scan is
    /// what a qcow2 layer allocates and shares.</summary>
    public const int DefaultBlockKib = 64;

    /// <summary>qemu-img on the PATH, or null.</summary>
    public static string? QemuImg() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "qemu-img")).FirstOrDefault(File.Exists);

    /// <summary>The formats <c>images scan --format</c> takes: qemu-img 7.2's image formats that convert reads. Its protocol
    /// drivers (file, nbd, vvfat, host_device, ...) are no image format: `-f vvfat` reads a folder as a disk.</summary>
    public static readonly IReadOnlyList<string> Formats = ["raw", "qcow2", "qcow", "qed", "vmdk", "vdi", "vhdx", "vpc", "parallels", "dmg", "bochs", "cloop"];

    /// <param name="declared">The image's format as its owner declares it (libvirt's &lt;driver type=.../&gt;), or null to
    /// let qemu-img tell it from the content (<see cref="Format"/>). Declared, it is passed to qemu-img as <c>-f</c>, so the
    /// content is never probed: a raw disk is read as raw whatever its first bytes say.</param>
    public static ImageBlocks Scan(string id, string path, int blockKib, string? declared = null)
    {
        // A disk image may be a disk (an LVM volume, say): a block device reads as its contents.
        InputFiles.Require(path, blockDevice: true);
        // Opened first: an image this process may not read was qemu-img's "Could not open '/full/path': Permission denied".
        using (InputFiles.OpenRead(path, blockDevice: true)) { }
        if (declared == "raw") return Hash(id, path, path, blockKib);
        CheckExtents(path, path);
        var (format, info) = Format(path, declared);
        if (format == "raw") return Hash(id, path, path, blockKib);
        var qemuImg = QemuImg() ?? throw new InputException(path, 0, null, 0, null, $"a {format} image, and qemu-img is not installed to read it (apt-get install qemu-utils)");
        CheckBackingChain(qemuImg, path, info);
        RemoveDeadScratch();
        var scratch = Directory.CreateTempSubdirectory(ScratchPrefix);
        try
        {
            using var held = new FileStream(System.IO.Path.Combine(scratch.FullName, ScratchLock), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            var raw = System.IO.Path.Combine(scratch.FullName, "disk.raw");
            Run(qemuImg, path, ["convert", "-q", "-f", format, "-O", "raw", System.IO.Path.GetFullPath(path), raw], writing: raw);
            return Hash(id, path, raw, blockKib);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>The scratch folders' names in the temporary folder, and the lock file each holds while its scan runs.</summary>
    private const string ScratchPrefix = "consolidator-scan-", ScratchLock = ".lock";

    /// <summary>Removes the scratch folders of scans that died (kill -9, a power cut) before removing their own: each held
    /// a raw copy as large as its image's data, and nothing removed it. A scan holds an flock on its folder's lock file,
    /// released by the kernel when the process dies, so a lock that can be taken is a dead scan's (the lock, unlike a
    /// process id, means the same in every PID namespace sharing the folder). Folders without a lock file (one being
    /// made) and other users' are left.</summary>
    private static void RemoveDeadScratch()
    {
        IEnumerable<string> folders;
        try
        {
            folders = Directory.EnumerateDirectories(System.IO.Path.GetTempPath(), ScratchPrefix + "*").ToList();
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            return;
        }
        foreach (var folder in folders)
        {
            try
            {
                using var dead = new FileStream(System.IO.Path.Combine(folder, ScratchLock), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (IoFailure.IsIo(e))
            {
                // Held by a running scan, not ours to remove, or without a lock file yet: left.
            }
        }
    }

    /// <summary>The most images a backing chain may hold here: a chain that loops (a over b over a) is not seen by
    /// <c>qemu-img info</c> of one image, and is cut off at this depth.</summary>
    private const int MaxChain = 64;

    /// <summary>Every file <c>qemu-img convert</c> will open besides the image, checked as any input is before it runs:
    /// each backing file of the chain, and each image's external data file (a qcow2 created with <c>-o data_file=</c>
    /// keeps its guest data in another file, named in its header). A pipe there made convert wait for a writer, for ever,
    /// and an address (nbd://, json:) made it open a network or a driver. <c>qemu-img info</c> opens an image without its
    /// backing file and without reading its data file, so walking the chain with it cannot block.</summary>
    /// <param name="info">The scanned image's own <c>qemu-img info</c> JSON, which <see cref="Format"/> read: the walk's
    /// first step, so that qemu-img is not run on the image twice.</param>
    private static void CheckBackingChain(string qemuImg, string path, string? info)
    {
        var image = System.IO.Path.GetFullPath(path);
        string? format = null;
        for (var depth = 0; ; depth++)
        {
            if (depth > 0) CheckExtents(path, image);
            // A backing file is read as the format its child's header records (backing-filename-format), as convert opens it.
            var json = depth == 0 && info is not null ? info
                : Run(qemuImg, path, ["info", "--output=json", .. format is null ? Array.Empty<string>() : ["-f", format], image]);
            if (depth > 0 && format is null && Probed(path, json, image) is { } probed)
                throw new InputException(path, 0, null, 0, image,
                    $"its backing file has no format recorded in its child's header, and its content reads as a {Quoted.Value(probed)} image that names other files, under a name that does not say {Quoted.Value(probed)} (a guest can write such a header on its own raw disk): record the format, e.g. qemu-img rebase -u -F {Quoted.Value(probed)} (or -F raw) -b BACKING CHILD");
            var (backing, backingFormat, dataFile) = Files(path, image, json);
            if (dataFile is not null) CheckOpened(path, dataFile, "its external data file");
            if (backing is null) return;
            CheckOpened(path, backing, "its backing file");
            if (depth >= MaxChain) throw new InputException(path, 0, null, 0, null, $"a backing chain of more than {MaxChain} images (a loop?)");
            image = backing;
            format = backingFormat is { } f && Formats.Contains(f) ? f : null;
        }
    }

    /// <summary>Checks the extent files of <paramref name="image"/> (the image scanned, or a backing file of its chain)
    /// when it is a VMDK text descriptor, before qemu-img opens it (<see cref="VmdkDescriptor"/>).</summary>
    private static void CheckExtents(string path, string image)
    {
        IReadOnlyList<string> extents;
        try
        {
            extents = VmdkDescriptor.Extents(image);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw InputFiles.Failure(image, e);
        }
        foreach (var extent in extents)
        {
            CheckOpened(path, extent, "its extent file");
            if (!File.Exists(extent)) throw new InputException(path, 0, null, 0, extent, "its extent file is not found");
        }
    }

    /// <summary>Refuses a file qemu-img would open for <paramref name="path"/> that no input may be: an address, a folder,
    /// a pipe, a socket or a character device.</summary>
    private static void CheckOpened(string path, string file, string what)
    {
        if (HasProtocol(file) || file.Contains("://", StringComparison.Ordinal))
            throw new InputException(path, 0, null, 0, file, $"{what} is not a local file (qemu-img would open it as an address or a driver's name: 'json:', 'nbd:', 'fat:', 'blkdebug:', ...); scan an image converted without it");
        if (Directory.Exists(file)) throw new InputException(path, 0, null, 0, file, $"{what} is a folder");
        if (FileKinds.Problem(file, blockDevice: true) is { } problem)
            throw new InputException(path, 0, null, 0, file, $"{what} is {problem}");
    }

    /// <summary>Whether qemu-img reads <paramref name="file"/> as a protocol's or a driver's name rather than a path: a ':'
    /// before any '/' (QEMU 7.2's block.c path_has_protocol; json: is one such). Only "json:" and "...://" were refused: a
    /// backing file "nbd:127.0.0.1:10809" passed the checks whenever a regular file of that name stood in the working
    /// folder (an image folder scanned from inside it, the name shipped beside the image), and qemu-img then connected to
    /// that address and waited for its answer for ever; "fat:DIR" reads a folder as a disk, "blkdebug:CONF:IMAGE" a
    /// config file.</summary>
    private static bool HasProtocol(string file) => file.IndexOfAny([':', '/']) is var at and >= 0 && file[at] == ':';

    /// <summary>The backing file of <paramref name="image"/> as qemu-img resolves it (full-backing-filename) and the format
    /// its header records for it, and its external data file (format-specific data-file), each or all null, from the
    /// image's <c>qemu-img info</c> JSON.</summary>
    private static (string? Backing, string? BackingFormat, string? DataFile) Files(string path, string image, string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (Encrypted(root)) throw new InputException(path, 0, null, 0, image, EncryptedWords("its backing file is an encrypted image"));
            var backing = root.TryGetProperty("full-backing-filename", out var full) ? full.GetString()
                : root.TryGetProperty("backing-filename", out var name) ? name.GetString() : null;
            var backingFormat = root.TryGetProperty("backing-filename-format", out var bf) && bf.ValueKind == JsonValueKind.String ? bf.GetString() : null;
            string? dataFile = null;
            if (root.TryGetProperty("format-specific", out var specific) && specific.TryGetProperty("data", out var data)
                && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("data-file", out var file) && file.ValueKind == JsonValueKind.String)
                // As the header holds it: qemu-img 7.2 opens a relative name from its working folder (ours), not the
                // image's (a qcow2 made with data_file=d.data in one folder and converted from another opened the
                // other folder's d.data, and waited for ever when that was a pipe).
                dataFile = file.GetString();
            return (backing, backingFormat, dataFile);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InputException(path, 0, null, 0, null, "qemu-img info gave no JSON for it");
        }
    }

    /// <summary>Whether <c>qemu-img info</c> says the image is encrypted (LUKS, or a qcow2 with encrypt.format=luks).</summary>
    private static bool Encrypted(JsonElement info) =>
        info.TryGetProperty("encrypted", out var encrypted) && encrypted.ValueKind == JsonValueKind.True;

    /// <summary>An encrypted image opens only with its key, which a scan is not given: it was "qemu-img convert failed:
    /// qemu-img: Could not open '/full/path': Parameter 'key-secret' is require... (92 characters)", the reason cut off.</summary>
    private static string EncryptedWords(string what) =>
        $"{what}: qemu-img reads it only with its key, which images scan is not given; scan a decrypted copy (qemu-img convert --object secret,id=s,file=KEYFILE --image-opts ... -O qcow2)";

    /// <summary>qemu-img's first line of error without what the message names already: its own name and "Could not open
    /// '/full/path/of/the/image': ", which took most of the 80 characters a quoted value keeps and cut the reason off.</summary>
    private static string Reason(string line)
    {
        var why = line.StartsWith("qemu-img: ", StringComparison.Ordinal) ? line["qemu-img: ".Length..] : line;
        if (why.StartsWith("Could not open '", StringComparison.Ordinal) && why.IndexOf("': ", StringComparison.Ordinal) is var end and > 0)
            why = why[(end + 3)..];
        return why;
    }

    /// <summary>qemu-img's name for the image's format and its <c>qemu-img info</c> JSON: the format declared (passed as
    /// <c>-f</c>, so qemu-img checks the content is that format and probes nothing), else what qemu-img tells from the
    /// content when it is installed, else from the qcow2 magic (QFI\xfb), else raw.
    /// A file named <c>.raw</c> whose content reads as another format is refused without a declared format: a guest writes
    /// what it likes on its raw disk, a qcow2 header naming any host file as its backing file included, and the scan then
    /// measured that file instead of the disk (QEMU itself restricts writes to block 0 of a probed raw image for this).</summary>
    private static (string Format, string? Info) Format(string path, string? declared)
    {
        if (QemuImg() is { } qemuImg)
        {
            var json = Run(qemuImg, path, ["info", "--output=json", .. declared is null ? Array.Empty<string>() : ["-f", declared], System.IO.Path.GetFullPath(path)]);
            try
            {
                using var doc = JsonDocument.Parse(json);
                var format = doc.RootElement.GetProperty("format").GetString() ?? "raw";
                if (Encrypted(doc.RootElement)) throw new InputException(path, 0, null, 0, null, EncryptedWords($"an encrypted {format} image"));
                if (declared is null && format != "raw" && path.EndsWith(".raw", StringComparison.OrdinalIgnoreCase))
                    throw new InputException(path, 0, null, 0, null,
                        $"named .raw, but its content reads as a {Quoted.Value(format)} image (a guest can write such a header on its own raw disk, naming a host file as its backing file): give --format raw to scan it as the raw disk it is, or --format {Quoted.Value(format)} if it is one");
                if (declared is null && Probed(path, json, path) is { } probed)
                    throw new InputException(path, 0, null, 0, null,
                        $"its content reads as a {Quoted.Value(probed)} image that names other files, under a name that does not say {Quoted.Value(probed)} (a guest can write such a header on its own raw disk, naming a host file as its backing file): give --format {Quoted.Value(probed)} if it is one, or --format raw to scan it as a raw disk");
                return (format, json);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InputException(path, 0, null, 0, null, "qemu-img info gave no format for it");
            }
        }
        if (declared is not null) return (declared, null);
        Span<byte> magic = stackalloc byte[4];
        using var stream = InputFiles.OpenRead(path, blockDevice: true);
        return (stream.Read(magic) == 4 && magic.SequenceEqual("QFI\xfb"u8) ? "qcow2" : "raw", null);
    }

    /// <summary>The format qemu-img told from <paramref name="image"/>'s content (its <c>qemu-img info</c> JSON, no format
    /// given) where that is not to be believed: a format other than raw whose header names other files (a backing file, an
    /// external data file, a VMDK descriptor's extents) under a name that does not say that format (<c>.img</c>, no
    /// extension). A raw disk is the guest's to write, a qcow2 header naming a host file as its backing file included; QEMU
    /// probes such content too, and restricts writes to a probed raw image's first block for that reason. Believed: raw,
    /// any format whose header names no other file (what is read is then the file's own content, whatever it is), and a
    /// name that says the format (disk.qcow2, base.vmdk): a guest does not name its disk's file. Else null.</summary>
    private static string? Probed(string path, string json, string image)
    {
        string? format;
        try
        {
            using var doc = JsonDocument.Parse(json);
            format = doc.RootElement.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        }
        catch (JsonException)
        {
            throw new InputException(path, 0, null, 0, null, "qemu-img info gave no JSON for it");
        }
        if (format is null or "raw" || NameSays(image, format)) return null;
        var (backing, _, dataFile) = Files(path, image, json);
        IReadOnlyList<string> extents;
        try
        {
            extents = format == "vmdk" ? VmdkDescriptor.Extents(image) : [];
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw InputFiles.Failure(image, e);
        }
        return backing is null && dataFile is null && extents.Count == 0 ? null : format;
    }

    /// <summary>Whether a file's name says it holds <paramref name="format"/> (qemu-img's name for it): the extensions the
    /// format's own tools give (qemu-img, VMware, VirtualBox, Hyper-V, Parallels).</summary>
    private static bool NameSays(string file, string format)
    {
        var extension = System.IO.Path.GetExtension(file).ToLowerInvariant();
        return format switch
        {
            "qcow2" => extension is ".qcow2" or ".qcow2c",
            "vpc" => extension is ".vhd" or ".vpc",
            "parallels" => extension is ".hdd" or ".hds",
            _ => extension == "." + format,
        };
    }

    /// <param name="writing">The file qemu-img writes, if any: its failure to write there (a full temporary folder) is an
    /// output's failure, exit code 1 naming that file, not the image's (it was 'qemu-img convert failed', exit code 2, as
    /// though the image were bad).</param>
    private static string Run(string qemuImg, string path, string[] args, string? writing = null)
    {
        var start = new ProcessStartInfo(qemuImg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InputException(path, 0, null, 0, null, "qemu-img could not be started");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var why = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? $"exit code {process.ExitCode}";
            // qemu-img's words for a write that failed ("error while writing at byte 0: No space left on device" from qemu-img 7.2 on a full tmpfs).
            if (writing is not null && why.Contains("error while writing", StringComparison.Ordinal))
                throw new OutputException(writing, $"cannot write the raw copy of {Quoted.Path(path)} that qemu-img converts it into: {Quoted.Value(why.Split(": ")[^1])}; set TMPDIR to a folder with room for the image's data", isUsage: false);
            // A copy larger than the file system's largest file: "error while converting raw: Could not resize file: File too
            // large" from qemu-img 7.2 (ext4 holds 16 TiB in a file with 4 KiB blocks, 4 TiB with 1 KiB). It was 'qemu-img
            // convert failed: qemu-img: /tmp/consolidator-scan-.../disk.raw: error while converting r...', exit code 2, as
            // though the image were bad, the reason cut off.
            if (writing is not null && why.EndsWith("File too large", StringComparison.Ordinal))
                throw new OutputException(writing, $"cannot write the raw copy of {Quoted.Path(path)} that qemu-img converts it into: File too large: the temporary folder's file system holds no file of the image's virtual size (sparse, its holes take no room); set TMPDIR to a folder on one that does (xfs, btrfs, tmpfs)", isUsage: false);
            throw new InputException(path, 0, null, 0, null, $"qemu-img {args[0]} failed: {Quoted.Value(Reason(why))}");
        }
        return stdout;
    }

    /// <summary>The image's blocks, its holes counted as zero blocks without reading them (<see cref="Extents"/>): only
    /// the blocks that overlap data are read, so a sparse image costs its data, not its size.</summary>
    private static ImageBlocks Hash(string id, string path, string raw, int blockKib)
    {
        var size = blockKib * 1024;
        var buffer = new byte[size];
        var blocks = new List<BlockHash>();
        long zeros = 0, at = 0, read = 0;
        try
        {
            InputFiles.Require(raw, blockDevice: true);
            using var file = File.OpenHandle(raw, FileMode.Open, FileAccess.Read, FileShare.Read);
            // Data is known to run to dataEnd; past it, ask where the next data starts. long.MaxValue: read on to the end.
            var dataEnd = 0L;
            while (true)
            {
                if (at >= dataEnd)
                {
                    var data = Extents.NextData(file, at);
                    if (data is null) dataEnd = long.MaxValue;
                    else if (data < 0)
                    {
                        // A hole to the end: its blocks (the last one maybe short) are zero blocks.
                        var end = Math.Max(at, Extents.End(file) ?? at);
                        zeros += (end - at + size - 1) / size;
                        at = end;
                        break;
                    }
                    else
                    {
                        var skipped = (data.Value - at) / size;
                        zeros += skipped;
                        at += skipped * size;
                        dataEnd = Extents.NextHole(file, data.Value) ?? long.MaxValue;
                    }
                }
                var n = 0;
                for (int got; n < size && (got = RandomAccess.Read(file, buffer.AsSpan(n), at + n)) > 0;) n += got;
                if (n == 0) break;
                at += n;
                read += n;
                var block = buffer.AsSpan(0, n);
                if (!block.ContainsAnyExcept((byte)0)) zeros++;
                else blocks.Add(BlockHash.Of(block));
                if (n < size) break;
            }
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw InputFiles.Failure(path, e);
        }
        return new ImageBlocks(id, path, at, blockKib, blocks, zeros) { ReadBytes = read };
    }
}

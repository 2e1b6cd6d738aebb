using System.Text;
using System.Text.RegularExpressions;

namespace Consolidator.Images;

/// <summary>The extent files a VMDK text descriptor names. A descriptor ("# Disk DescriptorFile", then version=1, then
/// lines such as <c>RW 2048 FLAT "disk-flat.vmdk" 0</c>) keeps the guest's data in other files, which qemu-img opens as
/// soon as it opens the descriptor, <c>qemu-img info</c> included: an extent that is a pipe made the scan wait for a
/// writer for ever before any of its own checks ran. They are read here, without qemu-img, and checked as any input is.</summary>
internal static partial class VmdkDescriptor
{
    /// <summary>The most of a descriptor read: QEMU reads at most 1 MiB of one (block/vmdk.c, vmdk_read_desc).</summary>
    private const int MaxBytes = 1 << 20;

    /// <summary>The extent files of <paramref name="image"/> when it is a VMDK text descriptor, each resolved as QEMU does
    /// (block/vmdk.c, vmdk_parse_extents: a relative name from the descriptor's folder); none for anything else.</summary>
    public static IReadOnlyList<string> Extents(string image)
    {
        var buffer = new byte[MaxBytes];
        int read;
        using (var stream = new FileStream(image, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        if (!IsDescriptor(text)) return [];
        // From the full path, as qemu-img is given it: a relative extent "nbd:..." beside a descriptor named without a
        // folder is the local file QEMU opens (path_combine), not the address the bare name reads as.
        var folder = Path.GetDirectoryName(Path.GetFullPath(image)) ?? ".";
        return [.. ExtentLine().Matches(text).Select(m => Path.Combine(folder, m.Groups["file"].Value))];
    }

    /// <summary>QEMU's test for a text descriptor (block/vmdk.c, vmdk_probe): comment and blank lines, then "version=1",
    /// 2 or 3 alone on its line.</summary>
    private static bool IsDescriptor(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('#') || line.Trim(' ').Length == 0) continue;
            return line is "version=1" or "version=2" or "version=3";
        }
        return false;
    }

    // vmdk_parse_extents: "%10s %" SCNd64 " %10s \"%511[^\n\r\"]\"": access, sectors, type, then the file name quoted.
    [GeneratedRegex(@"^[ \t]*(RW|RDONLY|NOACCESS)[ \t]+\d+[ \t]+\w+[ \t]+""(?<file>[^\r\n""]+)""", RegexOptions.Multiline)]
    private static partial Regex ExtentLine();
}

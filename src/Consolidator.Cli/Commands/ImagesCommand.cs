using System.CommandLine;
using Consolidator.Images;
using Consolidator.Output;

namespace Consolidator.Cli.Commands;

/// <summary><c>images scan</c>: measures disk images instead of guessing how much they share.</summary>
internal static class ImagesCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var paths = new Argument<string[]>("images") { Description = "Disk images to scan: raw, or any format qemu-img reads (qcow2, vmdk, vdi, ...)", Arity = ArgumentArity.OneOrMore };
        var outFile = new Option<string>("--out") { Description = "The images.csv to write", Required = true };
        var blockKib = new Option<int>("--block-kib") { Description = "Block size in KiB for hashing (SHA-256 per block); 64 = qcow2's default cluster", DefaultValueFactory = _ => ImageScanner.DefaultBlockKib };
        var parents = new Option<string[]>("--parent") { Description = "CHILD=PARENT: the image CHILD is layered over PARENT (both scanned); images.csv then gives their shared content", AllowMultipleArgumentsPerToken = false };
        var format = new Option<string?>("--format") { Description = $"The images' format as declared (libvirt's <driver type=.../>): {string.Join(", ", ImageScanner.Formats)}; passed to qemu-img as -f, so the content is not probed (a raw disk whose first bytes a guest made look like qcow2 is read as raw). Default: told from the content" };
        var scan = new Command("scan", "Hash fixed-size blocks of disk images and write images.csv: each image's stored size (distinct non-zero blocks), the blocks it shares with every other image, and with its parent.")
        {
            paths, outFile, blockKib, parents, format,
        };
        scan.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var kib = r.GetValue(blockKib);
            if (kib is < 4 or > 65536 || (kib & (kib - 1)) != 0)
                throw new ArgumentOutOfRangeException("--block-kib", kib, "--block-kib must be a power of two from 4 to 65536");
            var declared = r.GetValue(format);
            if (declared is not null && !ImageScanner.Formats.Contains(declared))
                throw new ArgumentOutOfRangeException("--format", declared, $"--format must be one of {string.Join(", ", ImageScanner.Formats)} (qemu-img's image formats); got '{Quoted.Value(declared)}'");
            var files = r.GetValue(paths)!;
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var f in files)
            {
                // The image is named by its file: a name images.csv's reader refuses was written, and every plan of the
                // dataset then failed on it (a newline in a file name, an empty name from '.raw').
                var id = ImageCatalog.IdOf(f);
                if ((id.Length == 0 ? "an image id (the file's name less its extension) must not be empty" : Ids.Problem(id, "an image id (the file's name less its extension)")) is { } why)
                    throw new ArgumentOutOfRangeException("images", f, $"{Quoted.Path(f)}: {why}; link the image under another name and scan the link");
                if (!ids.TryAdd(id, f))
                    throw new ArgumentOutOfRangeException("images", f, $"two images would both be called '{Quoted.Value(ImageCatalog.IdOf(f))}': {Quoted.Path(ids[ImageCatalog.IdOf(f)])} and {Quoted.Path(f)}; rename one");
            }
            var parentOf = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in r.GetValue(parents) ?? [])
            {
                var parts = pair.Split('=');
                if (parts.Length != 2 || !ids.ContainsKey(parts[0]) || !ids.ContainsKey(parts[1]) || parts[0] == parts[1] || !parentOf.TryAdd(parts[0], parts[1]))
                    throw new ArgumentOutOfRangeException("--parent", pair, $"--parent takes CHILD=PARENT, two different images scanned, one parent per child (images: {Quoted.Escape(string.Join(", ", ids.Keys), 200)}); got '{Quoted.Value(pair)}'");
            }
            // images.csv refuses a cycle of parents wherever it is read: the scan does not write one.
            foreach (var start in parentOf.Keys)
            {
                var seen = new List<string> { start };
                // At most one step per child: a chain longer than that has met a cycle, found from one of its images.
                for (var p = parentOf[start]; seen.Count <= parentOf.Count && (parentOf.ContainsKey(p) || p == start); p = parentOf[p])
                {
                    seen.Add(p);
                    if (p == start)
                        throw new ArgumentOutOfRangeException("--parent", start, $"--parent: the parents form a cycle ({Quoted.Escape(string.Join(" over ", seen), 200)}): an image cannot be layered over itself");
                }
            }
            var output = r.GetValue(outFile)!;
            OutputSet.CheckFile(output, ImageCatalog.HeaderLine);
            var scanned = ids.Select(kv => ImageScanner.Scan(kv.Key, kv.Value, kib, declared)).ToList();
            OutputSet.WriteFile(output, OutputFile.Text(Path.GetFileName(output), w => ImageCatalog.Write(w, scanned, parentOf)), ImageCatalog.HeaderLine);
            stdout.WriteLine($"scanned {scanned.Count} image(s) in {kib} KiB blocks: {scanned.Sum(i => i.Distinct.Count)} distinct blocks stored, "
                + $"{scanned.SelectMany(i => i.Distinct).Distinct().Count()} across all images; read {Size(scanned.Sum(i => i.ReadBytes))} of {Size(scanned.Sum(i => i.VirtualBytes))} (holes are not read); wrote {Outputs.Shown(output)}");
            return ExitCodes.Ok;
        }));
        return new Command("images", "Disk images: measure what they share (content-addressed deduplication).") { scan };
    }

    private static string Size(long bytes) => bytes < 1L << 30
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB");
}

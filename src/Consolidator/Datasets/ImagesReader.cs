using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Storage;

namespace Consolidator.Datasets;

/// <summary>Reads the optional images.csv of a dataset folder: <c>image_id,size_gib</c>, and for an image
/// layered over another, <c>parent</c> with either <c>shared_gib</c> (the content it shares with the parent, as
/// <c>images scan</c> measures it) or a <c>manifest</c> for it and for its parent (block hash lists, paths
/// relative to the folder, written by the operator's own tooling from its content-addressed store: <c>images scan</c>
/// does not write them; the share is then counted from them).
/// Other columns (the scan's block counts) are ignored. Every problem is a located error.</summary>
public static class ImagesReader
{
    public const string File = "images.csv";
    public const string IdColumn = "image_id", SizeColumn = "size_gib", ParentColumn = "parent", SharedColumn = "shared_gib", ManifestColumn = "manifest";

    /// <param name="hosts">The dataset's hosts, when read with them: an image id that reads the same as a host id
    /// (Cyrillic "сор-1" beside host "cop-1") is refused at its line, as a VM's is (the per-column check sees only
    /// images.csv's own ids, so a Cyrillic image set beside Latin hosts passed).</param>
    /// <param name="hashed">Gives each block manifest's path back once it is hashed into the dataset's fingerprint
    /// (<see cref="DatasetFingerprint.Add"/>), when the dataset is fingerprinted: a manifest decides how much of an image
    /// its parent already holds, so how much disk data a move sends, so the plan. A manifest edited after planning read as
    /// the same dataset and `export` acted on the plan.</param>
    /// <summary>Why <paramref name="name"/> cannot name a block manifest, or null: a manifest is named relative to the
    /// dataset folder and stays inside it, as the reference says. Absolute names and '..' out of the folder were read: a
    /// dataset is one folder, fingerprinted with its manifests, moved and shared as one (export finds it "where it is now"),
    /// so a manifest outside it is lost when the folder moves, and a dataset from elsewhere could read any file its user
    /// can; the first line of one that is not a manifest is quoted in the error ('/etc/shadow' printed root's password
    /// hash). A symbolic link inside the folder is the operator's own choice and is followed; one
    /// that leads out of it is refused (<see cref="DatasetFolder"/>).</summary>
    internal static string? ManifestProblem(string name)
    {
        if (Path.IsPathRooted(name))
            return "a manifest is named relative to the dataset folder (an absolute path is refused: the dataset would read files outside itself); copy or link it into the folder";
        var depth = 0;
        foreach (var part in name.Split('/'))
        {
            depth += part switch { ".." => -1, "" or "." => 0, _ => 1 };
            if (depth < 0)
                return "a manifest must stay inside the dataset folder ('..' leaves it: the dataset would read files outside itself); copy or link it into the folder";
        }
        return null;
    }

    public static ImmutableArray<Image> Read(string path, IReadOnlyList<Host>? hosts = null) => Read(path, hosts, null, null);

    /// <param name="folder">The dataset's folder, through which every file is opened (<see cref="DatasetFolder.Open(string, int, FileOptions)"/>);
    /// null: images.csv's own folder.</param>
    /// <param name="hashed">Hashes a manifest into the dataset's fingerprint just before it is read.</param>
    internal static ImmutableArray<Image> Read(string path, IReadOnlyList<Host>? hosts, DatasetFolder? folder, Func<string, string>? hashed)
    {
        var hostReadings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var h in hosts ?? []) hostReadings.TryAdd(Ids.Reading(h.Id), h.Id);
        var folderPath = Path.GetDirectoryName(path) ?? ".";
        var inside = folder ?? new DatasetFolder(folderPath);
        using var file = DatasetFile.Open(path, inside, IdColumn, SizeColumn);
        int id = file.Column(IdColumn), size = file.Column(SizeColumn), parent = file.OptionalColumn(ParentColumn),
            shared = file.OptionalColumn(SharedColumn), manifest = file.OptionalColumn(ManifestColumn);
        var rows = new List<(Image Image, int Line, BlockManifest? Manifest)>();
        var written = new HashSet<string>(StringComparer.Ordinal); // images whose shared_gib is given
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        while (file.Read())
        {
            var imageId = file.Id(id);
            if (hostReadings.TryGetValue(Ids.Reading(imageId), out var host)
                && Ids.ReadsAs(imageId, "the image", host, "host", DatasetReader.HostsFile) is { } alike)
                throw file.Error(id, alike, imageId);
            if (!lines.TryAdd(imageId, file.Line))
                throw file.Error(id, $"duplicate image_id (first on line {lines[imageId]})", imageId);
            // 0 is a blank image: `images scan` of a new or all-zero disk stores no block, and wrote a size_gib of 0 that
            // this reader then refused ("must be greater than zero").
            var gib = file.AtMost(size, file.Number(size, positive: false), PlacementProblem.MaxMib / 1024);
            var parentId = parent >= 0 && file.Text(parent).Length > 0 ? file.Text(parent) : null;
            if (parentId == imageId) throw file.Error(parent, "an image cannot be its own parent", parentId);
            var share = file.OptionalNumber(shared, positive: false);
            if (share is not null && parentId is null)
                throw file.Error(shared, "shared_gib is the content shared with the parent: give a parent or leave it empty", file.Text(shared));
            if (share > gib)
                throw file.Error(shared, $"shared_gib must not exceed the image's size_gib ({file.Text(size)})", file.Text(shared));
            BlockManifest? blocks = null;
            if (manifest >= 0 && file.Text(manifest).Length > 0)
            {
                if (ManifestProblem(file.Text(manifest)) is { } outside) throw file.Error(manifest, outside, file.Text(manifest));
                try
                {
                    // The name stays in the folder (ManifestProblem); a link on its way may still leave it.
                    var manifestPath = Path.Combine(folderPath, file.Text(manifest));
                    blocks = BlockManifest.Read(hashed?.Invoke(manifestPath) ?? manifestPath, inside);
                }
                catch (InputException e) when (e.Line == 0)
                {
                    throw file.Error(manifest, e.Problem, file.Text(manifest));
                }
                // A manifest lists what a store holds of the image alone, which is what size_gib says too: one holding more
                // is another image's, or size_gib is wrong. The share counted from it was capped at size_gib without a word.
                if (blocks.Gib > gib * (1 + 1e-6))
                    throw file.Error(manifest, $"the manifest holds {DatasetWriter.Number(blocks.Gib)} GiB of distinct blocks ({blocks.Hashes.Count} of {blocks.BlockKib} KiB), more than the image's size_gib ({file.Text(size)}): it lists another image, or size_gib is wrong", file.Text(manifest));
            }
            if (parentId is not null && share is null && blocks is null)
                throw file.Error(parent, "an image with a parent needs shared_gib (the content it shares with the parent) or manifests for both", parentId);
            if (share is not null) written.Add(imageId);
            rows.Add((new Image(imageId, gib, parentId, share ?? 0), file.Line, blocks));
        }
        if (rows.Count == 0)
            throw new InputException(path, file.HeaderLine + 1, null, 0, null, "no images: the file has a header but no rows");
        return Resolve(path, rows, lines, parent, shared, written);
    }

    /// <summary>The most layers an image's chain may hold, the image and its ancestors together. Ours, not a
    /// hypervisor's: a chain is a stack of qcow2 overlays (snapshots), which operators flatten (virsh blockpull,
    /// blockcommit) long before hundreds, since every read that misses a layer goes to the next. Each VM's move walks
    /// its image's whole chain in every heuristic, the stager and the replay, and the solver models a presence per
    /// layer and host: a chain of 30,000 images did not finish reading in 5 minutes ('plan --time-limit 5').</summary>
    public const int MaxLayers = 256;

    /// <summary>The number of layers in <paramref name="image"/>'s chain, counted once per image over the whole file
    /// (<paramref name="layers"/> remembers them, so a file is checked in time linear in its rows), or why the chain is
    /// refused: a cycle, or more than <see cref="MaxLayers"/> layers. A parent that is not in the file ends the chain
    /// here; it is reported on its own image's line.</summary>
    private static string? Layers(Image image, Dictionary<string, (Image Image, int Line, BlockManifest? Manifest)> byId,
        Dictionary<string, int> layers)
    {
        var tooMany = $"the image's chain of parents holds more than {MaxLayers} layers (an image over its parent over ...): flatten it (qemu-img rebase, virsh blockpull) and scan again";
        var path = new List<string>();
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        var below = 0; // layers under the last image of the path, counted already
        for (string? at = image.Id; at is not null; )
        {
            if (layers.TryGetValue(at, out below)) break;
            if (!onPath.Add(at)) return $"the parents form a cycle through image {Quoted.Value(at)} (line {byId[at].Line})";
            path.Add(at);
            if (path.Count > MaxLayers) return tooMany;
            at = byId[at].Image.Parent is { } up && byId.ContainsKey(up) ? up : null;
        }
        for (var i = path.Count - 1; i >= 0; i--) layers[path[i]] = ++below;
        return below > MaxLayers ? tooMany : null;
    }

    /// <summary>Checks the parents (known, no cycle, no larger share than the parent holds) and fills the shares
    /// that manifests give.</summary>
    private static ImmutableArray<Image> Resolve(string path, List<(Image Image, int Line, BlockManifest? Manifest)> rows,
        Dictionary<string, int> lines, int parentColumn, int sharedColumn, HashSet<string> written)
    {
        var byId = rows.ToDictionary(r => r.Image.Id, StringComparer.Ordinal);
        var layers = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = ImmutableArray.CreateBuilder<Image>(rows.Count);
        foreach (var (image, line, manifest) in rows)
        {
            if (image.Parent is not { } parentId)
            {
                result.Add(image);
                continue;
            }
            InputException Error(int column, string problem, string? value) =>
                new(path, line, column == parentColumn ? ParentColumn : SharedColumn, column + 1, value, problem);
            if (!byId.TryGetValue(parentId, out var parent))
                throw Error(parentColumn, "unknown parent: it must be an image_id of this file", parentId);
            if (Layers(image, byId, layers) is { } problem)
                throw Error(parentColumn, problem, parentId);
            var share = image.SharedWithParentGib;
            if (manifest is not null && parent.Manifest is null && share == 0 && (sharedColumn < 0 || !written.Contains(image.Id)))
                throw Error(parentColumn, "the image has a manifest but its parent has none: give the parent's manifest or shared_gib", parentId);
            if (manifest is not null && parent.Manifest is not null)
            {
                if (manifest.BlockKib != parent.Manifest.BlockKib)
                    throw Error(parentColumn, $"the manifests of the image and its parent use other block sizes ({manifest.BlockKib} and {parent.Manifest.BlockKib} KiB)", parentId);
                var computed = manifest.SharedWith(parent.Manifest) * (double)manifest.BlockKib / (1024 * 1024);
                if (written.Contains(image.Id) && Math.Abs(computed - share) > 1e-6 * Math.Max(1, share))
                    throw Error(sharedColumn, $"shared_gib disagrees with the manifests, which share {computed.ToString("0.######", CultureInfo.InvariantCulture)} GiB", share.ToString("R", CultureInfo.InvariantCulture));
                // Each manifest is within its size_gib (checked on its line), so the cap takes off a rounding of size_gib at most.
                share = Math.Min(computed, Math.Min(image.SizeGib, parent.Image.SizeGib));
            }
            if (share > parent.Image.SizeGib)
                throw Error(sharedColumn >= 0 ? sharedColumn : parentColumn, $"the image cannot share more than its parent holds ({parent.Image.SizeGib.ToString("R", CultureInfo.InvariantCulture)} GiB)", share.ToString("R", CultureInfo.InvariantCulture));
            result.Add(image with { SharedWithParentGib = share });
        }
        return result.MoveToImmutable();
    }
}

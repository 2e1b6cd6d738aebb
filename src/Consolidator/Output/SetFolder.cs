using System.Text.RegularExpressions;

namespace Consolidator.Output;

/// <summary>Where an output set goes and what may be replaced there. The folder belongs to the tool: a run
/// replaces it whole, but only when everything in it was written by an earlier run of the same kind (its
/// manifest lists it). A folder holding anything else, or the output of another kind of command, is refused
/// rather than deleted. Temporary folders and the lock live beside it in its parent.</summary>
internal sealed partial record SetFolder(string Full, string Parent, string Name)
{
    public const string Manifest = ".consolidator-output";
    private const string ManifestHeader = "# consolidator output set: a later run of the same kind replaces this folder whole";

    public string LockPath => System.IO.Path.Combine(Parent, $".{Name}.lock");

    /// <summary>The lock file of the folder <paramref name="full"/> (a full path), or null for a root.</summary>
    public static string? LockOf(string full)
    {
        full = System.IO.Path.TrimEndingDirectorySeparator(full);
        var parent = System.IO.Path.GetDirectoryName(full);
        return parent is null ? null : System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(full)}.lock");
    }

    /// <summary>A fresh sibling to write a new set into, named with the writing process so that a later run
    /// can tell one being written from one whose writer was killed.</summary>
    public string NewTemp() => System.IO.Path.Combine(Parent, $".{Name}.new-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>A sibling to move the old set aside to, where folders cannot be swapped in one step.</summary>
    public string Aside() => System.IO.Path.Combine(Parent, $".{Name}.old-{Guid.NewGuid():N}");

    public static SetFolder Of(string dir)
    {
        if (string.IsNullOrWhiteSpace(dir)) throw new OutputException(dir ?? "", "an output folder needs a name", isUsage: true);
        if (dir == OutputSet.StandardStream) throw new OutputException(dir, OutputSet.StandardStreamSetWords, isUsage: true);
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(dir));
        // A symbolic link to a folder stands for that folder: the set replaces the folder, not the link.
        var info = new DirectoryInfo(full);
        if (info.LinkTarget is not null)
        {
            // A loop of links threw .NET's IOException from the resolution (exit code 1, "Too many levels of symbolic links").
            if (FileKinds.IsBrokenLink(full)) throw new OutputException(dir, FileKinds.BrokenLinkWords, isUsage: true);
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            if (final is null || !final.Exists)
                throw new OutputException(dir, "a symbolic link to a file: the output must be a folder", isUsage: true);
            full = System.IO.Path.TrimEndingDirectorySeparator(final.FullName);
        }
        var parent = System.IO.Path.GetDirectoryName(full);
        if (parent is null) throw new OutputException(dir, "the root folder cannot be an output folder", isUsage: true);
        var cwd = System.IO.Path.TrimEndingDirectorySeparator(Environment.CurrentDirectory);
        if (cwd == full || cwd.StartsWith(full + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new OutputException(dir, "the current folder, or a folder that holds it, cannot be an output folder: a run replaces its output folder whole", isUsage: true);
        var name = System.IO.Path.GetFileName(full);
        CheckNameLength(dir, name, "a folder name");
        return new SetFolder(full, parent, name);
    }

    /// <summary>The longest name an output takes, in bytes: it is written beside itself under a longer one first
    /// ('.NAME.new-PID-GUID' for a set, '.NAME.PID.GUID.tmp' for a file: at most 46 bytes more), and a file name holds
    /// at most 255 bytes (Linux's NAME_MAX). A 250-byte name was "the path is too long", exit code 1, as an I/O failure.</summary>
    public const int MaxNameBytes = 255 - 46;

    public static void CheckNameLength(string path, string name, string what)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            throw new OutputException(path, $"{what} of at most {MaxNameBytes} bytes: the output is written beside it under a name up to 46 bytes longer, and a file name holds at most 255", isUsage: true);
    }

    /// <summary>Why an existing folder may not take a set of <paramref name="kind"/>, or null when it may.</summary>
    public string? Refusal(string kind)
    {
        // A set is put in place by renaming a sibling over the folder, which a mount point refuses (EBUSY): `--out /mnt/results`,
        // an empty volume's root, ran the whole plan and then failed with "cannot put the output folder in place: Device or
        // resource busy", exit code 1.
        if (IsMountPoint(Full))
            return $"a mount point: a run puts its output in place whole by renaming a folder over this one, which a mount point cannot take; write into a folder inside it (e.g. {Quoted.Path(System.IO.Path.Combine(Full, "out"))})";
        var entries = Directory.EnumerateFileSystemEntries(Full).Select(e => System.IO.Path.GetFileName(e)!).ToList();
        if (entries.Count == 0) return null;
        var manifest = ReadManifest(System.IO.Path.Combine(Full, Manifest));
        if (manifest is null)
            return $"the folder is not empty and was not written by consolidator (it has no {Manifest}); move its files away or choose another folder";
        if (manifest.Value.Kind != kind)
            return $"the folder holds the output of another command ({manifest.Value.Kind}); choose another folder";
        var foreign = entries.Where(e => e != Manifest && !manifest.Value.Files.Contains(e) && !manifest.Value.Extras.Contains(e) && !LegacyTemp().IsMatch(e)).Order(StringComparer.Ordinal).ToList();
        if (foreign.Count == 0) return null;
        var named = string.Join(", ", foreign.Take(3).Select(Quoted.Value)) + (foreign.Count > 3 ? $" and {foreign.Count - 3} more" : "");
        return $"the folder holds files consolidator did not write ({named}); move them away or choose another folder";
    }

    /// <summary>Whether <paramref name="full"/> (a full path, links resolved) is where a file system is mounted, as
    /// /proc/self/mountinfo lists it (its fifth field, with space, tab, newline and backslash written as octal escapes).
    /// False where there is no such file (not Linux).</summary>
    internal static bool IsMountPoint(string full)
    {
        const string mountInfo = "/proc/self/mountinfo";
        if (!OperatingSystem.IsLinux() || !File.Exists(mountInfo)) return false;
        try
        {
            foreach (var line in File.ReadLines(mountInfo))
                if (line.Split(' ') is { Length: > 4 } fields && Unescape(fields[4]) == full) return true;
        }
        catch (Exception e) when (IoFailure.IsIo(e)) { }
        return false;
    }

    private static string Unescape(string field) =>
        OctalEscape().Replace(field, m => ((char)Convert.ToInt32(m.Value[1..], 8)).ToString());

    [GeneratedRegex(@"\\[0-7]{3}")]
    private static partial Regex OctalEscape();

    public static string ManifestText(string kind, IEnumerable<string> files) =>
        string.Join("\n", [ManifestHeader, $"kind {kind}", .. files.Select(f => $"file {f}")]) + "\n";

    /// <summary>The largest manifest read, as the dataset readers bound a record (<see cref="Datasets.DatasetFile.MaxRecordBytes"/>):
    /// a sweep's 10,000 points name far fewer bytes of files. A manifest of one line that never ends (a sparse file
    /// under its name) was read whole into one string, and then called not written by consolidator.</summary>
    public const int MaxManifestBytes = 16 << 20;

    /// <summary>The kind, the set's own files, and the extras written into it later (a script exported beside
    /// its plan), or null when there is no manifest.</summary>
    public static (string Kind, HashSet<string> Files, HashSet<string> Extras)? ReadManifest(string path)
    {
        if (!File.Exists(path)) return null;
        string? kind = null;
        HashSet<string> files = new(StringComparer.Ordinal), extras = new(StringComparer.Ordinal);
        // A pipe or device under its name would block or never end; neither is a manifest.
        if (FileKinds.Problem(path) is { } problem) throw new OutputException(path, problem, isUsage: true);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > MaxManifestBytes)
            throw new OutputException(path, $"more than {MaxManifestBytes >> 20} MiB: larger than any manifest consolidator writes; move it away or choose another folder", isUsage: true);
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith("kind ", StringComparison.Ordinal)) kind = line[5..];
            else if (line.StartsWith("file ", StringComparison.Ordinal)) files.Add(line[5..]);
            else if (line.StartsWith("extra ", StringComparison.Ordinal)) extras.Add(line[6..]);
        }
        return kind is null ? null : (kind, files, extras);
    }

    /// <summary>Siblings left by runs that were killed: old sets not yet deleted (moved aside or swapped out
    /// under the lock), and folders being written whose process is gone.</summary>
    public IEnumerable<string> Leftovers() =>
        Directory.Exists(Parent)
            ? Directory.EnumerateDirectories(Parent).Where(d =>
            {
                var n = System.IO.Path.GetFileName(d);
                if (n.StartsWith($".{Name}.old-", StringComparison.Ordinal)) return true;
                if (!n.StartsWith($".{Name}.new-", StringComparison.Ordinal)) return false;
                var pid = n[$".{Name}.new-".Length..].Split('-')[0];
                return !int.TryParse(pid, out var id) || !Processes.Alive(id);
            })
            : [];

    /// <summary>A plain file name the set may hold: no folder, not hidden, no control characters.</summary>
    public static void CheckName(string name)
    {
        if (name.Length == 0 || name.StartsWith('.') || name.IndexOfAny(['/', '\\']) >= 0 || name.Any(char.IsControl))
            throw new ArgumentException($"'{Quoted.Value(name)}' is not a plain file name for an output set", nameof(name));
    }

    /// <summary>The temporary files of the writer before output sets: .NAME.GUID.tmp.</summary>
    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex LegacyTemp();
}

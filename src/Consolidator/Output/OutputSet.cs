namespace Consolidator.Output;

/// <summary>The one way the tool writes files. A command's output is a <em>set</em>: the files of one
/// folder, which appear together or not at all, even if the process is killed at any moment or two runs
/// write into one folder at once. See <see cref="OutputStaging"/> for how, and <see cref="SetFolder"/> for
/// which folders a set may replace.
/// <code>OutputSet.Check(dir, OutputKind.Plan);            // before any work: fails fast on a bad --out
/// ...
/// OutputSet.Write(dir, OutputKind.Plan, [OutputFile.Text("plan.json", json), OutputFile.Bytes("gantt.png", png)]);</code></summary>
public static class OutputSet
{
    /// <summary>The hidden file that names a set's kind and files.</summary>
    public const string ManifestFile = SetFolder.Manifest;

    /// <summary>Fails, as bad options, when <paramref name="dir"/> cannot take a set of this kind: a file is in
    /// the way, the folder holds files the tool did not write or another command's output, or the place is
    /// not writable. Writes nothing.</summary>
    public static void Check(string dir, string kind)
    {
        var set = SetFolder.Of(dir);
        if (File.Exists(set.Full)) throw new OutputException(dir, "a file is in the way: the output must be a folder", isUsage: true);
        if (Directory.Exists(set.Full))
        {
            if (set.Refusal(kind) is { } why) throw new OutputException(dir, why, isUsage: true);
            Probe(set.Parent);
        }
        else Probe(NearestFolder(dir, set.Parent));
    }

    /// <summary>Writes <paramref name="files"/> as the whole content of <paramref name="dir"/>.</summary>
    /// <param name="onWait">Called once if another run holds the folder and this one waits for it.</param>
    public static void Write(string dir, string kind, IEnumerable<OutputFile> files, Action? onWait = null)
    {
        using var staging = Begin(dir, kind, onWait);
        staging.AddAll([.. files]);
        staging.Commit();
    }

    /// <summary>Starts a set whose files are written as the work goes (an importer streams rows); nothing
    /// appears until <see cref="OutputStaging.Commit"/>.</summary>
    public static OutputStaging Begin(string dir, string kind, Action? onWait = null) => new(SetFolder.Of(dir), kind, onWait);

    /// <summary>Fails, as bad options, when <paramref name="path"/> cannot take a single file: a folder is in
    /// the way, it would replace a file of an output set or a file the command did not write (see
    /// <see cref="RefuseForeignFile"/>), or the place is not writable.</summary>
    /// <param name="marker">Text every file the command writes holds near its start, as <see cref="WriteFile"/>'s.</param>
    public static void CheckFile(string path, string marker)
    {
        var full = FileTarget(path);
        if (Directory.Exists(full)) throw new OutputException(path, "a folder is in the way: give the path of a file", isUsage: true);
        var folder = Path.GetDirectoryName(full) ?? throw new OutputException(path, "not a file path", isUsage: true);
        if (Directory.Exists(folder)) RefuseSetFile(path, full);
        RefuseForeignFile(path, full, marker);
        RefuseMountPoint(path, full);
        Probe(NearestFolder(path, folder));
    }

    /// <summary>A file is replaced by renaming a sibling over it, which a file bind-mounted there refuses (EBUSY):
    /// `export --out` onto a bind-mounted file (a container's /etc/hosts, a volume mounted as one file) did the work and
    /// then failed "cannot write: Device or resource busy", exit 1. Writing into it in place would not be whole.</summary>
    private static void RefuseMountPoint(string path, string full)
    {
        if (File.Exists(full) && SetFolder.IsMountPoint(full))
            throw new OutputException(path, "a mount point (a file mounted here): an output is written whole and renamed over what is there, which a mount point cannot take; write to another path and copy it there", isUsage: true);
    }

    /// <summary>Writes one file whole: readers see the old content or the new, never part. Into the folder of
    /// an output set (a script beside its plan), the set's lock is held and its manifest lists the file, so
    /// that the next run of the set replaces it with the rest. A file already at <paramref name="path"/> is replaced
    /// only when it is empty or an earlier output of the command (it holds <paramref name="marker"/>).</summary>
    public static void WriteFile(string path, OutputFile file, string marker)
    {
        var full = FileTarget(path);
        if (Directory.Exists(full)) throw new OutputException(path, "a folder is in the way: give the path of a file", isUsage: true);
        var folder = Path.GetDirectoryName(full) ?? throw new OutputException(path, "not a file path", isUsage: true);
        var name = Path.GetFileName(full);
        // The folders made for the file go again when it cannot be written: 'export --out new/plan.sh' on a full disk
        // failed, exit 1, and left 'new' behind.
        var created = OutputStaging.CreateFolders(folder);
        try
        {
            var manifest = Path.Combine(folder, SetFolder.Manifest);
            using var hold = File.Exists(manifest) && SetFolder.LockOf(folder) is { } lockPath ? SetLock.Exclusive(lockPath, null) : null;
            RefuseSetFile(path, full);
            RefuseForeignFile(path, full, marker);
            RefuseMountPoint(path, full);
            RemoveDeadTemps(folder, name);
            var temp = Path.Combine(folder, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    file.Write(stream);
                    stream.Flush(flushToDisk: true);
                }
                File.Move(temp, full, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            if (SetFolder.ReadManifest(manifest) is { } set && !set.Extras.Contains(name))
            {
                var text = File.ReadAllText(manifest, OutputFile.Utf8) + $"extra {name}\n";
                var tempManifest = Path.Combine(folder, $".{SetFolder.Manifest}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
                File.WriteAllText(tempManifest, text, OutputFile.Utf8);
                Durable.SyncFile(tempManifest);
                File.Move(tempManifest, manifest, overwrite: true);
            }
            Durable.SyncFolder(folder);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            OutputStaging.RemoveCreated(created);
            throw new OutputException(path, $"cannot write: {IoFailure.Reason(e)}", isUsage: false, e);
        }
        catch
        {
            OutputStaging.RemoveCreated(created);
            throw;
        }
    }

    /// <summary>Holds the set in <paramref name="dir"/> still while several of its files are read (a plan and
    /// its simulation), so that a run replacing it meanwhile cannot hand over one file of each. Null when the
    /// folder is not an output set (no manifest) and has no lock file, or the lock file cannot be created there.
    /// The last holder removes the lock file (<see cref="SetLock"/>), so a reader of a set creates it when it is not
    /// there.</summary>
    public static IDisposable? ReadLock(string dir)
    {
        // Through a symbolic link, the lock is the folder's it leads to, as a writer takes it (SetFolder.Of): the link's
        // own '.LINK.lock' does not exist, so a plan and a simulation read through a link were read with no lock at all.
        var full = Full(dir);
        if (new DirectoryInfo(full).LinkTarget is not null && !FileKinds.IsBrokenLink(full)
            && Directory.ResolveLinkTarget(full, returnFinalTarget: true) is { Exists: true } final)
            full = Path.TrimEndingDirectorySeparator(final.FullName);
        return SetFolder.LockOf(full) is { } lockPath ? SetLock.Shared(lockPath, create: File.Exists(Path.Combine(full, SetFolder.Manifest))) : null;
    }

    private static string Full(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new OutputException(path ?? "", "an output needs a name", isUsage: true);
        if (path == StandardStream) throw new OutputException(path, StandardStreamWords, isUsage: true);
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
    }

    /// <summary>The file a single-file output at <paramref name="path"/> replaces: its full path, or, for a symbolic link,
    /// the file the link leads to, as a link to a folder stands for the folder (<see cref="SetFolder"/>). Renamed over,
    /// the link itself was replaced: `export --out /dev/stdout`, stdout redirected to a file, replaced the system's
    /// /dev/stdout link with a regular file (as root). A link that leads nowhere is refused. The name checked for length is
    /// the target's, which the temporary sibling is named after: a short link to a 250-byte name failed after the work
    /// ("the path is too long"), and a long link to a short name was refused for nothing.</summary>
    private static string FileTarget(string path)
    {
        var full = Full(path);
        if (new FileInfo(full).LinkTarget is not null)
        {
            if (FileKinds.IsBrokenLink(full)) throw new OutputException(path, FileKinds.BrokenLinkWords, isUsage: true);
            if (File.ResolveLinkTarget(full, returnFinalTarget: true) is { } final) full = Path.TrimEndingDirectorySeparator(final.FullName);
        }
        SetFolder.CheckNameLength(path, Path.GetFileName(full), "a file name");
        return full;
    }

    /// <summary>"-", which many tools read as standard output: a file named "-" was written in the current folder and
    /// nothing reached the pipe (`export ... --out - | less`, exit 0).</summary>
    internal const string StandardStream = "-";

    internal const string StandardStreamWords = "'-' is no standard output here: name a file (export prints its script on standard output when --out is left out)";

    /// <summary>The same for an output set, a folder of files: the file's words told `generate --out -` to "leave --out
    /// out to print a script on standard output", though generate's --out is required and writes no script.</summary>
    internal const string StandardStreamSetWords = "'-' is no standard output here: this output is a folder of files; name a folder";

    /// <summary>Refuses <paramref name="full"/> (the file replaced, see <see cref="FileTarget"/>) when it is a file of an output set.</summary>
    private static void RefuseSetFile(string path, string full)
    {
        var folder = Path.GetDirectoryName(full)!;
        if (SetFolder.ReadManifest(Path.Combine(folder, SetFolder.Manifest)) is { } set && set.Files.Contains(Path.GetFileName(full)))
            throw new OutputException(path, $"this is a file of the {set.Kind} output in {Quoted.Path(folder)}; write elsewhere", isUsage: true);
    }

    /// <summary>Bytes of an existing file searched for the command's marker: the scripts' and images.csv's first lines.</summary>
    private const int MarkerWindow = 1 << 16;

    /// <summary>A single-file output replaces only a file that is empty or holds <paramref name="marker"/> in its first
    /// <see cref="MarkerWindow"/> bytes (an earlier output of the same command): as the folder of an output set, a
    /// file the user named by mistake (their own script, a system file) is theirs and stays as it is.</summary>
    private static void RefuseForeignFile(string path, string full, string marker)
    {
        if (!File.Exists(full)) return;
        // Checked before the open, which would wait for ever on a pipe; and a device (/dev/null) would be replaced by
        // the rename as root, a regular file where the system's device was.
        if (FileKinds.Of(full) is not (FileKind.Regular or FileKind.Unknown) and var kind)
            throw new OutputException(path, $"{FileKinds.Name(kind)} is in the way, not a regular file: an output is written whole and renamed over what is there, which would replace it; give a file's path", isUsage: true);
        byte[] head;
        try
        {
            using var existing = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            head = new byte[(int)Math.Min(MarkerWindow, existing.Length)];
            existing.ReadExactly(head);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw new OutputException(path, $"a file is in the way and cannot be read to tell whether this command wrote it: {IoFailure.Reason(e)}", isUsage: true, e);
        }
        if (head.Length == 0 || System.Text.Encoding.UTF8.GetString(head).Contains(marker, StringComparison.Ordinal)) return;
        throw new OutputException(path, $"a file that is not an earlier output of this command is in the way (it does not hold '{Quoted.Value(marker)}'); remove it or choose another name", isUsage: true);
    }

    /// <summary>The deepest folder of <paramref name="folder"/> and its parents that exists; a file there is an error.</summary>
    private static string NearestFolder(string asked, string folder)
    {
        for (var d = folder; d is not null; d = Path.GetDirectoryName(d))
        {
            if (Directory.Exists(d)) return d;
            if (File.Exists(d))
                throw new OutputException(asked, $"cannot create its folder: {Quoted.Path(d)} is {(FileKinds.IsBrokenLink(d) ? FileKinds.BrokenLinkWords : "a file")}", isUsage: true);
        }
        throw new OutputException(asked, "no folder of this path exists", isUsage: true);
    }

    /// <summary>Creates and removes a file in <paramref name="folder"/>: the only test of writability that
    /// also sees read-only mounts, quotas and access lists.</summary>
    private static void Probe(string folder)
    {
        try
        {
            RemoveDeadProbes(folder);
            using var probe = new FileStream(Path.Combine(folder, $"{ProbePrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"),
                FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (IoFailure.IsIo(e))
        {
            throw new OutputException(folder, $"cannot write here: {IoFailure.Reason(e)}", isUsage: true, e);
        }
    }

    private const string ProbePrefix = ".consolidator-probe-";

    /// <summary>Probes of runs killed between creating and closing them (the kill tests found one): named with their
    /// process id, removed once that process is gone.</summary>
    private static void RemoveDeadProbes(string folder)
    {
        foreach (var probe in Directory.EnumerateFiles(folder, ProbePrefix + "*"))
        {
            var rest = Path.GetFileName(probe)[ProbePrefix.Length..];
            var dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], out var pid) || Processes.Alive(pid)) continue;
            try { File.Delete(probe); }
            catch (Exception e) when (IoFailure.IsIo(e)) { }
        }
    }

    /// <summary>Temporary files of <see cref="WriteFile"/> whose process is gone (killed mid-write).</summary>
    private static void RemoveDeadTemps(string folder, string name)
    {
        var prefix = $".{name}.";
        foreach (var temp in Directory.EnumerateFiles(folder).Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal)))
        {
            var parts = Path.GetFileName(temp)[prefix.Length..].Split('.');
            if (parts.Length != 3 || parts[2] != "tmp") continue;
            if (!int.TryParse(parts[0], out var pid) || Processes.Alive(pid)) continue;
            try { File.Delete(temp); }
            catch (Exception e) when (IoFailure.IsIo(e)) { }
        }
    }
}

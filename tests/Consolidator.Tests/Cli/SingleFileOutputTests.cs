using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>The commands that write one file (`export --out FILE`, `images scan --out FILE`) replace only a file
/// that is empty or an earlier output of the same command: a typo in --out must not overwrite the user's own file
/// (the probe of this audit replaced /etc/passwd with an images.csv). Refused with exit code 2 before any work,
/// the file left byte for byte as it was.</summary>
public class SingleFileOutputTests
{
    private const string PlanJson = """
        { "schema": "consolidator.plan/1", "options": { "windows": "hourly" }, "placement": [ { "vm_id": "web-1", "host_id": "h2", "current_host": "h1" } ],
          "stages": [ { "stage": 1, "migrations": [ { "vm_id": "web-1", "from_host": "h1", "to_host": "h2", "kind": "move", "memory_mib": 4096 } ] } ],
          "blocked": [] }
        """;

    private static string Plan(TempDirectory tmp)
    {
        var folder = tmp.File("plan");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "plan.json"), PlanJson);
        return Path.Combine(folder, "plan.json");
    }

    [Theory]
    [InlineData("root:x:0:0:root:/root:/bin/bash\n")]
    [InlineData("#!/usr/bin/env bash\necho my own script\n")]
    [InlineData("image_id,size_gib,parent,shared_gib\nimg-1,10,,\n")]
    public void Export_does_not_replace_a_file_it_did_not_write(string precious)
    {
        using var tmp = new TempDirectory();
        var target = tmp.File("precious");
        File.WriteAllText(target, precious);

        var result = CliRunner.Run("export", Plan(tmp), "--to", "libvirt", "--unchecked", "--out", target);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(target, result.Err);
        Assert.Contains("not an earlier output of this command", result.Err);
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
        Assert.Equal(precious, File.ReadAllText(target));
    }

    /// <summary>A file bind-mounted at --out (empty, so the command may replace it) cannot be renamed over (EBUSY): the
    /// export ran, then failed "cannot write: Device or resource busy", exit 1. Refused before the work, exit 2.</summary>
    [Fact]
    public void Export_onto_a_bind_mounted_file_is_refused_before_the_work()
    {
        using var tmp = new TempDirectory();
        var source = tmp.File("source.sh");
        File.WriteAllText(source, "");
        using var mount = Mounts.TryBindFile(source, tmp.File("mounted.sh"));
        if (mount is null) return; // needs root to mount; CI runs as root

        var result = CliRunner.Run("export", Plan(tmp), "--to", "libvirt", "--unchecked", "--out", mount.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{mount.Path}: a mount point (a file mounted here)", result.Err);
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
        Assert.Equal("", result.Out);
        Assert.Equal("", File.ReadAllText(source));
    }

    /// <summary>`export --out new/sub/migrate.sh` on a full disk: exit 1 naming the file, and the folders it made for the
    /// script gone again (they were left behind, empty, though nothing was written).</summary>
    [Fact]
    public void Export_on_a_full_disk_exits_1_and_leaves_no_folder_it_made()
    {
        using var tmp = new TempDirectory();
        using var disk = Mounts.TryTmpfs(tmp.File("disk"), kib: 4); // one page; the script of 200 moves is about 40 KiB
        if (disk is null) return; // needs root to mount a tmpfs; CI runs as root
        var vms = Enumerable.Range(1, 200).Select(i => $"web-{i}").ToList();
        var plan = Plan(tmp);
        File.WriteAllText(plan, PlanJson
            .Replace("""{ "vm_id": "web-1", "host_id": "h2", "current_host": "h1" }""",
                string.Join(", ", vms.Select(vm => $$"""{ "vm_id": "{{vm}}", "host_id": "h2", "current_host": "h1" }""")))
            .Replace("""{ "vm_id": "web-1", "from_host": "h1", "to_host": "h2", "kind": "move", "memory_mib": 4096 }""",
                string.Join(", ", vms.Select(vm => $$"""{ "vm_id": "{{vm}}", "from_host": "h1", "to_host": "h2", "kind": "move", "memory_mib": 4096 }"""))));
        var script = Path.Combine(disk.Path, "new", "sub", "migrate.sh");

        var result = CliRunner.Run("export", plan, "--to", "libvirt", "--unchecked", "--out", script);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{script}: cannot write: No space left on device", result.Err);
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
    }

    [Fact]
    public void Export_replaces_its_own_earlier_script_and_an_empty_file()
    {
        using var tmp = new TempDirectory();
        var plan = Plan(tmp);
        var script = tmp.File("migrate.sh");
        var empty = tmp.File("empty.sh");
        File.WriteAllText(empty, "");

        Assert.Equal(0, CliRunner.Run("export", plan, "--to", "libvirt", "--unchecked", "--out", script).ExitCode);
        var again = CliRunner.Run("export", plan, "--to", "openstack", "--unchecked", "--out", script);
        var intoEmpty = CliRunner.Run("export", plan, "--to", "libvirt", "--unchecked", "--out", empty);

        Assert.True(again.ExitCode == 0, again.Err);
        Assert.Contains("openstack", File.ReadAllText(script));
        Assert.True(intoEmpty.ExitCode == 0, intoEmpty.Err);
        Assert.Contains("virsh", File.ReadAllText(empty));
    }

    [Fact]
    public void Images_scan_does_not_replace_a_file_it_did_not_write_but_replaces_its_own()
    {
        using var tmp = new TempDirectory();
        var image = tmp.File("disk.raw");
        File.WriteAllBytes(image, Enumerable.Range(0, 1 << 17).Select(i => (byte)(i * 7)).ToArray());
        var precious = tmp.File("images.csv");
        // A hand-written images.csv (the dataset's four columns) is the user's: a scan does not overwrite it.
        File.WriteAllText(precious, "image_id,size_gib,parent,shared_gib\nimg-1,10,,\n");

        var refused = CliRunner.Run("images", "scan", image, "--out", precious);
        var fresh = tmp.File("scanned.csv");
        var first = CliRunner.Run("images", "scan", image, "--out", fresh);
        var second = CliRunner.Run("images", "scan", image, "--out", fresh);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("not an earlier output of this command", refused.Err);
        Assert.Equal("image_id,size_gib,parent,shared_gib\nimg-1,10,,\n", File.ReadAllText(precious));
        Assert.True(first.ExitCode == 0, first.Err);
        Assert.True(second.ExitCode == 0, second.Err);
    }
}

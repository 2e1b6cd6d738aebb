using System.Diagnostics;
using Consolidator.Profiles;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Export;

/// <summary>The host-level schedule script: the format is a contract (a golden file), it is a dry run unless
/// APPLY=1, it applies the window the time falls in, and hostile ids never reach it.</summary>
public class AllocationExportTests
{
    private const string PlanJson = """
        { "schema": "consolidator.plan/1", "options": { "windows": "day-night" },
          "placement": [ { "vm_id": "web-1", "host_id": "h1", "current_host": "h1" }, { "vm_id": "batch-1", "host_id": "h1", "current_host": "h1" } ],
          "stages": [] }
        """;

    private const string Allocation = """
        host,vm,window,cap_cores,shares,qos
        h1,web-1,day,3.500,14336,interactive
        h1,batch-1,day,0.500,512,batch
        h1,web-1,night,1.000,4096,interactive
        h1,batch-1,night,3.000,3072,batch

        """;

    private static string Golden => Path.Combine(RepoPaths.Root, "tests", "Consolidator.Tests", "Export", "golden", "small.allocation.sh");

    private static string SmallPlan(TempDirectory tmp, string allocation = Allocation)
    {
        var dir = Path.Combine(tmp.Path, "small");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "plan.json"), PlanJson);
        File.WriteAllText(Path.Combine(dir, "allocation.csv"), allocation);
        return Path.Combine(dir, "plan.json");
    }

    private static (int Code, string Out) Bash(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    [Fact]
    public void The_schedule_of_a_small_plan_matches_the_golden_script()
    {
        using var tmp = new TempDirectory();
        var result = CliRunner.Run("export", SmallPlan(tmp), "--to", "libvirt-allocation", "--unchecked");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(File.ReadAllText(Golden), result.Out);
    }

    /// <summary>The caps apply where the VM ends: its current host moved by the stages, so a VM whose move is blocked is
    /// capped at home, as the planner sizes it; the target of the blocked move is refused.</summary>
    [Fact]
    public void A_vm_whose_move_is_blocked_is_capped_on_its_current_host()
    {
        using var tmp = new TempDirectory();
        var plan = SmallPlan(tmp, "host,vm,window,cap_cores,shares,qos\nh1,web-1,day,1,1024,interactive\nh3,batch-1,day,1,1024,batch\n");
        File.WriteAllText(plan, """
            { "schema": "consolidator.plan/1", "options": { "windows": "day-night" },
              "placement": [ { "vm_id": "web-1", "host_id": "h2", "current_host": "h1" }, { "vm_id": "batch-1", "host_id": "h3", "current_host": "h1" } ],
              "stages": [ { "stage": 1, "migrations": [ { "vm_id": "batch-1", "from_host": "h1", "to_host": "h3", "kind": "move" } ] } ],
              "blocked": [ { "vm_id": "web-1", "from_host": "h1", "to_host": "h2", "reason": "no room" } ] }
            """);
        Assert.Equal(0, CliRunner.Run("export", plan, "--to", "libvirt-allocation", "--unchecked").ExitCode);

        File.WriteAllText(Path.Combine(Path.GetDirectoryName(plan)!, "allocation.csv"), "host,vm,window,cap_cores,shares,qos\nh2,web-1,day,1,1024,interactive\n");
        var result = CliRunner.Run("export", plan, "--to", "libvirt-allocation", "--unchecked");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("allocation.csv:2, column 1 'host': the plan leaves VM 'web-1' on 'h1' (value 'h2')", result.Err);
    }

    /// <summary>The schedule is acted on like the migrations, but `export --to libvirt-allocation` read allocation.csv
    /// with no check of its caps: edited by hand so that three 2-vCPU VMs on a 4-core host may each use 2 cores, it was
    /// scripted with exit 0. Now checked by the validator's allocation rules against the plan and the dataset plan.json
    /// records, as the planner checks the schedule it writes: exit 2, the rule named, nothing written.</summary>
    [Fact]
    public void Caps_edited_past_a_hosts_cpu_are_refused_by_the_validator()
    {
        var usage = new System.Text.StringBuilder("timestamp,vm_id,cpu_cores,memory_mib\n");
        for (var h = 0; h < 24; h++)
            foreach (var vm in new[] { "a1", "a2", "a3" })
                usage.Append(System.Globalization.CultureInfo.InvariantCulture, $"2026-01-05T{h:00}:00:00Z,{vm},0.5,1000\n");
        using var data = DatasetFixture.Create(hosts: "host_id,cpu_cores,memory_mib,idle_watts,max_watts\nA,4,16384,100,250\n",
            vms: "vm_id,vcpus,memory_mib,current_host\na1,2,2048,A\na2,2,2048,A\na3,2,2048,A\n", usage: usage.ToString());
        var planDir = Path.Combine(data.Directory, "..", "plan");
        var made = CliRunner.Run("plan", data.Directory, "--out", planDir, "--deterministic", "--time-limit", "5", "--no-plots", "--no-simulate");
        Assert.True(made.ExitCode == 0, made.Err);
        var plan = Path.Combine(planDir, "plan.json");
        var csv = Path.Combine(planDir, "allocation.csv");
        var script = Path.Combine(data.Directory, "..", "schedule.sh");

        var planned = CliRunner.Run("export", plan, "--to", "libvirt-allocation");
        var rows = File.ReadAllLines(csv);
        var header = rows[0].Split(',');
        var capColumn = Array.IndexOf(header, "cap_cores");
        File.WriteAllLines(csv, rows.Select((line, i) => i == 0 ? line : string.Join(',', line.Split(',').Select((f, c) => c == capColumn ? "2" : f))));
        var edited = CliRunner.Run("export", plan, "--to", "libvirt-allocation", "--out", script);
        var forced = CliRunner.Run("export", plan, "--to", "libvirt-allocation", "--unchecked");

        Assert.True(planned.ExitCode == 0, planned.Err);
        Assert.Equal("", planned.Err);
        Assert.DoesNotContain("NOT CHECKED", planned.Out);
        CliRunner.AssertLocatedInputError(edited, "allocation.csv: the validator refuses this allocation", "allocation.capacity: A in window", script);
        HostileInputTests.AssertOneCleanLine(edited.Err);
        Assert.False(File.Exists(script));
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("# NOT CHECKED against a dataset: exported with --unchecked", forced.Out);
        Assert.StartsWith("warning: ", forced.Err);
        Assert.EndsWith("allocation.csv: " + "NOT CHECKED against a dataset: exported with --unchecked, so the validator did not check these caps against the plan's hosts (an allocation.csv edited by hand may hand out more CPU than a host has); export without --unchecked to check them\n", forced.Err);
    }

    /// <summary>A host's shares in a window as the script sets them: unchanged up to cgroup v2's largest cpu.weight
    /// (10000), above it all scaled by one factor so that the largest is 10000, none below libvirt's 2.</summary>
    [Theory]
    [InlineData(new[] { 512, 14336 }, new[] { 357, 10000 })]
    [InlineData(new[] { 10000, 2, 4096 }, new[] { 10000, 2, 4096 })]
    [InlineData(new[] { 262144, 20, 131072 }, new[] { 10000, 2, 5000 })]
    [InlineData(new[] { 10001, 10001 }, new[] { 10000, 10000 })]
    public void A_hosts_shares_above_cgroup_v2s_range_are_scaled_by_one_factor(int[] shares, int[] applied) =>
        Assert.Equal(applied, shares.Select(s => Consolidator.Export.AllocationScript.AppliedShares(s, shares.Max())).ToArray());

    [Fact]
    public void A_dry_run_prints_a_windows_schedinfo_commands_and_picks_the_current_window_by_itself()
    {
        using var tmp = new TempDirectory();
        var script = Path.Combine(tmp.Path, "schedule.sh");
        Assert.Equal(0, CliRunner.Run("export", SmallPlan(tmp), "--to", "libvirt-allocation", "--unchecked", "--out", script).ExitCode);

        var night = Bash(script, "1");
        Assert.Equal(0, night.Code);
        Assert.Contains("+ virsh -c qemu+ssh://h1/system schedinfo batch-1 --live --set vcpu_period=100000 --set vcpu_quota=<3000 millicores / live vCPUs> --set cpu_shares=3072", night.Out);
        Assert.Contains("applied window 1", night.Out);
        Assert.Contains("+ virsh -c qemu+ssh://h1/system schedinfo web-1 --live --set vcpu_quota=-1 --set cpu_shares=4096", night.Out);
        Assert.DoesNotContain("14336", night.Out);
        // By day web-1's 14336 is above cgroup v2's largest cpu.weight, which libvirt refuses: the host's shares are
        // scaled by one factor, 10000 / 14336, in that window only.
        var day = Bash(script, "0");
        Assert.Equal(0, day.Code);
        Assert.Contains("schedinfo web-1 --live --set vcpu_quota=-1 --set cpu_shares=10000\n", day.Out);
        Assert.Contains("--set vcpu_quota=<500 millicores / live vCPUs> --set cpu_shares=357\n", day.Out);

        var now = Bash(script);
        var expected = WindowScheme.DayNight().IndexOf(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(0, now.Code);
        Assert.Contains($"applied window {expected}", now.Out);
        Assert.Equal(2, Bash(script, "7").Code);
    }

    [Theory]
    // Ids are quoted into the script (HostileIdTests), so '$(reboot)' is refused only as a VM the plan does not hold.
    [InlineData("h1,$(reboot),day,1,1024,batch", "$(reboot)", "allocation.csv:2, column 2 'vm': not a VM of the plan's placement")]
    // A host goes into a qemu+ssh:// URI: a host name only.
    [InlineData("h 1,web-1,day,1,1024,batch", "h 1", "allocation.csv:2, column 1 'host': a libvirt host id goes into a qemu+ssh:// URI")]
    [InlineData("h1,-rf,day,1,1024,batch", "-rf", "allocation.csv:2, column 2 'vm'")]
    // virsh looks a domain up by numeric ID before its name: `virsh schedinfo 7` capped the domain with ID 7 (hostile pass).
    [InlineData("h1,7,day,1,1024,batch", "7", "allocation.csv:2, column 2 'vm': virsh reads an id that is a whole number as a running domain's numeric ID")]
    [InlineData("h1,web-1,dusk,1,1024,batch", "dusk", "allocation.csv:2, column 3 'window'")]
    [InlineData("h1,web-1,day,-1,1024,batch", "-1", "allocation.csv:2, column 4 'cap_cores'")]
    // Below a millicore the cap rounded to 0 and the batch VM was held to libvirt's smallest quota; above 2,000,000 cores
    // it was clamped to 2147483647 millicores, no cap at all: both scripted with exit 0.
    [InlineData("h1,web-1,day,1e-300,1024,batch", "1e-300", "allocation.csv:2, column 4 'cap_cores': too small")]
    [InlineData("h1,web-1,day,1e300,1024,batch", "1e300", "allocation.csv:2, column 4 'cap_cores': too large")]
    [InlineData("h1,web-1,day,1,1,batch", "1", "allocation.csv:2, column 5 'shares'")]
    [InlineData("h1,web-1,day,1,1024,gold", "gold", "allocation.csv:2, column 6 'qos'")]
    // A row for a VM the plan does not hold, on another host than the plan's, or twice for one window was scripted
    // with exit 0: a schedinfo on a host the VM is not on, or two caps of which the later won (hostile pass).
    [InlineData("h1,web-9,day,1,1024,batch", "web-9", "allocation.csv:2, column 2 'vm': not a VM of the plan's placement")]
    [InlineData("h2,web-1,day,1,1024,batch", "h2", "allocation.csv:2, column 1 'host': the plan leaves VM 'web-1' on 'h1'")]
    [InlineData("h1,web-1,day,1,1024,batch\nh1,web-1,day,2,1024,batch", "day", "allocation.csv:3, column 3 'window': a second row for VM 'web-1' in this window (first on line 2)")]
    public void A_hostile_or_bad_row_exits_2_naming_file_line_and_column_and_writes_nothing(string row, string _, string where)
    {
        using var tmp = new TempDirectory();
        var script = Path.Combine(tmp.Path, "schedule.sh");
        var result = CliRunner.Run("export", SmallPlan(tmp, "host,vm,window,cap_cores,shares,qos\n" + row + "\n"), "--to", "libvirt-allocation", "--unchecked", "--out", script);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(where, result.Err);
        Assert.False(File.Exists(script));
    }
}

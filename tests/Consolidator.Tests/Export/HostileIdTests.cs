using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Export;

/// <summary>Scripts that cannot be hijacked. Every generated script is run by bash against hostile ids, host
/// names and a hostile plan folder name, with fake virsh and openstack commands on PATH that record their
/// argv: the dry run runs nothing (the fakes are never called, no file appears), and with APPLY=1 each id
/// reaches the fake as exactly one argument, unchanged. Ids a manager's CLI would read as options, or that
/// hold control or invisible characters, are refused with a located, escaped error.</summary>
public class HostileIdTests
{
    /// <summary>Accepted, and passed as one quoted argument each.</summary>
    private static readonly string[] HostileVms =
    [
        "$(touch pwned-1)", "`touch pwned-2`", "a;touch pwned-3", "a' ; touch pwned-4 ; '", "a\"b", "two words",
        "ünïcödé-vm-名前", "vm*", "~root", "a|b&c>pwned-5", "\\$HOME", "x$((1+1))", "a--", "$IFS", "!!",
    ];

    /// <summary>Host names for OpenStack, where the host is an argument of its own: every character Nova's host name
    /// takes (for libvirt the host is part of a URI; both refuse anything else: see the refusals).</summary>
    private static readonly string[] HostileHosts = ["compute-1.example.org", "node_2", "a..b-", "_.-0"];

    private const string Fakes = """
        #!/bin/bash
        # Records its argv (NUL after each argument, RS after the call) and plays the part of openstack's
        # server show: ACTIVE on the host a server was last sent to. The migrations of a stage run at once, so
        # the record is made whole in a file of its own and appended by one write (printf's several writes
        # straight into the log interleaved with another call's: seen once under load).
        record=$(mktemp "$FAKE_STATE/record.XXXXXX")
        { printf '%s\0' "${0##*/}" "$@"; printf '\036'; } > "$record"
        cat "$record" >> "$FAKE_LOG"; rm -f "$record"
        key() { printf '%s' "$1" | sha256sum | cut -c1-16; }
        if [ "$1" = --os-compute-api-version ]; then shift 2; fi
        if [ "${0##*/}" = openstack ] && [ "$1" = server ]; then
          case "$2" in
            list) cat "$FAKE_STATE/servers" ;;  # server list --all-projects --limit -1 -f value -c ID -c Name
            migrate) printf '%s' "$5" > "$FAKE_STATE/$(key "$6")" ;;  # server migrate --live-migration --host HOST SERVER
            show) if [ "$7" = status ]; then echo ACTIVE; else cat "$FAKE_STATE/$(key "$3")"; echo; fi ;;
          esac
        fi
        """;

    private sealed record Move(string Vm, string From, string To);

    private static string PlanJson(IEnumerable<Move> moves) =>
        JsonSerializer.Serialize(new
        {
            schema = "consolidator.plan/1",
            placement = moves.Select(m => new { vm_id = m.Vm, host_id = m.To, current_host = m.From }).ToArray(),
            stages = new[]
            {
                new { stage = 1, migrations = moves.Select(m => new { vm_id = m.Vm, from_host = m.From, to_host = m.To, kind = "move" }).ToArray() },
            },
        });

    /// <summary>A plan in a folder whose name would end a comment line and run a command if written raw.</summary>
    private static string WritePlan(TempDirectory tmp, IEnumerable<Move> moves)
    {
        var folder = tmp.File("plan\n$(touch pwned-dir)\n`touch pwned-dir2` #");
        Directory.CreateDirectory(folder);
        var plan = Path.Combine(folder, "plan.json");
        File.WriteAllText(plan, PlanJson(moves));
        return plan;
    }

    /// <summary>Runs the script with the fakes on PATH; <paramref name="servers"/> is what the fake `openstack server
    /// list -f value -c ID -c Name` prints (ID, a space, the name).</summary>
    private static (int Code, string Out, string Err, List<string[]> Calls) RunScript(TempDirectory tmp, string script, bool apply,
        IEnumerable<(string Id, string Name)>? servers = null)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the scripts are bash");
        var bin = tmp.File("fake-bin");
        var work = tmp.File("work");
        var state = tmp.File("fake-state");
        foreach (var d in new[] { bin, work, state }) Directory.CreateDirectory(d);
        File.WriteAllText(Path.Combine(state, "servers"), string.Concat((servers ?? []).Select(x => $"{x.Id} {x.Name}\n")), new UTF8Encoding(false));
        foreach (var name in new[] { "virsh", "openstack" })
        {
            File.WriteAllText(Path.Combine(bin, name), Fakes.Replace("\r\n", "\n") + "\n");
            File.SetUnixFileMode(Path.Combine(bin, name), (UnixFileMode)0b111_101_101);
        }
        var log = tmp.File("fake.log");
        var start = new ProcessStartInfo("/bin/bash", [script])
        {
            WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true,
            Environment =
            {
                ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"), ["FAKE_LOG"] = log, ["FAKE_STATE"] = state,
                ["APPLY"] = apply ? "1" : "0",
                // The fake answers at once; a wait that runs out means the script asked for the wrong server.
                ["WAIT_TIMEOUT"] = "20",
            },
        };
        using var bash = Process.Start(start)!;
        var err = bash.StandardError.ReadToEndAsync();
        var output = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        var calls = File.Exists(log)
            ? File.ReadAllText(log, Encoding.UTF8).Split('\u001e', StringSplitOptions.RemoveEmptyEntries).Select(c => c.TrimEnd('\0').Split('\0')).ToList()
            : [];
        return (bash.ExitCode, output, err.Result, calls);
    }

    private static string[] Pwned(TempDirectory tmp) =>
        [.. Directory.EnumerateFileSystemEntries(tmp.Path, "*", SearchOption.AllDirectories).Where(p => Path.GetFileName(p).StartsWith("pwned", StringComparison.Ordinal))];

    private static IEnumerable<Move> Moves(string to) =>
        HostileVms.Select((vm, i) => new Move(vm, i % 2 == 0 ? "h1" : "h2", to == "libvirt" ? (i % 2 == 0 ? "h2" : "h1") : HostileHosts[i % HostileHosts.Length]));

    [Theory]
    [InlineData("libvirt")]
    [InlineData("openstack")]
    public void The_dry_run_runs_nothing_whatever_the_ids_and_the_folder_name(string to)
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var script = tmp.File("migrate.sh");
        var export = CliRunner.Run("export", WritePlan(tmp, Moves(to)), "--to", to, "--unchecked", "--out", script);
        Assert.True(export.ExitCode == 0, export.Err);

        var run = RunScript(tmp, script, apply: false);

        Assert.True(run.Code == 0, run.Err);
        Assert.Empty(run.Calls);
        Assert.Empty(Pwned(tmp));
        Assert.Contains($"done: {HostileVms.Length} live migration(s) in 1 stage(s)", run.Out);
        // The header names the plan's folder on one comment line, its newlines escaped.
        Assert.Contains("# Consolidation plan plan\\n$(touch pwned-dir)\\n`touch pwned-dir2` #/plan.json for", File.ReadAllText(script));
    }

    [Fact]
    public void The_allocation_schedule_of_a_plan_in_a_hostile_folder_runs_nothing_in_its_dry_run()
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var plan = WritePlan(tmp, []);
        File.WriteAllText(plan, """{ "schema": "consolidator.plan/1", "options": { "windows": "day-night" }, "placement": [ { "vm_id": "web-1", "host_id": "h1" } ], "stages": [] }""");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(plan)!, "allocation.csv"),
            "host,vm,window,cap_cores,shares,qos\nh1,web-1,day,3.500,14336,interactive\nh1,web-1,night,1.000,4096,interactive\n");
        var script = tmp.File("schedule.sh");
        var export = CliRunner.Run("export", plan, "--to", "libvirt-allocation", "--unchecked", "--out", script);
        Assert.True(export.ExitCode == 0, export.Err);

        var run = RunScript(tmp, script, apply: false);

        Assert.True(run.Code == 0, run.Err);
        Assert.Empty(run.Calls);
        Assert.Empty(Pwned(tmp));
        Assert.Contains("# Host-level CPU allocation of plan\\n$(touch pwned-dir)\\n`touch pwned-dir2` #/plan.json for", File.ReadAllText(script));
    }

    [Fact]
    public void The_allocation_schedule_takes_hostile_vm_ids_quoted_and_gives_virsh_each_as_one_argument()
    {
        // Ids went into the schedule unquoted and so were held to letters, digits and - _ . : @: a plan of VMs named with
        // spaces or in another script exported its migrations but not its host level (hostile pass).
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var plan = WritePlan(tmp, []);
        File.WriteAllText(plan, JsonSerializer.Serialize(new
        {
            schema = "consolidator.plan/1",
            options = new { windows = "day-night" },
            placement = HostileVms.Select(vm => new { vm_id = vm, host_id = "h1" }).ToArray(),
            stages = Array.Empty<object>(),
        }));
        static string Field(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var rows = HostileVms.SelectMany((vm, i) => new[] { "day", "night" }.Select(w => $"h1,{Field(vm)},{w},1.000,1024,{(i % 2 == 0 ? "batch" : "interactive")}\n"));
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(plan)!, "allocation.csv"), "host,vm,window,cap_cores,shares,qos\n" + string.Concat(rows), new UTF8Encoding(false));
        var script = tmp.File("schedule.sh");
        var export = CliRunner.Run("export", plan, "--to", "libvirt-allocation", "--unchecked", "--out", script);
        Assert.True(export.ExitCode == 0, export.Err);

        var dry = RunScript(tmp, script, apply: false);
        Assert.True(dry.Code == 0, dry.Err);
        Assert.Empty(dry.Calls);
        Assert.Empty(Pwned(tmp));

        var run = RunScript(tmp, script, apply: true);
        Assert.True(run.Code == 0, run.Err);
        Assert.Empty(Pwned(tmp));
        // Whichever window the clock picks, every VM gets one schedinfo, its id one argument, unchanged; a batch VM's
        // vCPUs are read first (the fake prints none, so its cap is no cap: quota -1).
        var schedinfo = run.Calls.Where(c => c.Length > 3 && c[3] == "schedinfo").ToList();
        Assert.Equal(HostileVms.Order(StringComparer.Ordinal), schedinfo.Select(c => c[4]).Order(StringComparer.Ordinal));
        Assert.All(schedinfo, c => Assert.Equal(["virsh", "-c", "qemu+ssh://h1/system", "schedinfo", c[4], "--live"], c.Take(6)));
        var counted = run.Calls.Where(c => c.Length > 3 && c[3] == "vcpucount").Select(c => c[4]).Order(StringComparer.Ordinal);
        Assert.Equal(HostileVms.Where((_, i) => i % 2 == 0).Order(StringComparer.Ordinal), counted);
    }

    [Fact]
    public void With_apply_virsh_gets_each_id_as_one_argument()
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var script = tmp.File("migrate.sh");
        var moves = Moves("libvirt").ToList();
        Assert.Equal(0, CliRunner.Run("export", WritePlan(tmp, moves), "--to", "libvirt", "--unchecked", "--out", script).ExitCode);

        var run = RunScript(tmp, script, apply: true);

        Assert.True(run.Code == 0, run.Err);
        Assert.Empty(Pwned(tmp));
        var expected = moves.Select(m => new[] { "virsh", "-c", $"qemu+ssh://{m.From}/system", "migrate", "--live", "--persistent", "--undefinesource", m.Vm, $"qemu+ssh://{m.To}/system" });
        Assert.Equal(expected.Select(c => string.Join(" | ", c)).Order(), run.Calls.Select(c => string.Join(" | ", c)).Order());
    }

    [Fact]
    public void With_apply_openstack_gets_each_id_and_host_as_one_argument()
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var script = tmp.File("migrate.sh");
        var moves = Moves("openstack").ToList();
        Assert.Equal(0, CliRunner.Run("export", WritePlan(tmp, moves), "--to", "openstack", "--unchecked", "--out", script).ExitCode);
        // The cloud's servers: each VM of the plan by name, with an ID of its own, and one more whose name would
        // run a command if the listing were ever evaluated.
        var servers = moves.Select((m, i) => (Id: Uuid(i + 1), Name: m.Vm)).Append((Uuid(99), "x]$(touch pwned-list)'")).ToList();

        var run = RunScript(tmp, script, apply: true, servers);

        Assert.True(run.Code == 0, run.Err);
        Assert.Empty(Pwned(tmp));
        var migrations = run.Calls.Where(c => c.Length > 4 && c[4] == "migrate").ToList();
        // The migrations of a stage start at once: their order in the log is the scheduler's. Each server is
        // addressed by the ID its exact name resolved to.
        Assert.Equal(
            moves.Select((m, i) => string.Join(" | ", new[] { "openstack", "--os-compute-api-version", "2.30", "server", "migrate", "--live-migration", "--host", m.To, Uuid(i + 1) })).Order(),
            migrations.Select(c => string.Join(" | ", c)).Order());
        // Each server was then polled by its ID until it was ACTIVE on its host.
        foreach (var i in Enumerable.Range(1, moves.Count))
            Assert.Contains(run.Calls, c => c.SequenceEqual(["openstack", "server", "show", Uuid(i), "-f", "value", "-c", "status"]));
    }

    private static string Uuid(int i) => $"{i:x8}-0000-4000-8000-{i:x12}";

    /// <summary>The openstack CLI looks a server up by ID before name: `server migrate NAME` moved another server whose
    /// ID is NAME (a VM named like another server's UUID), and a name two servers share is not one server. The script
    /// now resolves every reference to exactly one server first, and stops before any migration when it cannot.</summary>
    [Theory]
    [InlineData("uuid-of-another")]
    [InlineData("shared-name")]
    [InlineData("no-such-server")]
    public void A_server_reference_that_is_not_exactly_one_server_stops_the_script_before_any_migration(string cloud)
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var script = tmp.File("migrate.sh");
        // The operator's CSV named this VM by a UUID-like string; in the cloud it is server 2, while server 1 has
        // that string as its ID.
        var vm = Uuid(1);
        var moves = new[] { new Move("web-1", "h1", "h2"), new Move(vm, "h1", "h2") };
        Assert.Equal(0, CliRunner.Run("export", WritePlan(tmp, moves), "--to", "openstack", "--unchecked", "--out", script).ExitCode);
        (string, string)[] servers = cloud switch
        {
            "uuid-of-another" => [(Uuid(1), "db-1"), (Uuid(2), vm), (Uuid(3), "web-1")],
            "shared-name" => [(Uuid(2), vm), (Uuid(3), "web-1"), (Uuid(4), "web-1")],
            _ => [(Uuid(3), "web-1")],
        };

        var run = RunScript(tmp, script, apply: true, servers);

        Assert.Equal(1, run.Code);
        Assert.DoesNotContain(run.Calls, c => c.Contains("migrate"));
        Assert.Contains(cloud == "no-such-server" ? $"no server has the ID or name {vm}" : "of 2 servers", run.Err);
        Assert.Contains("stopping before any migration", run.Err);
    }

    public static TheoryData<string, string, string, string> Refused => new()
    {
        { "libvirt", "vm_id", "-rf", "starts with '-'" },
        { "openstack", "vm_id", "--help", "starts with '-'" },
        { "openstack", "to_host", "-oProxyCommand=touch pwned", "starts with '-'" },
        { "libvirt", "vm_id", "a\nb", "control or invisible" },
        { "libvirt", "vm_id", "a\u001b[31mred", "control or invisible" },
        { "openstack", "vm_id", "evil\u202eexe.sh", "control or invisible" },
        { "openstack", "vm_id", "", "must not be empty" },
        { "libvirt", "to_host", "h2/system?x=", "must be a host name" },
        { "libvirt", "to_host", "compute 1", "must be a host name" },
        // Nova's os-migrateLive refuses a host outside parameter_types.fqdn with HTTP 400 (lab/openstack/check.py).
        { "openstack", "to_host", "compute 1", "Nova takes a live migration's host as a host name" },
        { "openstack", "to_host", "node#10", "Nova takes a live migration's host as a host name" },
        { "openstack", "to_host", "$(touch pwned-6)", "Nova takes a live migration's host as a host name" },
        { "openstack", "to_host", "host;touch pwned-7", "Nova takes a live migration's host as a host name" },
        // virsh looks a domain up by numeric ID before its name: `virsh migrate '7'` moved the domain with ID 7.
        { "libvirt", "vm_id", "7", "virsh reads an id that is a whole number as a running domain's numeric ID" },
        { "libvirt", "vm_id", " +0042", "virsh reads an id that is a whole number" },
    };

    /// <summary>The openstack CLI looks a server up by its UUID, then its name: a name of digits is a name there.</summary>
    [Fact]
    public void A_numeric_vm_id_is_a_name_to_openstack_and_exported()
    {
        using var tmp = new TempDirectory();
        var plan = tmp.File("plan.json");
        File.WriteAllText(plan, PlanJson([new Move("7", "h1", "h2")]));

        var result = CliRunner.Run("export", plan, "--to", "openstack", "--unchecked", "--out", tmp.File("migrate.sh"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("refs=(\n  '7'\n)", File.ReadAllText(tmp.File("migrate.sh")));
        Assert.Contains("--host 'h2' \"${ids[0]}\"", File.ReadAllText(tmp.File("migrate.sh")));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Ids_a_cli_would_misread_are_refused_with_a_located_escaped_error(string to, string field, string id, string problem)
    {
        using var tmp = new TempDirectory();
        var move = field == "vm_id" ? new Move(id, "h1", "h2") : new Move("vm-1", "h1", id);
        var plan = tmp.File("plan.json");
        File.WriteAllText(plan, PlanJson([move]));
        var script = tmp.File("migrate.sh");

        var result = CliRunner.Run("export", plan, "--to", to, "--out", script);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{plan}:1, column", result.Err);
        Assert.Contains($"'{field}'", result.Err);
        Assert.Contains(problem, result.Err);
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain('\u001b', result.Err);
        Assert.DoesNotContain('\u202e', result.Err);
        Assert.False(File.Exists(script));
    }
}

using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Export;

/// <summary>The command format is the contract with the operator's tools: a small plan's scripts are
/// compared byte for byte with golden files.</summary>
public class ExportCommandTests
{
    private const string PlanJson = """
        {
          "schema": "consolidator.plan/1",
          "options": { "windows": "hourly" },
          "summary": { "migrations": 4 },
          "placement": [
            { "vm_id": "web-1", "host_id": "h2", "current_host": "h1" },
            { "vm_id": "db-1", "host_id": "h1", "current_host": "h3" },
            { "vm_id": "new-1", "host_id": "h2", "current_host": null },
            { "vm_id": "batch-1", "host_id": "h1", "current_host": "h3" }
          ],
          "stages": [
            { "stage": 1, "migrations": [
              { "vm_id": "web-1", "from_host": "h1", "to_host": "h2", "kind": "move", "memory_mib": 4096 },
              { "vm_id": "db-1", "from_host": "h3", "to_host": "h4", "kind": "relay", "memory_mib": 8192 },
              { "vm_id": "new-1", "from_host": null, "to_host": "h2", "kind": "place", "memory_mib": 1024 }
            ] },
            { "stage": 2, "migrations": [
              { "vm_id": "db-1", "from_host": "h4", "to_host": "h1", "kind": "move", "memory_mib": 8192 },
              { "vm_id": "batch-1", "from_host": "h3", "to_host": "h1", "kind": "move", "memory_mib": 2048 }
            ] }
          ],
          "blocked": []
        }
        """;

    private const string SimulationJson = """
        {
          "schema": "consolidator.simulation/1",
          "options": { "qemu_downtime_limit_ms": 295 },
          "migrations": [
            { "vm_id": "web-1", "stage": 1, "method": "precopy", "timeout_s": 599.5 },
            { "vm_id": "db-1", "stage": 1, "method": "precopy" },
            { "vm_id": "db-1", "stage": 2, "method": "hybrid", "qemu_downtime_limit_ms": 263.6 },
            { "vm_id": "batch-1", "stage": 2, "method": "postcopy" }
          ]
        }
        """;

    private static string Golden(string name) => Path.Combine(RepoPaths.Root, "tests", "Consolidator.Tests", "Export", "golden", name);

    private static string SmallPlan(TempDirectory tmp, bool withSimulation = true)
    {
        var dir = Path.Combine(tmp.Path, "small");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "plan.json"), PlanJson);
        if (withSimulation) File.WriteAllText(Path.Combine(dir, "simulation.json"), SimulationJson);
        return Path.Combine(dir, "plan.json");
    }

    [Theory]
    [InlineData("libvirt", "small.libvirt.sh")]
    [InlineData("openstack", "small.openstack.sh")]
    public void Export_of_a_small_plan_matches_the_golden_script(string to, string golden)
    {
        using var tmp = new TempDirectory();
        var plan = SmallPlan(tmp);
        var result = CliRunner.Run("export", plan, "--to", to, "--unchecked");

        Assert.Equal(0, result.ExitCode);
        // A plan written by hand, with no dataset: exported --unchecked, and both the script's header (in the golden file)
        // and stderr say so.
        Assert.Equal($"warning: {plan}: NOT CHECKED against a dataset: exported with --unchecked, so the validator did not check this plan's capacity or placement rules (a plan.json edited by hand may overload a host); export without --unchecked to check it\n", result.Err);
        Assert.Equal(File.ReadAllText(Golden(golden)), result.Out);
    }

    [Fact]
    public void Without_a_simulation_every_migration_is_pre_copy()
    {
        using var tmp = new TempDirectory();
        var result = CliRunner.Run("export", SmallPlan(tmp, withSimulation: false), "--to", "libvirt", "--unchecked");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("--postcopy", result.Out);
        Assert.Equal(4, result.Out.Split('\n').Count(l => l.StartsWith("step_bg virsh", StringComparison.Ordinal)));
    }

    /// <summary>A simulation.json of another plan, given with --simulation, was used where a VM and stage matched and
    /// pre-copy elsewhere, with exit code 0; now refused, naming the first migration it lacks or has in excess.</summary>
    [Theory]
    [InlineData("\"batch-1\", \"stage\": 2", "\"batch-1\", \"stage\": 1", "it has no migration of VM 'batch-1' in stage 2, which the plan migrates")]
    [InlineData("\"batch-1\", \"stage\": 2, \"method\": \"postcopy\" }", "\"batch-1\", \"stage\": 2, \"method\": \"postcopy\" }, { \"vm_id\": \"other\", \"stage\": 2, \"method\": \"precopy\" }",
        "it replays a migration of VM 'other' in stage 2, which the plan does not hold")]
    public void A_simulation_of_another_plan_is_refused(string from, string to, string what)
    {
        using var tmp = new TempDirectory();
        var plan = SmallPlan(tmp, withSimulation: false);
        var simulation = tmp.File("other-simulation.json");
        Assert.Contains(from, SimulationJson);
        File.WriteAllText(simulation, SimulationJson.Replace(from, to));

        var result = CliRunner.Run("export", plan, "--to", "libvirt", "--unchecked", "--simulation", simulation);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains($"{simulation}: not the replay of {plan}: {what}", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    [Fact]
    public void The_dry_run_script_runs_in_bash_and_runs_nothing()
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var script = tmp.File("migrate.sh");
        Assert.Equal(0, CliRunner.Run("export", SmallPlan(tmp), "--to", "libvirt", "--unchecked", "--out", script).ExitCode);

        using var bash = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/bash", [script])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["PATH"] = "/nonexistent" },
        })!;
        var output = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();

        // With no virsh on PATH any command actually run would fail; the dry run only prints them.
        Assert.Equal(0, bash.ExitCode);
        Assert.Contains("+ virsh -c qemu+ssh://h3/system migrate --live --persistent --undefinesource --postcopy --postcopy-after-precopy batch-1 qemu+ssh://h1/system &", output);
        Assert.Contains("done: 4 live migration(s) in 2 stage(s)", output);
    }

    [Theory]
    [InlineData("""{ "schema": "consolidator.plan/1", "stages": [ { "stage": 1, "migrations": [ { "vm_id": "-rf", "from_host": "h1", "to_host": "h2", "kind": "move" } ] } ] }""", "vm_id")]
    [InlineData("""{ "schema": "consolidator.plan/1", "stages": [ { "stage": 1, "migrations": [ { "vm_id": "a", "from_host": null, "to_host": "h2", "kind": "move" } ] } ] }""", "from_host")]
    [InlineData("""{ "schema": "other/1", "stages": [] }""", "schema")]
    public void A_bad_plan_is_rejected_with_its_location_and_nothing_is_written(string json, string field)
    {
        using var tmp = new TempDirectory();
        var plan = tmp.File("plan.json");
        File.WriteAllText(plan, json);
        var script = tmp.File("out.sh");

        var result = CliRunner.Run("export", plan, "--to", "openstack", "--unchecked", "--out", script);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{plan}:1, column", result.Err);
        Assert.Contains($"'{field}'", result.Err);
        Assert.False(File.Exists(script));
    }

    /// <summary>The script runs the stages in the order written and takes each migration's method from the simulation by
    /// stage number; stages renumbered by hand (2 before 1, or -1) were exported in file order without a word, while
    /// `simulate` refused the same plan.</summary>
    [Theory]
    [InlineData("{ \"stage\": 1, \"migrations\"", "{ \"stage\": 2, \"migrations\"", "expected 1")]
    [InlineData("{ \"stage\": 1, \"migrations\"", "{ \"stage\": -1, \"migrations\"", "expected 1")]
    [InlineData("{ \"stage\": 2, \"migrations\"", "{ \"stage\": 3, \"migrations\"", "expected 2")]
    public void Stages_numbered_out_of_order_are_refused(string stage, string renumbered, string expected)
    {
        using var tmp = new TempDirectory();
        var plan = SmallPlan(tmp, withSimulation: false);
        File.WriteAllText(plan, PlanJson.Replace(stage, renumbered));
        var script = tmp.File("out.sh");

        var result = CliRunner.Run("export", plan, "--to", "libvirt", "--unchecked", "--out", script);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{plan}:", result.Err);
        Assert.Contains($"'stage': stages must be numbered 1, 2, 3, ... in order; {expected}", result.Err);
        Assert.False(File.Exists(script));
    }

    [Theory]
    [InlineData("\"options\": { \"qemu_downtime_limit_ms\": -5 }, \"migrations\": []", "qemu_downtime_limit_ms")]
    [InlineData("\"migrations\": [ { \"vm_id\": \"web-1\", \"stage\": 1, \"method\": \"precopy\", \"timeout_s\": \"soon\" } ]", "timeout_s")]
    public void What_the_replay_assumed_is_checked_before_it_reaches_a_script(string body, string field)
    {
        using var tmp = new TempDirectory();
        var plan = SmallPlan(tmp, withSimulation: false);
        var simulation = Path.Combine(Path.GetDirectoryName(plan)!, "simulation.json");
        File.WriteAllText(simulation, "{ \"schema\": \"consolidator.simulation/1\", " + body + " }");
        var script = tmp.File("out.sh");

        var result = CliRunner.Run("export", plan, "--to", "libvirt", "--unchecked", "--out", script);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"'{field}'", result.Err);
        Assert.False(File.Exists(script));
    }

    /// <summary>simulation.json as `plan` writes it for the small plan: its options name the hypervisor, so each
    /// migration's timeout is the replay's (150 s per GiB of plan.json's memory_mib, none for post-copy) and no limit
    /// is above the options' one.</summary>
    private const string DerivedSimulationJson = """
        {
          "schema": "consolidator.simulation/1",
          "options": { "hypervisor": "qemu", "qemu_downtime_limit_ms": 295 },
          "migrations": [
            { "vm_id": "web-1", "stage": 1, "method": "precopy", "status": "completed", "timeout_s": 600, "qemu_downtime_limit_ms": 271.2 },
            { "vm_id": "db-1", "stage": 1, "method": "precopy", "status": "completed", "timeout_s": 1200, "qemu_downtime_limit_ms": 263.6 },
            { "vm_id": "db-1", "stage": 2, "method": "hybrid", "status": "completed", "timeout_s": 1200, "qemu_downtime_limit_ms": 263.6 },
            { "vm_id": "batch-1", "stage": 2, "method": "postcopy", "status": "completed", "timeout_s": null, "qemu_downtime_limit_ms": 295 }
          ]
        }
        """;

    private static (CliRunner.Result Result, string Script, string Simulation) ExportEdited(TempDirectory tmp, string simulation, string? planOptions = null)
    {
        var plan = SmallPlan(tmp, withSimulation: false);
        if (planOptions is not null)
            File.WriteAllText(plan, PlanJson.Replace("\"options\": { \"windows\": \"hourly\" }", "\"options\": { \"windows\": \"hourly\", \"simulation\": " + planOptions + " }"));
        var path = Path.Combine(Path.GetDirectoryName(plan)!, "simulation.json");
        File.WriteAllText(path, simulation);
        var script = tmp.File("out.sh");
        return (CliRunner.Run("export", plan, "--to", "libvirt", "--unchecked", "--out", script), script, path);
    }

    [Fact]
    public void A_simulation_whose_values_its_options_give_is_exported_with_them()
    {
        using var tmp = new TempDirectory();
        var (result, script, _) = ExportEdited(tmp, DerivedSimulationJson, "{ \"hypervisor\": \"qemu\", \"qemu_downtime_limit_ms\": 295 }");

        Assert.Equal(0, result.ExitCode);
        var text = File.ReadAllText(script);
        Assert.Contains("--timeout 600 --timeout-suspend", text);
        Assert.Contains("--downtime 264", text);
    }

    /// <summary>export wrote what simulation.json said, checked only for range: every timeout_s edited to 1 gave
    /// `--timeout 1 --timeout-suspend` (the guest suspended a second into its migration), every limit edited to
    /// 1999999 gave `--downtime 1999999` (a half-hour pause allowed), exit 0, no warning. The values are now the
    /// replay's derivation from the file's options, and the options the ones plan.json records.</summary>
    [Theory]
    [InlineData("\"timeout_s\": 600,", "\"timeout_s\": 1,", null, "simulation.json:5,", "'timeout_s': the options give 600 s for this precopy migration of 4096 MiB (plan.json's memory_mib; 150 s per GiB, hypervisor qemu) (value '1')")]
    [InlineData("\"timeout_s\": 1200, \"qemu_downtime_limit_ms\": 263.6 },\n    { \"vm_id\": \"batch-1\"", "\"timeout_s\": 1200, \"qemu_downtime_limit_ms\": 1999999 },\n    { \"vm_id\": \"batch-1\"", null,
        "simulation.json:7,", "'qemu_downtime_limit_ms': above the options' qemu_downtime_limit_ms (295 ms)")]
    [InlineData("\"method\": \"postcopy\", \"status\": \"completed\", \"timeout_s\": null", "\"method\": \"postcopy\", \"status\": \"completed\", \"timeout_s\": 1", null,
        "simulation.json:8,", "'timeout_s': the replay sets no timeout for a postcopy migration")]
    [InlineData("\"status\": \"completed\", \"timeout_s\": 1200, \"qemu_downtime_limit_ms\": 263.6 },\n    { \"vm_id\": \"db-1\", \"stage\": 2",
        "\"status\": \"completed\", \"qemu_downtime_limit_ms\": 263.6 },\n    { \"vm_id\": \"db-1\", \"stage\": 2", null, "simulation.json:6,", "the options give 1200 s")]
    [InlineData("\"options\": { \"hypervisor\": \"qemu\", \"qemu_downtime_limit_ms\": 295 }", "\"options\": { \"hypervisor\": \"qemu\", \"qemu_downtime_limit_ms\": 1999999 }",
        "{ \"hypervisor\": \"qemu\", \"qemu_downtime_limit_ms\": 295 }", "simulation.json:3,", "plan.json records 295 at $.options.simulation.qemu_downtime_limit_ms")]
    [InlineData("\"options\": { \"hypervisor\": \"qemu\", \"qemu_downtime_limit_ms\": 295 }", "\"options\": { \"hypervisor\": \"qemu\", \"qemu_downtime_limit_ms\": 295, \"precopy_timeout_s\": 1 }",
        "{ \"hypervisor\": \"qemu\", \"qemu_downtime_limit_ms\": 295 }", "simulation.json:3,", "plan.json records none at $.options.simulation.precopy_timeout_s")]
    public void Values_the_replay_would_not_derive_from_its_options_are_refused(string from, string to, string? planOptions, string at, string error)
    {
        using var tmp = new TempDirectory();
        var edited = DerivedSimulationJson.ReplaceLineEndings("\n");
        Assert.Contains(from, edited);
        var (result, script, simulation) = ExportEdited(tmp, edited.Replace(from, to), planOptions);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {simulation}:", result.Err);
        Assert.Contains(at, result.Err);
        Assert.Contains(error, result.Err);
        Assert.Single(result.Err.TrimEnd().Split('\n'));
        Assert.False(File.Exists(script));
    }

    [Fact]
    public void An_unknown_manager_is_bad_input()
    {
        using var tmp = new TempDirectory();
        var result = CliRunner.Run("export", SmallPlan(tmp), "--to", "vmware");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--to must be 'libvirt', 'openstack' or 'libvirt-allocation'", result.Err);
    }
}

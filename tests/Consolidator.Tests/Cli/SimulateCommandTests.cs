using System.Text.Json;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

public class SimulateCommandTests
{
    /// <summary>A generated dataset and its plan, made once with one worker so that they repeat.</summary>
    private static (string Data, string PlanJson, CliRunner.Result Plan) Planned(TempDirectory tmp, params string[] planOptions)
    {
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--seed", "5", "--vms", "24", "--days", "2").ExitCode);
        var outDir = Path.Combine(tmp.Path, "plan");
        var plan = CliRunner.Run(["plan", data, "--out", outDir, "--deterministic", "--time-limit", "2", .. planOptions]);
        Assert.Equal(0, plan.ExitCode);
        return (data, Path.Combine(outDir, "plan.json"), plan);
    }

    [Fact]
    public void Plan_simulates_by_default_prints_the_figures_and_writes_them_to_the_summary_and_to_simulation_files()
    {
        using var tmp = new TempDirectory();
        var (_, planJson, plan) = Planned(tmp);

        Assert.Matches(@"migration time: [\d.]+ (s|min) for \d+ live migration\(s\)", plan.Out);
        Assert.Matches(@"worst downtime: \d+ ms", plan.Out);
        Assert.Matches(@"data moved: [\d.]+ GiB", plan.Out);
        Assert.Matches(@"energy per day: [\d.]+ kWh before -> [\d.]+ kWh after", plan.Out);
        using var json = JsonDocument.Parse(File.ReadAllText(planJson));
        var simulation = json.RootElement.GetProperty("summary").GetProperty("simulation");
        Assert.Equal(json.RootElement.GetProperty("summary").GetProperty("migrations").GetInt32(), simulation.GetProperty("migrations").GetInt32());
        Assert.True(simulation.GetProperty("total_time_s").GetDouble() > 0);
        Assert.Equal("auto", json.RootElement.GetProperty("options").GetProperty("simulation").GetProperty("method").GetString());
        var dir = Path.GetDirectoryName(planJson)!;
        Assert.True(File.Exists(Path.Combine(dir, "simulation.json")));
        Assert.Equal("vm_id,from_host,to_host,stage,kind,method,status,start_s,end_s,total_s,downtime_ms,slo_violation,data_mib,rounds,converged,degraded_s,fault_stall_s,lost_state_s,energy_j,method_reason,note",
            File.ReadLines(Path.Combine(dir, "simulation.csv")).First());
    }

    [Fact]
    public void Plan_flags_a_plan_whose_migrations_break_the_downtime_slo()
    {
        using var tmp = new TempDirectory();
        var (_, planJson, plan) = Planned(tmp, "--method", "precopy", "--nic-gbps", "0.2");

        Assert.Matches(@"SLO 300 ms: \d+ violation\(s\)", plan.Out);
        Assert.Contains("SLO VIOLATION:", plan.Out);
        using var json = JsonDocument.Parse(File.ReadAllText(planJson));
        Assert.True(json.RootElement.GetProperty("summary").GetProperty("simulation").GetProperty("slo_violations").GetInt32() > 0);
    }

    [Fact]
    public void No_simulate_leaves_the_simulation_out()
    {
        using var tmp = new TempDirectory();
        var (_, planJson, plan) = Planned(tmp, "--no-simulate");

        Assert.DoesNotContain("migration time:", plan.Out);
        using var json = JsonDocument.Parse(File.ReadAllText(planJson));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("summary").GetProperty("simulation").ValueKind);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(planJson)!, "simulation.json")));
    }

    [Fact]
    public void Simulate_replays_a_plan_file_and_flags_slo_violations_and_failures()
    {
        using var tmp = new TempDirectory();
        var (data, planJson, _) = Planned(tmp, "--no-simulate");
        var outDir = Path.Combine(tmp.Path, "sim");

        // On 0.2 Gbit/s NICs the generated VMs dirty memory faster than pre-copy can follow.
        var result = CliRunner.Run("simulate", data, planJson, "--out", outDir, "--method", "precopy", "--nic-gbps", "0.2",
            "--fail-link", "0.5", "--fault-seed", "3");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Err);
        Assert.Contains("SLO VIOLATION:", result.Out);
        Assert.Contains("FAILURES:", result.Out);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "simulation.json")));
        Assert.Equal("consolidator.simulation/1", json.RootElement.GetProperty("schema").GetString());
        var summary = json.RootElement.GetProperty("summary");
        Assert.True(summary.GetProperty("slo_violations").GetInt32() > 0);
        Assert.True(summary.GetProperty("failures").GetProperty("aborted").GetInt32() > 0);
        var migrations = json.RootElement.GetProperty("migrations");
        Assert.Equal(summary.GetProperty("migrations").GetInt32(), migrations.GetArrayLength());
        Assert.Equal(migrations.GetArrayLength() + 1, File.ReadAllLines(Path.Combine(outDir, "simulation.csv")).Length);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    [Fact]
    public void A_run_whose_every_link_fails_says_they_were_aborted_and_never_that_the_slo_was_met()
    {
        using var tmp = new TempDirectory();
        var (data, planJson, _) = Planned(tmp, "--no-simulate");

        // Every link failing aborted every migration, and the summary said "SLO 300 ms: met by every migration".
        var simulated = CliRunner.Run("simulate", data, planJson, "--out", Path.Combine(tmp.Path, "sim"), "--fail-link", "1", "--method", "precopy");
        var planned = CliRunner.Run("plan", data, "--out", Path.Combine(tmp.Path, "plan2"), "--deterministic", "--time-limit", "2",
            "--fail-link", "1", "--method", "precopy");

        foreach (var run in new[] { simulated, planned })
        {
            Assert.Equal(0, run.ExitCode);
            Assert.DoesNotContain("met by every migration", run.Out);
            // The failure moment was drawn over the predicted duration, so migrations quicker than predicted completed.
            var slo = System.Text.RegularExpressions.Regex.Match(run.Out,
                @"SLO 300 ms: no migration completed to be judged: (\d+) did not complete \((\d+) aborted, 0 rolled back to their source, 0 lost, (\d+) skipped\)");
            Assert.True(slo.Success, run.Out);
            var aborted = int.Parse(slo.Groups[2].Value);
            Assert.True(aborted > 0);
            Assert.Equal(aborted + int.Parse(slo.Groups[3].Value), int.Parse(slo.Groups[1].Value));
            Assert.Contains($"FAILURES: {aborted} aborted,", run.Out);
        }
        // The plan's report said "Every migration meets the downtime SLO." too.
        var report = File.ReadAllText(Path.Combine(tmp.Path, "plan2", "report.html"));
        Assert.DoesNotContain("Every migration meets the downtime SLO", report);
        // Then "0 of N migration(s) completed, within the downtime SLO": none arrived, so it claims no SLO.
        Assert.Matches(@"None of the \d+ migration\(s\) completed: no VM reached its destination, so the downtime SLO judges none\.", report);
        Assert.DoesNotContain("within the downtime SLO", report);
    }

    [Fact]
    public void A_scripted_failure_at_second_0_fails_the_first_stage_and_one_after_the_end_says_it_failed_nothing()
    {
        using var tmp = new TempDirectory();
        var (data, planJson, _) = Planned(tmp, "--no-simulate");

        // --fail-at 0 failed nothing: a migration starting at the scripted moment was not yet "in progress"; now it fails
        // the first stage (and only it: the later stages start after the failure).
        var atStart = CliRunner.Run("simulate", data, planJson, "--out", Path.Combine(tmp.Path, "a"), "--fail-at", "0");
        var afterEnd = CliRunner.Run("simulate", data, planJson, "--out", Path.Combine(tmp.Path, "b"), "--fail-at", "1000000");

        Assert.Equal(0, atStart.ExitCode);
        Assert.Contains("link failed at 0 s during setup; the VM keeps running on its source", atStart.Out);
        Assert.Matches(@"FAILURES: [1-9]\d* aborted", atStart.Out);
        Assert.DoesNotContain("--fail-at", atStart.Out);
        Assert.Equal(0, afterEnd.ExitCode);
        Assert.DoesNotContain("FAILURES", afterEnd.Out);
        Assert.Matches(@"--fail-at 1000000 s: no migration was in progress then \(the last ended at [\d.]+ s\); it failed nothing", afterEnd.Out);
    }

    [Fact]
    public void A_plan_without_live_migrations_has_no_slo_verdict_and_a_scripted_failure_says_it_hit_nothing()
    {
        using var tmp = new TempDirectory();
        var data = TestInstances.WriteOneVmAtHome(Path.Combine(tmp.Path, "data"));
        var plan = Path.Combine(tmp.Path, "plan");
        Assert.Equal(0, CliRunner.Run("plan", data, "--out", plan, "--deterministic", "--time-limit", "2", "--no-simulate").ExitCode);

        var run = CliRunner.Run("simulate", data, Path.Combine(plan, "plan.json"), "--out", Path.Combine(tmp.Path, "sim"), "--fail-at", "5");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("for 0 live migration(s)", run.Out);
        // It said "SLO 300 ms: met by every migration".
        Assert.Contains("SLO 300 ms: no live migration to judge", run.Out);
        Assert.DoesNotContain("met by", run.Out);
        Assert.Contains("--fail-at 5 s: no migration was in progress then (the plan has no live migration); it failed nothing", run.Out);
    }

    [Fact]
    public void The_same_plan_and_seed_give_the_same_simulation_bytes()
    {
        using var tmp = new TempDirectory();
        var (data, planJson, _) = Planned(tmp, "--no-simulate");
        byte[] Run(string name)
        {
            var outDir = Path.Combine(tmp.Path, name);
            Assert.Equal(0, CliRunner.Run("simulate", data, planJson, "--out", outDir, "--fail-link", "0.3", "--checkpoint-interval", "30").ExitCode);
            return File.ReadAllBytes(Path.Combine(outDir, "simulation.json"));
        }

        Assert.Equal(Run("a"), Run("b"));
    }

    [Theory]
    [InlineData("--fail-link", "1.5", "--fail-link must be a probability")]
    [InlineData("--method", "teleport", "--method must be")]
    [InlineData("--max-downtime", "0", "--max-downtime must be")]
    // 1e300 ms was replayed as QEMU's downtime-limit, printed as a 301-digit SLO, and written to simulation.json, which
    // export then refused ("qemu_downtime_limit_ms: must be between 1 and 2000000 ms").
    [InlineData("--max-downtime", "1e300", "--max-downtime must be a number of milliseconds from 1 to 2000000")]
    // 1e-9 ms ran (exit 0) as "SLO 0 ms" and simulation.json recorded max_downtime_ms 0, which this check refuses.
    [InlineData("--max-downtime", "1e-9", "--max-downtime must be a number of milliseconds from 1 to 2000000")]
    [InlineData("--link", "carrier-pigeon", "--link must be")]
    public void A_bad_option_exits_2_and_writes_nothing(string option, string value, string message)
    {
        using var tmp = new TempDirectory();
        var outDir = Path.Combine(tmp.Path, "sim");

        var result = CliRunner.Run("simulate", tmp.Path, Path.Combine(tmp.Path, "plan.json"), "--out", outDir, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err);
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>A plan replayed on other data than it was made from (here the dataset's usage edited after planning) was
    /// reported as the plan's own replay, with no word: plan.json records the dataset's fingerprint, and simulate says
    /// so on stderr (the replay is still made: replaying a plan on newer samples is a use).</summary>
    [Fact]
    public void Simulate_on_other_data_than_planned_says_so()
    {
        using var tmp = new TempDirectory();
        var (data, planJson, _) = Planned(tmp, "--no-simulate");
        var same = CliRunner.Run("simulate", data, planJson, "--out", Path.Combine(tmp.Path, "same"));
        var usage = Path.Combine(data, "usage.csv");
        var lines = File.ReadAllLines(usage);
        // The same samples written otherwise (a CPU value with one more zero): the bytes differ, the plan still fits.
        var fields = lines[1].Split(',');
        var cpu = Array.IndexOf(lines[0].Split(','), "cpu_cores");
        fields[cpu] += fields[cpu].Contains('.') ? "0" : ".0";
        lines[1] = string.Join(',', fields);
        File.WriteAllLines(usage, lines);

        var other = CliRunner.Run("simulate", data, planJson, "--out", Path.Combine(tmp.Path, "other"));

        Assert.Equal((0, ""), (same.ExitCode, same.Err));
        Assert.Equal(0, other.ExitCode);
        Assert.Equal($"note: {data} is not the dataset {planJson} was made from (its files differ from the ones planned): the replay uses this dataset's samples\n", other.Err);
    }

    [Fact]
    public void A_bad_plan_file_is_located_exits_2_and_writes_nothing()
    {
        using var tmp = new TempDirectory();
        var (data, planJson, _) = Planned(tmp, "--no-simulate");
        var bad = Path.Combine(tmp.Path, "bad.json");
        File.WriteAllText(bad, File.ReadAllText(planJson).Replace("\"to_host\": \"", "\"to_host\": \"nowhere-"));
        var outDir = Path.Combine(tmp.Path, "sim");

        var result = CliRunner.Run("simulate", data, bad, "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"bad\.json:\d+, column \d+ 'to_host': unknown host", result.Err);
        Assert.Contains("(value 'nowhere-", result.Err);
        Assert.False(Directory.Exists(outDir));
    }
}

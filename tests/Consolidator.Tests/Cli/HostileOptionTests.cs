using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>Options at the edge of what a double holds: each is one line naming the option (not a .NET parameter),
/// exit code 2, nothing written; never an unexpected exception (exit 1) after the work.</summary>
public class HostileOptionTests
{
    /// <summary>"-0" was kept as IEEE negative zero and written as given: "headroom": -0 in plan.json, a headroom of -0 in
    /// sweep.csv. Read as 0.</summary>
    [Fact]
    public void Negative_zero_is_zero_in_what_plan_and_sweep_write()
    {
        using var data = DatasetFixture.Create();
        var planDir = Path.Combine(data.Directory, "..", "plan-out");
        var sweepDir = Path.Combine(data.Directory, "..", "sweep-out");

        var plan = CliRunner.Run("plan", data.Directory, "--out", planDir, "--headroom", "-0", "--migration-weight", "-0", "--deterministic", "--time-limit", "1", "--no-plots");
        var sweep = CliRunner.Run("sweep", data.Directory, "--out", sweepDir, "--headroom", "-0", "--percentile", "95", "--migration-weight", "-0", "--deterministic", "--time-limit", "1", "--no-plots");

        Assert.True(plan.ExitCode == 0, plan.Err);
        Assert.True(sweep.ExitCode == 0, sweep.Err);
        var json = File.ReadAllText(Path.Combine(planDir, "plan.json"));
        Assert.Contains("\"headroom\": 0,", json);
        Assert.DoesNotContain("-0,", json);
        Assert.StartsWith("1,hourly,95,0,0,", File.ReadAllLines(Path.Combine(sweepDir, "sweep.csv"))[1]);
    }

    public static TheoryData<string[], string> PlanOptions => new()
    {
        // 1.7e308 made the objective infinite: plan.json could not be written, "unexpected ArgumentException", exit 1.
        { ["--disk-weight", "1.7e308"], "--disk-weight must be a number from 0 to 1e12" },
        { ["--migration-weight", "1.7e308"], "--migration-weight must be a number from 0 to 1e12" },
        // Named a .NET parameter: "maxMigrationsPerHostPerStage ('-1') must be a non-negative value."
        { ["--max-migrations-per-host", "-1"], "--max-migrations-per-host must be 0 (no cap) or more" },
        // Both at once: "the migration model did not finish; this is a bug" (exit 1).
        { ["--compression-ratio", "1e300"], "--compression-ratio must be a number from 1 (off) to 1000" },
        { ["--compression-mib-s", "1e-300", "--compression-ratio", "2"], "--compression-mib-s must be at least 1" },
        // Every migration went post-copy and the summary printed "the timeout would suspend the VM for 2533...(300 digits) ms".
        { ["--max-bandwidth", "1e-300"], "--max-bandwidth must be at least 1 MiB/s, at most 119209 (1 Tbit/s, above the fastest Ethernet, 800 Gbit/s)" },
        // 1e300 ran with exit code 0: the live phase's cap printed with its 301 digits, a NIC faster than any built.
        { ["--max-bandwidth", "1e300"], "--max-bandwidth must be at least 1 MiB/s, at most 119209 (1 Tbit/s, above the fastest Ethernet, 800 Gbit/s)" },
        // CP-SAT refuses more than 10,000 workers: its whole model came back ModelInvalid, and the plan was the heuristic's (exit 0).
        { ["--workers", "100000"], "--workers must be from 0 (all cores) to 10000 (CP-SAT takes no more)" },
        // Replayed with a 0.3 s timeout and exported as --timeout 1; at 1e-300 simulation.json held 0, which export refused.
        { ["--precopy-timeout", "0.3"], "--precopy-timeout must be a number of seconds from 1 (libvirt's --timeout counts whole seconds) up to a year" },
        { ["--precopy-timeout", "1e-300"], "--precopy-timeout must be a number of seconds from 1 (libvirt's --timeout counts whole seconds) up to a year" },
        // Ran with exit code 0, written into simulation.json as 1E+300.
        { ["--fail-at", "1e300"], "--fail-at must be a time >= 0 in seconds, at most a year" },
        { ["--checkpoint-interval", "1e300"], "--checkpoint-interval must be a number of seconds from 0.001 (a millisecond) up to a year" },
        // Ran with exit code 0 and simulation.json recorded the interval as 0, an interval this check refuses.
        { ["--checkpoint-interval", "1e-300"], "--checkpoint-interval must be a number of seconds from 0.001 (a millisecond) up to a year" },
        // Read only by the multiplexed sizing, or with compression: ignored without a word, exit code 0.
        { ["--multiplex-vms", "5"], "--multiplex-vms applies to --sizing multiplexed: give --sizing multiplexed with it" },
        { ["--compression-threads", "4"], "--compression-threads applies to compressed migrations: give --compression-ratio above 1 with it" },
        { ["--compression-mib-s", "900"], "--compression-mib-s applies to compressed migrations: give --compression-ratio above 1 with it" },
        { ["--nic-gbps", "1e300"], "--nic-gbps must be a number from 0.001 (1 Mbit/s) to 1000 (1 Tbit/s, above the fastest Ethernet, 800 Gbit/s)" },
        { ["--nic-gbps", "1001"], "--nic-gbps must be a number from 0.001 (1 Mbit/s) to 1000 (1 Tbit/s, above the fastest Ethernet, 800 Gbit/s)" },
        // Reached the simulator: "would take 1.63E+03 years at 5.54E-08 MiB/s of its NICs".
        { ["--nic-gbps", "1e-9"], "--nic-gbps must be a number from 0.001 (1 Mbit/s) to 1000 (1 Tbit/s, above the fastest Ethernet, 800 Gbit/s)" },
        // Ran with exit code 0 and wrote hybrid_rounds 1000000000: a migration that did not converge never switched.
        { ["--hybrid-rounds", "1000000000", "--method", "hybrid"], "--hybrid-rounds must be a whole number from 1 to 100 (pre-copy passes before the switch to post-copy; QEMU's wiki advises one)" },
    };

    /// <summary>A time limit beyond what a .NET timer holds: 1e15 was "unexpected OverflowException: TimeSpan overflowed"
    /// after the solve (exit code 1, "a bug"), 1e7 a bare "Specified argument was out of the range of valid values"; both
    /// modes refuse it before any work.</summary>
    [Theory]
    [InlineData("plan", "1e15", false)]
    [InlineData("plan", "1e7", false)]
    [InlineData("plan", "1e15", true)]
    [InlineData("sweep", "1e15", false)]
    [InlineData("bench", "1e15", false)]
    public void A_time_limit_beyond_a_timer_is_one_line(string command, string limit, bool deterministic)
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");
        string[] args = command == "bench" ? ["bench", "--family", "planted", "--planted-hosts", "2"] : [command, data.Directory, "--no-plots"];

        var result = CliRunner.Run([.. args, "--out", outDir, "--time-limit", limit, .. deterministic ? new[] { "--deterministic" } : []]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --time-limit must be a positive number of seconds, at most 1000000 (11.6 days)\n", result.Err.Replace("\r\n", "\n"));
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>A wall-clock limit no run can keep: `plan --time-limit 1e-7` wrote a plan with exit code 0 and "time: 1.2 s
    /// of 0.0 s", `sweep` one with every point "not planned"; now refused before any work by every command, alike.
    /// Under --deterministic the limit is counted work, kept at any size.</summary>
    [Theory]
    [InlineData("plan", "1e-7")]
    [InlineData("plan", "0.99")]
    [InlineData("sweep", "1e-7")]
    [InlineData("evaluate", "1e-7")]
    [InlineData("bench", "1e-7")]
    public void A_wall_clock_limit_shorter_than_any_run_is_one_line(string command, string limit)
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");
        var days = Path.Combine(data.Directory, "..", "two-days");
        if (command == "evaluate")
            Assert.Equal(0, CliRunner.Run("generate", "--out", days, "--seed", "5", "--vms", "16", "--days", "2").ExitCode);
        string[] args = command switch
        {
            "bench" => ["bench", "--family", "planted", "--planted-hosts", "2"],
            "evaluate" => ["evaluate", days, "--train", "1", "--test", "2"],
            _ => [command, data.Directory, "--no-plots"],
        };

        var result = CliRunner.Run([.. args, "--out", outDir, "--time-limit", limit]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --time-limit must be at least 1 s: the process's start, reading and writing take about that (with --deterministic it is counted solver work, and any positive number is kept)\n", result.Err.Replace("\r\n", "\n"));
        Assert.Equal("", result.Out);
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>A whole number past what an option holds was "is not a whole number", which it is.</summary>
    [Theory]
    [InlineData("--seed", "99999999999", "--seed: '99999999999' is too large: at most 2147483647")]
    [InlineData("--seed", "-99999999999", "--seed: '-99999999999' is too small: at least -2147483648")]
    [InlineData("--vms", "1e3", "--vms: '1e3' is not a whole number")]
    public void A_whole_number_out_of_range_says_so(string option, string value, string what)
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = CliRunner.Run("generate", "--out", outDir, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {what}; run 'consolidator generate --help' for usage", result.Err);
        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [MemberData(nameof(PlanOptions))]
    public void A_plan_option_out_of_range_names_the_option(string[] option, string what)
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run(["plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "2", "--no-plots", .. option]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {what}\n", result.Err.Replace("\r\n", "\n"));
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>An empty path or text, as an unset shell variable gives: "The value cannot be an empty string. (Parameter
    /// 'path')" as an unexpected exception (exit code 1, "a bug") from every command that reads a path, and from
    /// --config "" a .NET stack trace and exit code 134. Now a parse error naming the option or argument, exit 2.</summary>
    [Theory]
    [InlineData("DATASET_DIR", "plan", "")]
    [InlineData("DATASET_DIR", "sweep", "")]
    [InlineData("DATASET_DIR", "evaluate", "", "--train", "1", "--test", "2")]
    [InlineData("PLAN_JSON", "simulate", "{dataset}", "", "--out", "{out}")]
    [InlineData("PLAN_JSON", "export", "", "--to", "libvirt")]
    [InlineData("images", "images", "scan", "", "--out", "{out}")]
    [InlineData("--lab", "calibrate", "--lab", "")]
    [InlineData("--block-mirror", "calibrate", "--block-mirror", "")]
    [InlineData("--config", "plan", "{dataset}", "--config", "")]
    [InlineData("--simulation", "export", "{dataset}/plan.json", "--to", "libvirt", "--simulation", "")]
    [InlineData("--hosts", "import", "--format", "prometheus", "--url", "http://127.0.0.1:9", "--start", "2026-01-05", "--end", "2026-01-06", "--hosts", "", "--vms", "{dataset}/vms.csv", "--out", "{out}")]
    [InlineData("SRC", "import", "--format", "planetlab", "", "--out", "{out}")]
    [InlineData("--shared", "bench", "--family", "shared", "--shared", "", "--out", "{out}")]
    [InlineData("--out", "generate", "--out", "")]
    public void An_empty_value_is_refused_by_name(string name, params string[] args)
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run([.. args.Select(a => a.Replace("{dataset}", data.Directory).Replace("{out}", outDir))]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {name}: an empty value (an unset shell variable?)", result.Err);
        Assert.DoesNotContain("   at ", result.Err);
        Assert.DoesNotContain("unexpected", result.Err);
        Assert.False(Directory.Exists(outDir));
    }
    /// <summary>An option that needs a value, followed by another option where the value was left out: System.CommandLine
    /// took the option as the value, so `plan DIR --out --no-plots` wrote the plan into a folder named "--no-plots" in
    /// the current folder, and `--out --help` into "--help", exit 0. Now one line naming both, exit 2, nothing written.</summary>
    [Theory]
    [InlineData("plan", "--out", "--no-plots")]
    [InlineData("plan", "--out", "--help")]
    [InlineData("plan", "--out", "-h")]
    [InlineData("plan", "--config", "--deterministic")]
    [InlineData("export", "--out", "--version")]
    public void An_option_in_place_of_a_value_is_refused(string command, string option, string next)
    {
        using var data = DatasetFixture.Create();
        using var cwd = new TempDirectory();
        string[] args = command == "export"
            ? ["export", Path.Combine(data.Directory, "plan.json"), "--to", "libvirt", option, next]
            : ["plan", data.Directory, option, next, "--time-limit", "1"];

        var (code, stdout, stderr) = ChildCli.RunIn(cwd.Path, args);

        Assert.Equal(2, code);
        Assert.StartsWith($"error: {option} needs a value, and '{next}' is an option (a path that starts with '-' can be written './{next}')", stderr);
        Assert.Equal("", stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cwd.Path));
    }
    /// <summary>`export` reads simulation.json for the migration scripts and allocation.csv for the allocation schedule;
    /// the other target's file was ignored without a word (exit 0, the file never read, a typo in its path unseen).</summary>
    [Theory]
    [InlineData("openstack", "--allocation", "allocation.csv", "--allocation applies to --to libvirt-allocation; --to openstack writes the migrations")]
    [InlineData("libvirt", "--allocation", "allocation.csv", "--allocation applies to --to libvirt-allocation; --to libvirt writes the migrations")]
    [InlineData("libvirt-allocation", "--simulation", "simulation.json", "--simulation applies to the migration scripts (--to libvirt or openstack)")]
    public void An_export_option_of_another_target_is_refused(string target, string option, string file, string what)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        var planDir = tmp.File("plan");
        var made = CliRunner.Run("plan", data.Directory, "--out", planDir, "--deterministic", "--time-limit", "2", "--no-plots");
        Assert.True(made.ExitCode == 0, made.Err);
        var script = tmp.File("script.sh");

        var result = CliRunner.Run("export", Path.Combine(planDir, "plan.json"), "--to", target, option, Path.Combine(planDir, file), "--out", script);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {what}", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(File.Exists(script));
    }
    /// <summary>A name that is not UTF-8 (a Latin-1 "résultat" typed as $'r\xe9sultat') reaches .NET with U+FFFD in place
    /// of the byte: `--out` wrote into a folder named with U+FFFD's own bytes, another folder than the one asked for,
    /// exit 0; a dataset folder so named was "dataset folder not found". Now a parse error naming the option.</summary>
    [Theory]
    [InlineData("--out")]
    [InlineData("DATASET_DIR")]
    public void A_name_that_is_not_utf8_is_refused_by_name(string which)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        var outDir = tmp.File(which == "--out" ? "r\uFFFDsultat" : "out");
        var dataset = which == "DATASET_DIR" ? data.Directory + "\uFFFD" : data.Directory;

        var result = CliRunner.Run("plan", dataset, "--out", outDir, "--deterministic", "--time-limit", "1", "--no-plots");

        var named = which == "DATASET_DIR" ? dataset : outDir;
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {which}: '", result.Err);
        Assert.Contains($"holds U+FFFD (at character {named.IndexOf('\uFFFD') + 1}), what a byte that is not UTF-8 reads as", result.Err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Path));
    }
}

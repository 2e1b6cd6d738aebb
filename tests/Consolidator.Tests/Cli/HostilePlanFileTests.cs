using System.Text.Json.Nodes;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>`simulate` reads a plan.json as the instance it replays: stages that cannot be replayed from the dataset's
/// placement (a migration from the wrong host, twice in a stage, to where the VM is, or stages that leave a VM off its
/// target) are one located line naming the field, exit code 2, nothing written. Before, they were simulated as written.</summary>
public class HostilePlanFileTests
{
    private static void Mutate(JsonNode plan, string how)
    {
        var stages = plan["stages"]!.AsArray();
        var first = stages[0]!["migrations"]!.AsArray();
        var move = first[0]!;
        switch (how)
        {
            case "wrong-source": move["from_host"] = move["to_host"]!.GetValue<string>(); break;
            case "twice": first.Add(move.DeepClone()); break;
            case "dropped": first.RemoveAt(0); break;
            case "home": move["to_host"] = move["from_host"]!.GetValue<string>(); break;
            case "placement-emptied": plan["placement"] = new JsonArray(); break;
            case "placement-removed": plan.AsObject().Remove("placement"); break;
            case "long-host": move["to_host"] = new string('h', 300_000); break;
        }
    }

    /// <summary>All three VMs on h2 today; the plan moves some to h1 (cheaper), so its first stage has a migration.</summary>
    private static DatasetFixture ThreeVmsOnH2() =>
        DatasetFixture.Create(vms: "vm_id,vcpus,memory_mib,current_host\nvm1,2,4096,h2\nvm2,4,8192,h2\nvm3,8,16384,h2\n");

    /// <summary>The fixture planned, the plan edited by <see cref="Mutate"/> and written beside it; its path.</summary>
    private static string PlanEditedAs(DatasetFixture data, string how)
    {
        var planDir = Path.Combine(data.Directory, "..", "plan");
        var made = CliRunner.Run("plan", data.Directory, "--out", planDir, "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate");
        Assert.True(made.ExitCode == 0, made.Err);
        var plan = JsonNode.Parse(File.ReadAllText(Path.Combine(planDir, "plan.json")))!;
        Assert.NotEmpty(plan["stages"]!.AsArray());
        Mutate(plan, how);
        var edited = Path.Combine(data.Directory, "..", "edited.json");
        File.WriteAllText(edited, plan.ToJsonString());
        return edited;
    }

    /// <summary>`export` has no dataset but the plan's own placement (current_host, host_id): the same edits were written
    /// into the script as they stood (two migrations of one VM at once, a migration from a host it is not on, to its
    /// own host).</summary>
    [Theory]
    [InlineData("wrong-source", "from_host", "the VM is on")]
    [InlineData("twice", "vm_id", "a VM moves at most once per stage")]
    [InlineData("dropped", "stages", "not on its host_id")]
    [InlineData("home", "to_host", "the VM is already on this host")]
    public void Export_refuses_stages_that_do_not_replay_from_the_plans_placement(string how, string field, string what) =>
        AssertExportRefuses(how, $"'{field}'", what);

    /// <summary>A plan.json whose placement lists no VM (emptied or removed by hand) gave `export` nothing to replay
    /// the stages from: they were checked only among themselves and scripted (exit 0), so a migration from a host the
    /// VM is not on went into the script. The placement must list every VM the stages move.</summary>
    [Theory]
    [InlineData("placement-emptied", "lists no VM")]
    [InlineData("placement-removed", "required field \"placement\" is missing")]
    public void Export_refuses_a_plan_whose_placement_does_not_list_the_VMs_it_moves(string how, string what) =>
        AssertExportRefuses(how, "edited.json:1, column", what);

    /// <summary>A host id of 300,000 characters was written into both scripts as it stood (and into virsh's URI).</summary>
    [Fact]
    public void Export_refuses_an_id_longer_than_any_manager_takes() =>
        AssertExportRefuses("long-host", "'to_host'", "an id must be at most 255 characters (this one has 300000)");

    /// <summary>Both exports of the plan edited as <paramref name="how"/> say: exit 2, one clean line holding
    /// <paramref name="where"/> and <paramref name="what"/>, no script written.</summary>
    private static void AssertExportRefuses(string how, string where, string what)
    {
        using var data = ThreeVmsOnH2();
        var edited = PlanEditedAs(data, how);
        var script = Path.Combine(data.Directory, "..", "migrate.sh");

        foreach (var target in new[] { "libvirt", "openstack" })
        {
            var result = CliRunner.Run("export", edited, "--to", target, "--out", script);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains(where, result.Err);
            Assert.Contains(what, result.Err);
            HostileInputTests.AssertOneCleanLine(result.Err);
            Assert.False(File.Exists(script));
        }
    }

    [Theory]
    [InlineData("wrong-source", "from_host", "the VM is on")]
    [InlineData("twice", "vm_id", "a VM moves at most once per stage")]
    [InlineData("dropped", "stages", "not on its target")]
    public void Stages_that_do_not_replay_from_the_datasets_placement_are_refused(string how, string field, string what)
    {
        using var data = ThreeVmsOnH2();
        var edited = PlanEditedAs(data, how);
        var outDir = Path.Combine(data.Directory, "..", "sim");

        var result = CliRunner.Run("simulate", data.Directory, edited, "--out", outDir);

        CliRunner.AssertLocatedInputError(result, $"'{field}'", what, outDir);
        Assert.Contains("edited.json", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>A dataset whose plan moves every VM to C, its plan.json as `plan` wrote it, and that plan edited by hand so
    /// that its first stage parks a1 on B before b1 has left it (B's 16 GiB carrying 18 GiB while the migration runs).</summary>
    private static (DatasetFixture Data, string Plan, string Edited) OverloadingEdit()
    {
        var usage = new System.Text.StringBuilder("timestamp,vm_id,cpu_cores,memory_mib\n");
        for (var h = 0; h < 24; h++)
            foreach (var (vm, mib) in new[] { ("a1", 6000), ("a2", 6000), ("b1", 12000), ("c1", 4000) })
                usage.Append(System.Globalization.CultureInfo.InvariantCulture, $"2026-01-05T{h:00}:00:00Z,{vm},1,{mib}\n");
        var data = DatasetFixture.Create(
            hosts: "host_id,cpu_cores,memory_mib,idle_watts,max_watts\nA,16,16384,100,250\nB,16,16384,100,250\nC,32,65536,150,400\n",
            vms: "vm_id,vcpus,memory_mib,current_host\na1,2,6144,A\na2,2,6144,A\nb1,2,12288,B\nc1,2,4096,C\n",
            usage: usage.ToString());
        var planDir = Path.Combine(data.Directory, "..", "plan");
        var made = CliRunner.Run("plan", data.Directory, "--out", planDir, "--deterministic", "--time-limit", "5", "--no-plots", "--no-simulate");
        Assert.True(made.ExitCode == 0, made.Err);
        var plan = JsonNode.Parse(File.ReadAllText(Path.Combine(planDir, "plan.json")))!;
        Assert.All(plan["placement"]!.AsArray(), p => Assert.Equal("C", p!["host_id"]!.GetValue<string>()));
        static JsonObject Move(string vm, string from, string to, string kind) =>
            new() { ["vm_id"] = vm, ["from_host"] = from, ["to_host"] = to, ["kind"] = kind };
        plan["stages"] = new JsonArray(
            new JsonObject { ["stage"] = 1, ["migrations"] = new JsonArray(Move("a1", "A", "B", "relay")) },
            new JsonObject { ["stage"] = 2, ["migrations"] = new JsonArray(Move("a1", "B", "C", "move"), Move("a2", "A", "C", "move"), Move("b1", "B", "C", "move")) });
        var edited = Path.Combine(data.Directory, "..", "edited.json");
        File.WriteAllText(edited, plan.ToJsonString());
        return (data, Path.Combine(planDir, "plan.json"), edited);
    }

    private const string Overload =
        "stage.capacity: stage 1: B memory in window 00:00-01:00 carries 18432 MiB while migrations run, over its physical capacity 16384 MiB";

    /// <summary>A plan edited by hand so that its first stage parks a1 on B (a relay) before b1 has left it: B's 16 GiB
    /// would carry 18 GiB while the migration runs. Every stage replays from the dataset's placement, so the reader took
    /// it, and `simulate` replayed it as written (exit 0, "2 did not complete (2 skipped)") with no word of the broken
    /// rule. Now the independent validator's checks run on a plan read from a file as on a plan made: exit 2, the rule,
    /// stage, host, resource and window named, nothing written.</summary>
    [Fact]
    public void A_stage_that_overloads_a_host_is_refused_naming_the_validators_rule()
    {
        var (fixture, planJson, edited) = OverloadingEdit();
        using var data = fixture;
        var outDir = Path.Combine(data.Directory, "..", "sim");

        var result = CliRunner.Run("simulate", data.Directory, edited, "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "edited.json: the validator refuses this plan",
            Overload, outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.Equal(0, CliRunner.Run("simulate", data.Directory, planJson, "--out", outDir).ExitCode);
    }

    /// <summary>`export` read no dataset, so it wrote a script that migrates VMs from the same hand-edited plan `simulate`
    /// refuses: exit 0, a stage that overloads B, acted on with APPLY=1. With --dataset the plan is checked as `simulate`
    /// checks it: exit 2, the same rule named, no script written.</summary>
    [Theory]
    [InlineData("libvirt")]
    [InlineData("openstack")]
    public void Export_with_the_dataset_refuses_a_stage_that_overloads_a_host(string target)
    {
        var (fixture, _, edited) = OverloadingEdit();
        using var data = fixture;
        var script = Path.Combine(data.Directory, "..", "migrate.sh");

        var result = CliRunner.Run("export", edited, "--to", target, "--dataset", data.Directory, "--out", script);

        CliRunner.AssertLocatedInputError(result, "edited.json: the validator refuses this plan", Overload, script);
        Assert.False(File.Exists(script), "no script may be written for a plan the validator refuses");
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>`export` without --dataset wrote the overloading plan as a script (exit 0; only a header line and a stderr
    /// warning said it was unchecked). plan.json now records the dataset it was made from (its folder relative to the
    /// plan's and a fingerprint of its files), and export checks the plan against it by default: exit 2, the validator's
    /// rule named, nothing written.</summary>
    [Theory]
    [InlineData("libvirt")]
    [InlineData("openstack")]
    public void Export_checks_a_plan_against_the_dataset_it_records(string target)
    {
        var (fixture, planJson, edited) = OverloadingEdit();
        using var data = fixture;
        var besidePlan = Path.Combine(Path.GetDirectoryName(planJson)!, "edited.json");
        File.Copy(edited, besidePlan);
        var script = Path.Combine(data.Directory, "..", "migrate.sh");

        var result = CliRunner.Run("export", besidePlan, "--to", target, "--out", script);

        CliRunner.AssertLocatedInputError(result, "edited.json: the validator refuses this plan", Overload, script);
        Assert.False(File.Exists(script), "no script may be written for a plan the validator refuses");
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>The dataset edited after the plan was made (one usage value), or moved away: a plan checked against other
    /// demand than it was sized for, or against none, is refused at plan.json's dataset field, nothing written; --dataset
    /// names where it is now, and --unchecked writes the script with its NOT CHECKED line.</summary>
    [Fact]
    public void Export_refuses_a_dataset_changed_or_gone_since_the_plan()
    {
        var (fixture, planJson, _) = OverloadingEdit();
        using var data = fixture;
        var script = Path.Combine(data.Directory, "..", "migrate.sh");
        var moved = data.Directory + "-moved";
        var usage = data.PathOf("usage.csv");

        File.WriteAllText(usage, File.ReadAllText(usage).Replace("Z,a1,1,6000", "Z,a1,1,6001"));
        var changed = CliRunner.Run("export", planJson, "--to", "libvirt", "--out", script);
        Directory.Move(data.Directory, moved);
        var gone = CliRunner.Run("export", planJson, "--to", "libvirt", "--out", script);
        var named = CliRunner.Run("export", planJson, "--to", "libvirt", "--dataset", moved, "--out", script);

        CliRunner.AssertLocatedInputError(changed, "plan.json:5, column", "'fingerprint': '" + Path.GetFullPath(data.Directory) + "' is not", script);
        Assert.Contains("is not the dataset the plan was made from: its files changed since", changed.Err);
        CliRunner.AssertLocatedInputError(gone, "plan.json:4, column 13 'path'", "the dataset the plan was made from is not at", script);
        Assert.Contains("(value '../tiny')", gone.Err);
        CliRunner.AssertLocatedInputError(named, "plan.json:5, column", "is not the dataset the plan was made from", script);
        Assert.All(new[] { changed, gone, named }, r => HostileInputTests.AssertOneCleanLine(r.Err));
        Assert.False(File.Exists(script));

        File.WriteAllText(Path.Combine(moved, "usage.csv"), File.ReadAllText(Path.Combine(moved, "usage.csv")).Replace("Z,a1,1,6001", "Z,a1,1,6000"));
        var restored = CliRunner.Run("export", planJson, "--to", "libvirt", "--dataset", moved, "--out", script);
        Assert.True(restored.ExitCode == 0, restored.Err);
        Assert.DoesNotContain("NOT CHECKED", File.ReadAllText(script));
        var unchecked_ = CliRunner.Run("export", planJson, "--to", "libvirt", "--unchecked");
        Assert.Equal(0, unchecked_.ExitCode);
        Assert.Contains("# NOT CHECKED against a dataset: exported with --unchecked", unchecked_.Out);
        Assert.StartsWith($"warning: {planJson}: NOT CHECKED", unchecked_.Err);
    }

    /// <summary>A plan.json that records no dataset (written by hand, or by an older version) cannot be checked unless the
    /// dataset is named; it is refused at its first line rather than written unchecked. --unchecked with --dataset is a
    /// contradiction, refused.</summary>
    [Fact]
    public void Export_of_a_plan_that_records_no_dataset_needs_the_dataset_or_unchecked()
    {
        var (fixture, planJson, _) = OverloadingEdit();
        using var data = fixture;
        var plan = JsonNode.Parse(File.ReadAllText(planJson))!.AsObject();
        Assert.True(plan.Remove("dataset"), "plan.json records its dataset");
        var old = Path.Combine(Path.GetDirectoryName(planJson)!, "old.json");
        File.WriteAllText(old, plan.ToJsonString());
        var script = Path.Combine(data.Directory, "..", "migrate.sh");

        var refused = CliRunner.Run("export", old, "--to", "openstack", "--out", script);
        var both = CliRunner.Run("export", planJson, "--to", "openstack", "--unchecked", "--dataset", data.Directory, "--out", script);

        CliRunner.AssertLocatedInputError(refused, "old.json:1, column", "the plan does not record the dataset it was made from", script);
        Assert.Contains("give --dataset DATASET_DIR", refused.Err);
        CliRunner.AssertLocatedInputError(both, "--unchecked", "give one or the other", script);
        Assert.False(File.Exists(script));
        Assert.Equal(0, CliRunner.Run("export", old, "--to", "openstack", "--dataset", data.Directory, "--out", script).ExitCode);
    }

    /// <summary>A plan the validator accepts exports with --dataset exactly as it did before the option: the same script,
    /// byte for byte, as the unchecked export less its one NOT CHECKED header line, and no warning.</summary>
    [Theory]
    [InlineData("libvirt")]
    [InlineData("openstack")]
    public void Export_with_the_dataset_writes_a_valid_plan_unchanged(string target)
    {
        var (fixture, planJson, _) = OverloadingEdit();
        using var data = fixture;

        var checkedExport = CliRunner.Run("export", planJson, "--to", target, "--dataset", data.Directory);
        var byDefault = CliRunner.Run("export", planJson, "--to", target);
        var plain = CliRunner.Run("export", planJson, "--to", target, "--unchecked");

        Assert.True(checkedExport.ExitCode == 0, checkedExport.Err);
        Assert.Equal("", checkedExport.Err);
        Assert.DoesNotContain("NOT CHECKED", checkedExport.Out);
        Assert.Equal((0, "", checkedExport.Out), (byDefault.ExitCode, byDefault.Err, byDefault.Out));
        Assert.Equal(0, plain.ExitCode);
        Assert.Contains("NOT CHECKED against a dataset", plain.Err);
        var lines = plain.Out.Split('\n').ToList();
        Assert.StartsWith("# NOT CHECKED against a dataset: exported with --unchecked", lines[2], StringComparison.Ordinal);
        lines.RemoveAt(2);
        Assert.Equal(string.Join('\n', lines), checkedExport.Out);
        Assert.Contains("'b1'", checkedExport.Out);
    }

    /// <summary>A plan.json with one member written twice (a hand merge: "headroom" 0.1 then 0.5) was read as the
    /// second, silently, by both `export` and `simulate`. Now the second is located, the first named, exit 2.</summary>
    [Fact]
    public void A_member_written_twice_in_one_object_is_refused_where_the_second_stands()
    {
        using var data = ThreeVmsOnH2();
        var planDir = Path.Combine(data.Directory, "..", "plan");
        var made = CliRunner.Run("plan", data.Directory, "--out", planDir, "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate");
        Assert.True(made.ExitCode == 0, made.Err);
        var lines = File.ReadAllLines(Path.Combine(planDir, "plan.json")).ToList();
        var first = lines.FindIndex(l => l.TrimStart().StartsWith("\"headroom\":", StringComparison.Ordinal));
        Assert.True(first > 0, "the plan.json names its headroom");
        lines.Insert(first + 1, "    \"headroom\": 0.5,");
        var edited = Path.Combine(data.Directory, "..", "edited.json");
        File.WriteAllLines(edited, lines);
        var where = $"edited.json:{first + 2}, column 5 'headroom'";
        var what = $"appears twice in one object (first at line {first + 1}, column 5)";

        var outDir = Path.Combine(data.Directory, "..", "sim");
        CliRunner.AssertLocatedInputError(CliRunner.Run("simulate", data.Directory, edited, "--out", outDir), where, what, outDir);
        var script = Path.Combine(data.Directory, "..", "migrate.sh");
        var exported = CliRunner.Run("export", edited, "--to", "libvirt", "--out", script);
        Assert.Equal(2, exported.ExitCode);
        Assert.Contains(where, exported.Err);
        Assert.Contains(what, exported.Err);
        HostileInputTests.AssertOneCleanLine(exported.Err);
        Assert.False(File.Exists(script));
    }
    /// <summary>A plan.json saved by Notepad as "Unicode" (UTF-16 with its byte-order mark), as UTF-16 without one, or
    /// compressed: each was "not valid JSON at column 1: '0xFF' is an invalid start of a value" (or '0x00', '0x1F'),
    /// which did not say why. Now what the file is, at line 1, exit 2, no script.</summary>
    [Theory]
    [InlineData("utf-16", "UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8")]
    [InlineData("utf-16le", "NUL bytes near the start: the file looks UTF-16 without a byte-order mark, or binary")]
    [InlineData("gzip", "gzip-compressed data: decompress it first (gunzip)")]
    public void A_plan_json_that_is_not_utf8_says_what_it_is(string encoding, string what)
    {
        using var data = ThreeVmsOnH2();
        var planDir = Path.Combine(data.Directory, "..", "plan");
        var made = CliRunner.Run("plan", data.Directory, "--out", planDir, "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate");
        Assert.True(made.ExitCode == 0, made.Err);
        var text = File.ReadAllText(Path.Combine(planDir, "plan.json"));
        var edited = Path.Combine(data.Directory, "..", "edited.json");
        if (encoding == "gzip")
        {
            using var file = File.Create(edited);
            using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Optimal);
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }
        else File.WriteAllText(edited, text, encoding == "utf-16" ? new System.Text.UnicodeEncoding(false, true) : new System.Text.UnicodeEncoding(false, false));
        var script = Path.Combine(data.Directory, "..", "migrate.sh");

        var result = CliRunner.Run("export", edited, "--to", "libvirt", "--out", script);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"edited.json:1: {what}", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(File.Exists(script));
    }

    /// <summary>plan.json's memory_mib per migration is a copy of the dataset VM's, kept for export, which derives each
    /// migration's timeout from it. It was never compared with the dataset: a 4 GiB VM's memory_mib edited to 1024 with its
    /// timeout_s edited to match (150 s, not 600) was exported, checked, as `--timeout 150 --timeout-suspend`, exit 0. Now
    /// refused at the field wherever the plan is read against its dataset (export, simulate); unchecked, a missing copy
    /// is refused where the timeout needs it (it was read as 0 MiB and the error blamed timeout_s).</summary>
    [Fact]
    public void A_migrations_memory_that_is_not_its_vms_is_refused()
    {
        using var data = ThreeVmsOnH2();
        var planDir = Path.Combine(data.Directory, "..", "plan");
        var made = CliRunner.Run("plan", data.Directory, "--out", planDir, "--deterministic", "--time-limit", "2", "--no-plots");
        Assert.True(made.ExitCode == 0, made.Err);
        var (planPath, simulationPath) = (Path.Combine(planDir, "plan.json"), Path.Combine(planDir, "simulation.json"));
        var plan = JsonNode.Parse(File.ReadAllText(planPath))!;
        var simulation = JsonNode.Parse(File.ReadAllText(simulationPath))!;
        var move = plan["stages"]![0]!["migrations"]!.AsArray().First(m => m!["kind"]!.GetValue<string>() != "place")!;
        var vm = move["vm_id"]!.GetValue<string>();
        var replayed = simulation["migrations"]!.AsArray().First(m => m!["vm_id"]!.GetValue<string>() == vm && m["stage"]!.GetValue<int>() == 1)!;
        Assert.Equal("precopy", replayed["method"]!.GetValue<string>());
        var mib = move["memory_mib"]!.GetValue<double>();
        Assert.Equal(mib * 150 / 1024, replayed["timeout_s"]!.GetValue<double>());
        move["memory_mib"] = 1024;
        replayed["timeout_s"] = 150;
        File.WriteAllText(planPath, plan.ToJsonString());
        File.WriteAllText(simulationPath, simulation.ToJsonString());
        var script = Path.Combine(data.Directory, "..", "migrate.sh");

        var exported = CliRunner.Run("export", planPath, "--to", "libvirt", "--out", script);
        var simulated = CliRunner.Run("simulate", data.Directory, planPath, "--out", Path.Combine(data.Directory, "..", "sim"));

        foreach (var result in new[] { exported, simulated })
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"plan.json:1, column", result.Err);
            Assert.Contains($"'memory_mib': the dataset's vms.csv gives this VM {mib} MiB", result.Err);
            HostileInputTests.AssertOneCleanLine(result.Err);
        }
        Assert.False(File.Exists(script));

        move.AsObject().Remove("memory_mib");
        File.WriteAllText(planPath, plan.ToJsonString());
        var missing = CliRunner.Run("export", planPath, "--to", "libvirt", "--unchecked", "--out", script);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("plan.json:1, column", missing.Err);
        Assert.Contains("required field \"memory_mib\" is missing", missing.Err);
        HostileInputTests.AssertOneCleanLine(missing.Err);
        Assert.False(File.Exists(script));
    }
}

using Consolidator.Benchmarks;
using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Benchmarks;

public sealed class BenchFamiliesTests
{
    [Fact]
    public void The_quick_set_runs_small_planted_and_generated_instances_and_the_full_set_the_issues_sizes()
    {
        var quick = new PlantedFamily(new BenchSettings()).Cases().Cases;
        var full = new PlantedFamily(new BenchSettings { Full = true }).Cases().Cases;

        Assert.Equal(["planted/K=20", "planted/K=200"], quick.Select(c => c.Id));
        Assert.Equal([10.0, 60.0], quick.Select(c => c.SolverSeconds));
        Assert.Equal(["K=20", "K=200", "K=2000", "K=4000"], full.Select(c => c.Instance));
        Assert.Equal([20.0, 60.0, 300.0, 300.0], full.Select(c => c.SolverSeconds));
        Assert.Equal(["vms=120", "vms=1000"], new GeneratedFamily(new BenchSettings()).Cases().Cases.Select(c => c.Instance));
        Assert.Equal([1.5, 1.5], new PlantedFamily(new BenchSettings { TimeLimitSeconds = 1.5 }).Cases().Cases.Select(c => c.SolverSeconds));
    }

    [Fact]
    public void A_planted_row_reports_the_optimum_the_bound_and_the_baseline()
    {
        var settings = new BenchSettings { PlantedHosts = [3], TimeLimitSeconds = 3, Deterministic = true };
        var row = new PlantedFamily(settings).Cases().Cases.Single().Run();

        Assert.Equal(("planted", "K=3", 3), (row.Family, row.Instance, row.Optimum));
        Assert.Equal(24, row.Windows);
        Assert.InRange(row.ActiveHosts!.Value, 3, row.PeakSizedFfdHosts!.Value);
        Assert.InRange(row.LowerBound!.Value, 1, 3);
        Assert.False(row.BelowBound);
        Assert.Null(row.EnergyVsCurrent);
        Assert.NotNull(row.Status);
        Assert.Equal((double)row.ActiveHosts!.Value / 3, row.RatioToOptimum!.Value, 4);
    }

    [Fact]
    public void A_generated_row_compares_energy_with_the_current_placement()
    {
        var settings = new BenchSettings { GeneratedVms = [12], TimeLimitSeconds = 2, Deterministic = true };
        var row = new GeneratedFamily(settings).Cases().Cases.Single().Run();

        Assert.Equal(12, row.Vms);
        Assert.Null(row.Optimum);
        // The current placement fits, so the plan never costs more energy than keeping it.
        Assert.InRange(row.EnergyVsCurrent!.Value, 0.01, 1.0);
        Assert.True(row.EnergyVsLowerBound >= 1.0);
    }

    [Fact]
    public void Shared_datasets_are_planned_when_an_importer_reads_them_and_skipped_with_a_message_otherwise()
    {
        using var shared = new TempDirectory();
        using var native = DatasetFixture.Create(name: "native-one");
        var datasets = Path.Combine(shared.Path, "datasets");
        CopyFolder(native.Directory, Path.Combine(datasets, "native-one"));
        Directory.CreateDirectory(Path.Combine(datasets, "odd-format"));
        Directory.CreateDirectory(Path.Combine(datasets, "vector-packing"));

        var family = new SharedDatasetsFamily(new BenchSettings { SharedFolder = shared.Path, TimeLimitSeconds = 2, Deterministic = true }, DatasetImporters.All);
        var listed = family.Cases();

        Assert.Equal(["shared/native-one"], listed.Cases.Select(c => c.Id));
        Assert.Equal(["shared datasets: no importer reads odd-format/ (formats known: native, planetlab, bitbrains)"], listed.Skipped.ToArray());
        var row = listed.Cases[0].Run();
        Assert.Equal((3, 2), (row.Vms, row.Hosts));
        Assert.NotNull(row.EnergyVsCurrent);
    }

    [Fact]
    public void A_folder_of_planetlab_days_is_planned_on_its_first_day()
    {
        // Separate days are separate samples of the fleet; all of them together overflow the inventory's memory.
        using var shared = new TempDirectory();
        foreach (var day in new[] { "20110412", "20110303" })
        {
            var folder = Path.Combine(shared.Path, "datasets", "planetlab", day);
            Directory.CreateDirectory(folder);
            File.WriteAllLines(Path.Combine(folder, "vm-a"), Enumerable.Repeat("12", 288));
        }

        var listed = new SharedDatasetsFamily(new BenchSettings { SharedFolder = shared.Path }, DatasetImporters.All).Cases();

        Assert.Equal(["shared/planetlab/20110303"], listed.Cases.Select(c => c.Id));
        Assert.Empty(listed.Skipped);
    }

    [Fact]
    public void Families_that_need_the_shared_folder_skip_with_a_message_when_it_is_absent()
    {
        var settings = new BenchSettings { SharedFolder = Path.Combine(Path.GetTempPath(), "no-such-shared-" + Guid.NewGuid().ToString("N")) };

        var shared = new SharedDatasetsFamily(settings, DatasetImporters.All).Cases();
        var packing = new VectorPackingFamily(settings).Cases();

        Assert.Empty(shared.Cases);
        Assert.Empty(packing.Cases);
        Assert.Contains("not found", Assert.Single(shared.Skipped));
        Assert.Contains("not found", Assert.Single(packing.Skipped));
    }

    [Fact]
    public void Vector_packing_selection_quick_takes_each_class_smallest_size_full_takes_up_to_200_items()
    {
        var entries = (from g in new[] { "classA", "classB" }
                       from n in new[] { 20, 120, 250 }
                       from i in Enumerable.Range(0, 3)
                       where !(g == "classB" && n == 20)
                       select new VectorPackingEntry("Bench", g, $"{g}_{n}_3_{i}", n, 3, i, "unused", null)).ToArray();

        var quick = new VectorPackingFamily(new BenchSettings()).Select(entries);
        var full = new VectorPackingFamily(new BenchSettings { Full = true }).Select(entries);
        var chosen = new VectorPackingFamily(new BenchSettings { VectorPackingMaxItems = 250, VectorPackingPerSize = 1 }).Select(entries);

        Assert.Equal(["classA_20_3_0", "classB_120_3_0"], quick.Select(e => e.Name));
        Assert.Equal(9, full.Count());
        Assert.All(full, e => Assert.True(e.Items <= 200));
        Assert.Equal(["classA_20_3_0", "classA_120_3_0", "classA_250_3_0", "classB_120_3_0", "classB_250_3_0"], chosen.Select(e => e.Name));
    }

    /// <summary>One of the two options alone keeps the other's quick default: `--vbp-per-size 1` (its documented default)
    /// took every size up to 200 items, and `--vbp-max-items 120` every index; both ran the full set's hours.</summary>
    [Fact]
    public void Vector_packing_options_given_alone_keep_the_others_quick_default()
    {
        var entries = (from g in new[] { "classA", "classB" }
                       from n in new[] { 20, 120, 250 }
                       from i in Enumerable.Range(0, 3)
                       where !(g == "classB" && n == 20)
                       select new VectorPackingEntry("Bench", g, $"{g}_{n}_3_{i}", n, 3, i, "unused", null)).ToArray();

        var perSizeAlone = new VectorPackingFamily(new BenchSettings { VectorPackingPerSize = 2 }).Select(entries);
        var maxItemsAlone = new VectorPackingFamily(new BenchSettings { VectorPackingMaxItems = 120 }).Select(entries);

        Assert.Equal(["classA_20_3_0", "classA_20_3_1", "classB_120_3_0", "classB_120_3_1"], perSizeAlone.Select(e => e.Name));
        Assert.Equal(["classA_20_3_0", "classA_120_3_0", "classB_120_3_0"], maxItemsAlone.Select(e => e.Name));
    }

    [Fact]
    public void Unknown_family_names_are_refused_and_known_ones_filter()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BenchFamilies.Standard(new BenchSettings { Families = ["planted", "nope"] }, DatasetImporters.All));
        Assert.Contains("'nope'", e.Message);
        // The order is the standard one, whatever order the option lists them in.
        Assert.Equal(["planted", "vector-packing"],
            BenchFamilies.Standard(new BenchSettings { Families = ["vector-packing", "planted"] }, DatasetImporters.All).Select(f => f.Name));
    }

    [Fact]
    public void The_ablation_runs_only_when_named_and_switches_off_one_applicable_phase_per_row()
    {
        Assert.DoesNotContain("ablation", BenchFamilies.Standard(new BenchSettings(), DatasetImporters.All).Select(f => f.Name));
        var cases = new AblationFamily(new BenchSettings(), DatasetImporters.All).Cases().Cases;

        // Fleets: every phase, then one row per phase that applies where moves cost something.
        Assert.Equal(["vms=1000", "vms=1000 -host-fill", "vms=1000 -whole-model", "vms=1000 -neighbourhood-search",
                      "vms=1000 -keep-in-place-starts", "vms=1000 -homecoming"],
            cases.Where(c => c.Group == "vms=1000").Select(c => c.Instance));
        // Planted instances count hosts: the host-counting phases, not the keep-in-place ones.
        Assert.Equal(["K=20", "K=20 -exact-fill", "K=20 -host-fill", "K=20 -whole-model", "K=20 -consistent-search",
                      "K=20 -bin-count-descent", "K=20 -neighbourhood-search"],
            cases.Where(c => c.Group == "K=20").Select(c => c.Instance));
        Assert.Equal([10.0, 60.0], cases.Where(c => c.Group is "K=20" or "K=200").Select(c => c.SolverSeconds).Distinct());
        // Zero slack: with and without the full-host cover, at K = 20's limit.
        Assert.Equal(["flat-mem K=20", "flat-mem K=20 -full-host-cover"], cases.Where(c => c.Group == "flat-mem K=20").Select(c => c.Instance));
        Assert.Equal([10.0], cases.Where(c => c.Group == "flat-mem K=20").Select(c => c.SolverSeconds).Distinct());
        // At K = 200 (~1,400 VMs) the whole model and the bin-count descent are too large to run: no rows.
        Assert.Equal(["K=200", "K=200 -exact-fill", "K=200 -host-fill", "K=200 -consistent-search", "K=200 -neighbourhood-search"],
            cases.Where(c => c.Group == "K=200").Select(c => c.Instance));
    }

    [Fact]
    public void At_fleet_scale_the_planted_ablation_has_rows_only_for_the_phases_that_run()
    {
        var settings = new BenchSettings { PlantedHosts = [2000], GeneratedVms = [1] };
        var cases = new AblationFamily(settings, DatasetImporters.All).Cases().Cases;

        // ~14,000 VMs: no exact-fill search, host fill, whole model or bin-count descent; the overload search runs,
        // and no neighbourhood search after it.
        Assert.Equal(["K=2000", "K=2000 -overload-search"],
            cases.Where(c => c.Group == "K=2000").Select(c => c.Instance));
    }

    [Fact]
    public void An_ablation_row_names_its_instance_and_plans_without_the_phase()
    {
        var settings = new BenchSettings { GeneratedVms = [12], PlantedHosts = [], TimeLimitSeconds = 1, Deterministic = true };
        var c = new AblationFamily(settings, DatasetImporters.All).Cases().Cases.Single(c => c.Instance == "vms=12 -homecoming");

        var row = c.Run();

        Assert.Equal(("ablation", "vms=12 -homecoming", "vms=12"), (row.Family, row.Instance, row.Group));
        Assert.DoesNotContain(row.SolverNotes!.Value, n => n.StartsWith("homecoming", StringComparison.Ordinal));
        Assert.True(row.EnergyVsLowerBound >= 1.0);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}

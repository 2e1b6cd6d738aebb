using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Generation;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Traces;

namespace Consolidator.Benchmarks;

/// <summary>What each solver phase earns on realistic data (issue 17.3): every instance planned with all phases
/// (the row named after the instance), then once with each phase that applies to it switched off (the row
/// "instance -phase"), at the same limit. Instances: generated fleets (moves cost something, hosts differ), the
/// shared Bitbrains and PlanetLab traces, and planted instances written with decimals (the objective counts
/// hosts). A phase that does not apply to an instance (the host-counting phases on fleets, the keep-in-place
/// phases where no VM runs yet) gets no row: it would repeat the first. Runs only when named
/// (<c>bench --family ablation</c>).</summary>
public sealed class AblationFamily(BenchSettings settings, IReadOnlyList<IDatasetImporter> importers) : IBenchFamily
{
    public const string FamilyName = "ablation";
    public static readonly ImmutableArray<int> QuickVms = [1000], FullVms = [1000, 5000];
    public static readonly ImmutableArray<int> QuickHosts = [20, 200], FullHosts = [20, 200, 2000];

    /// <summary>Hosts of the zero-slack instance (<see cref="ExactMemoryInstance"/>).</summary>
    public const int ExactMemoryHosts = 20;

    /// <summary>The shared datasets of the quick set (the full set takes every one the importers read).</summary>
    public static readonly ImmutableArray<string> QuickShared = ["bitbrains-rnd"];

    /// <summary>Phases that apply where moves cost something: a fleet whose VMs run somewhere today.</summary>
    public static readonly ImmutableArray<SolverPhases> FleetPhases =
        [SolverPhases.HostFill, SolverPhases.WholeModel, SolverPhases.NeighbourhoodSearch, SolverPhases.KeepInPlaceStarts, SolverPhases.Homecoming];

    /// <summary>Phases that apply where the objective counts identical hosts (no VM placed yet).</summary>
    public static readonly ImmutableArray<SolverPhases> CountingPhases =
        [SolverPhases.ExactFill, SolverPhases.HostFill, SolverPhases.WholeModel, SolverPhases.ConsistentSearch, SolverPhases.BinCountDescent, SolverPhases.NeighbourhoodSearch];

    public string Name => FamilyName;

    public bool OnlyWhenNamed => true;

    public BenchCases Cases()
    {
        var cases = ImmutableArray.CreateBuilder<BenchCase>();
        var fleetLimit = settings.Limit(10, 60);
        foreach (var n in !settings.GeneratedVms.IsEmpty ? settings.GeneratedVms : settings.Full ? FullVms : QuickVms)
        {
            var name = "vms=" + n.ToString(CultureInfo.InvariantCulture);
            Add(cases, name, $"generated data centre, {n} VMs, seed {GeneratedFamily.GeneratorSeed}", fleetLimit, FleetPhases,
                () => new PlanInstance(DatasetGenerator.Generate(new GeneratorOptions(GeneratedFamily.GeneratorSeed, n)), WindowScheme.Hourly(),
                    BenchDefaults.Percentile, settings.Request(new PlacementOptions(), fleetLimit)));
        }
        var (sources, skipped) = SharedDatasetsFamily.Sources(settings, importers);
        foreach (var source in sources.Where(s => settings.Full || QuickShared.Contains(s.Name)))
            Add(cases, source.Name, source.Description, fleetLimit, FleetPhases,
                () => new PlanInstance(source.Read(), WindowScheme.Hourly(), BenchDefaults.Percentile, settings.Request(new PlacementOptions(), fleetLimit)));
        var plantedHosts = !settings.PlantedHosts.IsEmpty ? settings.PlantedHosts : settings.Full ? FullHosts : QuickHosts;
        foreach (var k in plantedHosts)
        {
            var limit = new PlantedFamily(settings).TimeLimit(k);
            var name = "K=" + k.ToString(CultureInfo.InvariantCulture);
            Add(cases, name, $"planted instance written with decimals, optimum {k} hosts, ~{7 * k} VMs", limit, PlantedPhases(k), () =>
            {
                var planted = PlantedInstance.Generate(k, settings.Seed, decimals: true);
                var request = settings.Request(new PlacementOptions(Headroom: 0, MigrationWeightWhPerGiB: 0, CpuAllocationRatio: 0, RamAllocationRatio: 0), limit);
                return new PlanInstance(planted.Dataset, WindowScheme.Hourly(), 100, request) { Optimum = planted.OptimalHosts };
            });
        }
        // Zero slack (CPU and memory exactly full at the optimum): the one case the full-host cover is for, and the one
        // phase whose row it needs; the other phases' rows are the planted K = 20 ones above. With them, when K = 20 is.
        if (plantedHosts.Contains(ExactMemoryHosts))
        {
            const int k = ExactMemoryHosts;
            var limit = new PlantedFamily(settings).TimeLimit(k);
            var name = "flat-mem K=" + k.ToString(CultureInfo.InvariantCulture);
            Add(cases, name, $"planted instance with CPU and memory exactly full (docs/planted-other.py's flat-mem shape), optimum {k} hosts, ~{7 * k} VMs",
                limit, [SolverPhases.FullHostCover], () =>
                {
                    var request = settings.Request(new PlacementOptions(Headroom: 0, MigrationWeightWhPerGiB: 0, CpuAllocationRatio: 0, RamAllocationRatio: 0), limit);
                    return new PlanInstance(ExactMemoryInstance.Generate(k, settings.Seed), WindowScheme.Hourly(), 100, request) { Optimum = k };
                });
        }
        return new BenchCases(cases.ToImmutable(), skipped);
    }

    /// <summary>The host-counting phases that can run on a planted instance of <paramref name="k"/> hosts (6 k to 8 k
    /// VMs, 3 k hosts in the inventory): a phase that the solver skips at every such size gets no row, as it would
    /// repeat the first (at K = 2,000 five of the six rows would, 300 s each). Above the exact-fill search's VM
    /// limit the overload search runs in the consistent search's place.</summary>
    public static ImmutableArray<SolverPhases> PlantedPhases(int k)
    {
        long fewestVms = 6L * k, inventory = 3L * k;
        var overload = 7L * k > ExactFillSearch.MaxVms;
        return [.. CountingPhases
            .Where(f => f switch
            {
                SolverPhases.ExactFill => fewestVms <= ExactFillSearch.MaxVms,
                SolverPhases.HostFill => fewestVms <= CpSatPlacementSolver.HostFillMaxVms,
                SolverPhases.WholeModel => fewestVms * inventory <= CpSatPlacementSolver.WholeModelMaxBooleans,
                // Its model has a Boolean per VM and host of the incumbent, which has at least k hosts.
                SolverPhases.BinCountDescent => fewestVms * k <= CpSatPlacementSolver.BinCountMaxBooleans,
                // After the overload search the neighbourhood search does not run (CpSatPlacementSolver).
                SolverPhases.NeighbourhoodSearch => !overload,
                _ => true,
            })
            .Select(f => overload && f == SolverPhases.ConsistentSearch ? SolverPhases.OverloadSearch : f)];
    }

    /// <summary>The row name of an instance with one phase switched off: "vms=1000 -homecoming".</summary>
    public static string Without(string instance, SolverPhases phase) => $"{instance} -{SolverPhaseNames.Of(phase)}";

    private void Add(ImmutableArray<BenchCase>.Builder cases, string instance, string description, double limit,
        ImmutableArray<SolverPhases> phases, Func<PlanInstance> setup)
    {
        cases.Add(new BenchCase(Name, instance, instance, description + ", every phase", limit, () => PlanBench.Run(Name, instance, instance, setup())));
        foreach (var phase in phases)
        {
            var name = Without(instance, phase);
            cases.Add(new BenchCase(Name, name, instance, $"{description}, without {SolverPhaseNames.Of(phase)}", limit, () =>
            {
                var s = setup();
                var off = s with { Request = s.Request with { Solver = s.Request.Solver with { Phases = SolverPhases.All & ~phase } } };
                return PlanBench.Run(Name, name, instance, off);
            }));
        }
    }
}

using System.Collections.Immutable;
using Consolidator.Datasets;
using Consolidator.Packing;

namespace Consolidator.Benchmarks;

/// <summary>The published 3-D vector bin packing instances (shared/datasets/vector-packing), each read as a
/// dataset (<see cref="VectorPackingInstance.ToDataset"/>) and planned with percentile 100, headroom 0,
/// migration weight 0 and 10 s, next to the published lower bound, optimum and best heuristic.</summary>
public sealed class VectorPackingFamily(BenchSettings settings) : IBenchFamily
{
    public const string FamilyName = "vector-packing";
    public const string FolderName = "vector-packing";
    public const double SolverSeconds = 10;
    public const int FullMaxItems = 200;

    public string Name => FamilyName;

    public BenchCases Cases()
    {
        if (settings.SharedFolder is null) return new BenchCases([], ["vector packing: no shared folder given"]);
        var folder = Path.Combine(settings.SharedFolder, SharedDatasetsFamily.DatasetsFolder, FolderName);
        if (VectorPackingCatalog.TryLoad(folder) is not { } catalog) return new BenchCases([], [$"vector packing: {folder} not found"]);

        var limit = settings.Limit(SolverSeconds, SolverSeconds);
        var cases = Select(catalog.Entries).Select(e => new BenchCase(Name, $"{e.Benchmark}/{e.Name}", e.Group,
            $"{e.Benchmark} {e.Class}, {e.Items} items, {e.Dimensions} dimensions", limit, () => Run(e, limit)));
        return new BenchCases([.. cases], catalog.Notes);
    }

    /// <summary>The quick set takes instance 0 of each class at its smallest size; otherwise every instance of at
    /// most the given items (200 in the full set, the acceptance set) and index below the given count. An option
    /// not given keeps its own default (the quick set's, or the full set's with --full): giving one of them alone, even
    /// `--vbp-per-size 1` (its documented default), took the other's full-set value, every size up to 200 items, hours.</summary>
    public IEnumerable<VectorPackingEntry> Select(IEnumerable<VectorPackingEntry> entries)
    {
        var quick = !settings.Full && settings.VectorPackingMaxItems is null && settings.VectorPackingPerSize is null;
        if (quick)
            return entries.GroupBy(e => e.Group).Select(g => g.Where(e => e.Items == g.Min(x => x.Items)).MinBy(e => e.Index)!);
        var list = entries.ToList();
        var smallest = list.GroupBy(e => e.Group).ToDictionary(g => g.Key, g => g.Min(e => e.Items));
        var perSize = settings.VectorPackingPerSize ?? (settings.Full ? int.MaxValue : 1);
        return list.Where(e => e.Items <= (settings.VectorPackingMaxItems ?? (settings.Full ? FullMaxItems : smallest[e.Group])) && e.Index < perSize);
    }

    private BenchRow Run(VectorPackingEntry entry, double limit)
    {
        var instance = VbpReader.Read(entry.Path);
        var request = settings.Request(new PlacementOptions(Headroom: 0, MigrationWeightWhPerGiB: 0, CpuAllocationRatio: 0, RamAllocationRatio: 0), limit);
        var setup = new PlanInstance(instance.ToDataset(), instance.Windows(), 100, request) { Published = entry.Published };
        var row = PlanBench.Run(Name, $"{entry.Benchmark}/{entry.Name}", entry.Group, setup);
        return instance.NegativeSizes == 0 ? row : row with
        {
            Note = $"{instance.NegativeSizes} negative size(s) in the published file read as 0; the optimum may be out of reach",
        };
    }
}

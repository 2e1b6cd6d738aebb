using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Generation;
using Consolidator.Packing;
using Consolidator.Profiles;

namespace Consolidator.Benchmarks;

/// <summary>Planted instances (<see cref="PlantedInstance"/>): K identical hosts whose 6-8 VMs fill them
/// exactly hour by hour, so the optimum is K. Planned with percentile 100, headroom 0, migration weight 0.</summary>
public sealed class PlantedFamily(BenchSettings settings) : IBenchFamily
{
    public const string FamilyName = "planted";
    public static readonly ImmutableArray<int> QuickHosts = [20, 200];
    public static readonly ImmutableArray<int> FullHosts = [20, 200, 2000, 4000];

    public string Name => FamilyName;

    public BenchCases Cases()
    {
        var hosts = !settings.PlantedHosts.IsEmpty ? settings.PlantedHosts : settings.Full ? FullHosts : QuickHosts;
        var cases = hosts.Select(k =>
        {
            var limit = TimeLimit(k);
            var name = "K=" + k.ToString(CultureInfo.InvariantCulture);
            return new BenchCase(Name, name, Name, $"planted instance, optimum {k} hosts, ~{7 * k} VMs", limit, () => Run(name, k, limit));
        });
        return new BenchCases([.. cases], []);
    }

    /// <summary>The limits: 60 s for K = 200, 300 s from K = 2,000; the quick set gives K = 20 10 s.</summary>
    public double TimeLimit(int k) => k <= 20 ? settings.Limit(10, 20) : k <= 200 ? settings.Limit(60, 60) : settings.Limit(300, 300);

    private BenchRow Run(string name, int k, double limit)
    {
        var planted = PlantedInstance.Generate(k, settings.Seed);
        var request = settings.Request(new PlacementOptions(Headroom: 0, MigrationWeightWhPerGiB: 0, CpuAllocationRatio: 0, RamAllocationRatio: 0), limit);
        var setup = new PlanInstance(planted.Dataset, WindowScheme.Hourly(), 100, request) { Optimum = planted.OptimalHosts };
        return PlanBench.Run(Name, name, Name, setup);
    }
}

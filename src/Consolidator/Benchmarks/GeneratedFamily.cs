using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Generation;
using Consolidator.Packing;
using Consolidator.Profiles;

namespace Consolidator.Benchmarks;

/// <summary>Realistic generated data centres (<see cref="DatasetGenerator"/>, seed 42, a week of 15-minute
/// samples; 120 VMs is the bundled datasets/default), planned with the <c>plan</c> command's defaults.</summary>
public sealed class GeneratedFamily(BenchSettings settings) : IBenchFamily
{
    public const string FamilyName = "generated";
    public const int GeneratorSeed = 42;
    public static readonly ImmutableArray<int> QuickVms = [120, 1000];
    public static readonly ImmutableArray<int> FullVms = [120, 1000, 5000];

    public string Name => FamilyName;

    public BenchCases Cases()
    {
        var sizes = !settings.GeneratedVms.IsEmpty ? settings.GeneratedVms : settings.Full ? FullVms : QuickVms;
        var cases = sizes.Select(n =>
        {
            var limit = n <= 200 ? settings.Limit(10, 30) : n <= 2000 ? settings.Limit(30, 60) : settings.Limit(300, 300);
            var name = "vms=" + n.ToString(CultureInfo.InvariantCulture);
            return new BenchCase(Name, name, Name, $"generated data centre, {n} VMs, seed {GeneratorSeed}", limit, () => Run(name, n, limit));
        });
        return new BenchCases([.. cases], []);
    }

    private BenchRow Run(string name, int vms, double limit)
    {
        var dataset = DatasetGenerator.Generate(new GeneratorOptions(GeneratorSeed, vms));
        var request = settings.Request(new PlacementOptions(), limit);
        return PlanBench.Run(Name, name, Name, new PlanInstance(dataset, WindowScheme.Hourly(), BenchDefaults.Percentile, request));
    }
}

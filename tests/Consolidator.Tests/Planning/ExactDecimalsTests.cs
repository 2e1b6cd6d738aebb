using Consolidator.Datasets;
using Consolidator.Generation;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Validation;
using CsCheck;

namespace Consolidator.Tests.Planning;

/// <summary>Issue 17, point 1: demands written as ordinary decimals reach the model exactly, so a planted
/// instance keeps its optimum through usage.csv, and no plan is called optimal above it.</summary>
public class ExactDecimalsTests
{
    private static (PlacementProblem Problem, Placement Planted, int K) ThroughCsv(int k, int seed)
    {
        var planted = PlantedInstance.Generate(k, seed, decimals: true);
        using var dir = new TempDirectory();
        DatasetWriter.Write(planted.Dataset, dir.Path);
        var data = DatasetReader.Read(dir.Path);
        var profiles = ProfileBuilder.Build(data, WindowScheme.Hourly(), 100);
        var problem = PlacementProblem.From(data, profiles, new PlacementOptions(Headroom: 0, MigrationWeightWhPerGiB: 0));
        var hostIndex = data.Hosts.Select((h, i) => (h.Id, i)).ToDictionary(t => t.Id, t => t.i);
        var vmIndex = planted.Dataset.Vms.Select((v, i) => (v.Id, i)).ToDictionary(t => t.Id, t => t.i);
        var target = data.Vms.Select(vm => hostIndex[planted.PlantedHostOfVm[vmIndex[vm.Id]]]).ToArray();
        return (problem, new Placement([.. target]), k);
    }

    [Fact]
    public void Planted_instances_written_with_random_decimals_keep_their_optimum_in_model_units()
    {
        Gen.Select(Gen.Int[1, 12], Gen.Int[0, 100_000]).Sample((k, seed) =>
        {
            var (p, planted, _) = ThroughCsv(k, seed);
            // The planted packing fills every planted host to the millicore in every hour, and is valid.
            Assert.Empty(PlanValidator.CheckPlacement(p, planted));
            foreach (var h in planted.HostOf.Distinct())
                for (var w = 0; w < p.WindowCount; w++)
                    Assert.Equal(p.Usable(h, Resource.Cpu), Enumerable.Range(0, p.VmCount).Where(v => planted[v] == h).Sum(v => p.Demand(v, Resource.Cpu, w)));
            // So the volume bound is K: the optimum is K, as planted.
            Assert.Equal(k, LowerBounds.Hosts(p));
        }, iter: 25);
    }

    [Fact]
    public void The_decimals_are_ordinary_ones_that_a_float_would_move_off_the_millicore_grid()
    {
        var planted = PlantedInstance.Generate(5, 3, decimals: true);
        var values = planted.Dataset.Usage.SelectMany(s => s.CpuCores).ToArray();
        Assert.All(values, x => Assert.Equal(Math.Round(x, 3), x));
        // Most are not multiples of 1/8 (binary-exact), and a float round trip changes some in millicores:
        // exactly what the float32 storage did before.
        Assert.True(values.Count(x => x * 8 != Math.Floor(x * 8)) > values.Length / 2);
        Assert.Contains(values, x => PlacementProblem.ToUnits((float)x * 1000.0, up: true) != PlacementProblem.ToUnits(x * 1000, up: true));
    }

    [Theory]
    [InlineData(6921.999999999999, true, 6922)]
    [InlineData(6922.000000000001, true, 6922)]
    [InlineData(6922.5, true, 6923)]
    [InlineData(6922.5, false, 6922)]
    [InlineData(14399.999999999998, false, 14400)]
    public void Units_are_exact_on_the_grid_and_conservative_between(double value, bool up, int expected) =>
        Assert.Equal(expected, PlacementProblem.ToUnits(value, up));

    [Fact]
    public void No_plan_is_called_optimal_above_the_planted_optimum()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var (p, _, k) = ThroughCsv(6, seed);
            var result = CpSatPlacementSolver.Solve(p, new SolverOptions(2, 1, 1, Deterministic: true), warmStart: null);
            Assert.Empty(PlanValidator.CheckPlacement(p, result.Placement));
            if (result.Status == SolveStatus.Optimal) Assert.Equal(k, result.Placement.ActiveHostCount);
            Assert.InRange(result.Placement.ActiveHostCount, k, 2 * k);
        }
    }
}

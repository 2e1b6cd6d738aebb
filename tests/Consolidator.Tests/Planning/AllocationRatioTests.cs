using Consolidator.Cli;
using Consolidator.Datasets;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;
using Consolidator.Validation;

namespace Consolidator.Tests.Planning;

/// <summary>Issue 12, point 8: vCPUs and allocated memory are limited as OpenStack Nova's placement limits them.</summary>
public class AllocationRatioTests
{
    private static readonly SolverOptions Solver = new(5, 1, 1, Deterministic: true);

    // Two VMs of 40 vCPUs that use one core each: 80 vCPUs exceed a 16-core host at Nova's 4.0 (64 vCPUs).
    private static Traces.Dataset Wide() => TestInstances.Make(
        [TestInstances.Host("h1"), TestInstances.Host("h2")],
        [new Vm("a", 40, 4096, "h1"), new Vm("b", 40, 4096, "h2")],
        (_, _) => (1, 2048));

    private static PlanOutcome Plan(Traces.Dataset d, PlacementOptions options) =>
        Planner.Plan(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), new PlanRequest(options, Solver));

    [Fact]
    public void The_vcpus_on_a_host_stay_within_its_cores_times_the_ratio()
    {
        var free = new PlacementOptions(0, 0);
        Assert.Equal(4.0, free.CpuAllocationRatio); // Nova's default since 2023.1
        Assert.Equal(1.0, free.RamAllocationRatio);
        Assert.Equal(2, Plan(Wide(), free).Summary.ActiveHostsAfter);
        Assert.Equal(1, Plan(Wide(), free with { CpuAllocationRatio = 5 }).Summary.ActiveHostsAfter);
        Assert.Equal(1, Plan(Wide(), free with { CpuAllocationRatio = 0 }).Summary.ActiveHostsAfter);
    }

    [Fact]
    public void The_validator_rejects_a_host_given_more_vcpus_than_the_ratio_allows()
    {
        var d = Wide();
        var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), new PlacementOptions(0, 0));
        var violations = PlanValidator.CheckPlacement(p, new Placement([0, 0]));
        Assert.Contains(violations, v => v.ToString()!.Contains("vcpus", StringComparison.Ordinal));
    }

    [Fact]
    public void Allocated_memory_is_limited_by_the_ram_ratio_even_when_measured_memory_is_small()
    {
        // 40 GiB allocated each, 2 GiB used: with the floor off only the RAM ratio keeps them apart.
        var d = TestInstances.Make([TestInstances.Host("h1"), TestInstances.Host("h2")],
            [new Vm("a", 2, 40960, "h1"), new Vm("b", 2, 40960, "h2")], (_, _) => (1, 2048));
        var options = new PlacementOptions(0, 0, MemoryAllocationFloor: false);
        Assert.Equal(2, Plan(d, options).Summary.ActiveHostsAfter);
        Assert.Equal(1, Plan(d, options with { RamAllocationRatio = 1.5 }).Summary.ActiveHostsAfter);
    }

    [Fact]
    public void A_vm_with_more_vcpus_than_any_host_can_give_out_is_infeasible_with_the_usual_explanation()
    {
        using var tmp = new TempDirectory();
        var d = TestInstances.Make([TestInstances.Host("h1", cores: 64), TestInstances.Host("h2", cores: 64)],
            [new Vm("big", 1000, 4096, null), new Vm("small", 2, 4096, null)], (_, _) => (1, 2048));
        DatasetWriter.Write(d, tmp.File("data"));

        var result = CliRunner.Run("plan", tmp.File("data"), "--out", tmp.File("out"), "--deterministic", "--time-limit", "1");

        Assert.Equal(ExitCodes.Infeasible, result.ExitCode);
        Assert.Contains("VM big fits no host: it has 1000 vCPUs but the largest host gives out at most 256 vCPUs", result.Err);
        Assert.Contains("--cpu-allocation-ratio", result.Err);
        Assert.False(Directory.Exists(tmp.File("out")));
        Assert.Equal(0, CliRunner.Run("plan", tmp.File("data"), "--out", tmp.File("out"), "--deterministic", "--time-limit", "1",
            "--cpu-allocation-ratio", "16").ExitCode);
    }

    /// <summary>A ratio whose allocation passes what the model's 32-bit units hold (64 cores x 1e6 = 6.4e10 millicores) was
    /// an unexpected OverflowException (exit code 1, "a bug"); it now binds nothing, as no demand reaches it.</summary>
    [Theory]
    [InlineData("--cpu-allocation-ratio", "1e6")]
    [InlineData("--cpu-allocation-ratio", "1e300")]
    [InlineData("--ram-allocation-ratio", "1e300")]
    public void A_ratio_beyond_the_units_plans_as_no_limit(string option, string ratio)
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "1", "--no-plots", option, ratio);

        Assert.Equal("", result.Err);
        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(outDir, "plan.json")));
    }
}

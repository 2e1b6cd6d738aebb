using Consolidator.Packing;
using Consolidator.Tests.Staging;
using Consolidator.Validation;
using static Consolidator.Tests.Staging.ClusterBuilder;

namespace Consolidator.Tests.Validation;

public class CheckPlacementTests
{
    private static readonly PlacementProblem Problem = new ClusterBuilder().Host("h-1", 10).Host("h-2", 10)
        .Vm("vm-a", "h-1", [4, 6], [1024]).Vm("vm-b", "h-1", [2, 4], [1024]).Vm("vm-c", "h-2", 1)
        .Build(windows: 2, headroom: 0.2);

    [Fact]
    public void A_placement_within_usable_capacity_passes()
    {
        Assert.Empty(PlanValidator.CheckPlacement(Problem, On(Problem, "h-1", "h-2", "h-2")));
    }

    [Fact]
    public void A_placement_of_the_wrong_length_is_reported()
    {
        var v = Assert.Single(PlanValidator.CheckPlacement(Problem, new([0, 1])));
        Assert.Equal("placement.length", v.Rule);
        Assert.Contains("2 VMs", v.Message);
    }

    [Fact]
    public void An_unplaced_vm_is_reported()
    {
        var v = Assert.Single(PlanValidator.CheckPlacement(Problem, On(Problem, "h-1", null, "h-2")));
        Assert.Equal("placement.unplaced", v.Rule);
        Assert.Contains("vm-b", v.Message);
    }

    [Fact]
    public void A_vm_on_an_unknown_host_is_reported()
    {
        var v = Assert.Single(PlanValidator.CheckPlacement(Problem, new([0, 1, 7])));
        Assert.Equal("placement.unknown-host", v.Rule);
        Assert.Contains("vm-c", v.Message);
        Assert.Contains("host index 7", v.Message);
    }

    [Fact]
    public void A_host_over_usable_capacity_is_reported_with_window_load_limit_and_vms()
    {
        // 6 + 4 = 10 cores in the second window: within capacity, over the 8 usable.
        var v = Assert.Single(PlanValidator.CheckPlacement(Problem, On(Problem, "h-1", "h-1", "h-2")));
        Assert.Equal("capacity", v.Rule);
        Assert.Contains("h-1 cpu", v.Message);
        Assert.Contains($"window {Problem.Windows.Windows[1].Label}", v.Message);
        Assert.Contains("load 10000 millicores exceeds usable 8000 millicores", v.Message);
        Assert.Contains("vm-a, vm-b", v.Message);
    }
}

using Consolidator.Allocation;
using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Validation;

/// <summary>The host level's check: rules allocation.vm, allocation.window, allocation.host, allocation.repeat,
/// allocation.missing, allocation.cap, allocation.shares and allocation.capacity (no host hands out more
/// millicores than it has in any window).</summary>
public static partial class PlanValidator
{
    /// <summary>Where each VM ends, which the host level's caps are for (as the planner sizes them): its current host
    /// moved by the stages, or its target when it runs nowhere after them (a blocked move leaves its VM home).</summary>
    public static Placement Landed(PlacementProblem p, Placement target, Staging.MigrationPlan plan)
    {
        var final = p.CurrentPlacement().HostOf.ToArray();
        foreach (var stage in plan.Stages)
            foreach (var m in stage.Migrations) final[m.Vm] = m.To;
        return new Placement([.. final.Select((h, v) => h >= 0 ? h : target[v])]);
    }

    /// <summary>Fails with an <see cref="InputException"/> naming <paramref name="path"/> (an allocation.csv) and the
    /// first three broken allocation rules when <see cref="CheckAllocation"/> finds any, as <see cref="RefuseInvalid"/>
    /// does for a plan: the schedule is acted on (`export --to libvirt-allocation`), and one edited by hand could hand
    /// out more CPU than a host has.</summary>
    public static void RefuseInvalidAllocation(string path, PlacementProblem p, Placement landed, AllocationSchedule schedule)
    {
        var violations = CheckAllocation(p, landed, schedule);
        if (violations.Count == 0) return;
        const int Shown = 3;
        var more = violations.Count > Shown ? $"; and {violations.Count - Shown} other violation{(violations.Count > Shown + 1 ? "s" : "")}" : "";
        throw new InputException(path, 0, null, 0, null,
            $"the validator refuses this allocation for its plan and dataset (edited by hand, or written for another plan): {string.Join("; ", violations.Take(Shown))}{more}");
    }

    public static IReadOnlyList<Violation> CheckAllocation(PlacementProblem p, Placement placement, AllocationSchedule schedule)
    {
        var violations = new List<Violation>();
        var seen = new HashSet<(int Vm, int Window)>();
        var handedOut = new long[p.HostCount * p.WindowCount];
        foreach (var e in schedule.Entries)
        {
            if (e.Vm < 0 || e.Vm >= p.VmCount)
            {
                violations.Add(new("allocation.vm", $"an allocation names VM index {e.Vm}, but the VMs are 0..{p.VmCount - 1}"));
                continue;
            }
            var vm = p.Vms[e.Vm].Id;
            if (e.Window < 0 || e.Window >= p.WindowCount)
            {
                violations.Add(new("allocation.window", $"{vm} has an allocation for window {e.Window}, but the windows are 0..{p.WindowCount - 1}"));
                continue;
            }
            var label = p.Windows.Windows[e.Window].Label;
            if (e.Host != placement[e.Vm])
            {
                violations.Add(new("allocation.host", $"{vm} in window {label} is allocated CPU on {HostName(p, e.Host)} but placed on {HostName(p, placement[e.Vm])}"));
                continue;
            }
            if (!seen.Add((e.Vm, e.Window)))
                violations.Add(new("allocation.repeat", $"{vm} has two allocations in window {label}"));
            var vcpuMillicores = (long)Math.Floor(p.Vms[e.Vm].Vcpus * 1000 + 1e-9);
            if (e.CapMillicores <= 0 || e.CapMillicores > vcpuMillicores)
                violations.Add(new("allocation.cap", $"{vm} in window {label}: cap {e.CapMillicores} millicores is not in (0, {vcpuMillicores}] (its vCPUs)"));
            if (e.Shares is < AllocationPlanner.MinShares or > AllocationPlanner.MaxShares)
                violations.Add(new("allocation.shares", $"{vm} in window {label}: {e.Shares} shares is outside libvirt's {AllocationPlanner.MinShares}..{AllocationPlanner.MaxShares}"));
            handedOut[e.Host * p.WindowCount + e.Window] += e.CapMillicores;
        }
        for (var v = 0; v < p.VmCount; v++)
        {
            if (placement[v] < 0) continue;
            var missing = Enumerable.Range(0, p.WindowCount).Where(w => !seen.Contains((v, w))).ToArray();
            if (missing.Length > 0)
                violations.Add(new("allocation.missing", $"{p.Vms[v].Id} has no allocation in {missing.Length} window(s), the first {p.Windows.Windows[missing[0]].Label}"));
        }
        for (var h = 0; h < p.HostCount; h++)
            for (var w = 0; w < p.WindowCount; w++)
                if (handedOut[h * p.WindowCount + w] > p.Capacity(h, Resource.Cpu))
                    violations.Add(new("allocation.capacity", $"{p.Hosts[h].Id} in window {p.Windows.Windows[w].Label}: caps sum to "
                        + $"{handedOut[h * p.WindowCount + w]} millicores, over its {p.Capacity(h, Resource.Cpu)}"));
        return violations;
    }
}

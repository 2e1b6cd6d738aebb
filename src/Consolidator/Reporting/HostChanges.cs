using Consolidator.Inventory;
using Consolidator.Planning;

namespace Consolidator.Reporting;

/// <summary>What the plan does to one host, for the planner who switches it off: its state, the stage after
/// which it carries no VM (null if it keeps or gains VMs), and its busiest window's CPU and memory (percentile
/// demand over capacity) before and after.</summary>
public sealed record HostChange(string Host, HostFate Fate, int? EmptyAfterStage, double CpuPeakBefore, double CpuPeakAfter, double MemoryPeakBefore, double MemoryPeakAfter);

public enum HostFate
{
    /// <summary>Carries VMs before and after.</summary>
    Kept,

    /// <summary>Carries VMs today and none after the plan: it can be switched off.</summary>
    SwitchedOff,

    /// <summary>Carries no VM today and some after the plan: it must be switched on first.</summary>
    SwitchedOn,

    /// <summary>Carries no VM before or after.</summary>
    Idle,
}

public static class HostChanges
{
    public static IReadOnlyList<HostChange> Of(PlanOutcome plan)
    {
        var p = plan.Problem;
        var lastOut = new int?[p.HostCount];
        foreach (var stage in plan.Migrations.Stages)
            foreach (var m in stage.Migrations)
                if (m.From >= 0) lastOut[m.From] = stage.Number;
        // Each host's VMs listed once, before and after: scanning every VM for every host and window made the
        // report quadratic in the fleet (27 s of a 30,000-VM plan's output).
        var before = VmsByHost(p.HostCount, Enumerable.Range(0, p.VmCount).Select(p.CurrentHost));
        var after = VmsByHost(p.HostCount, plan.Target.HostOf);
        var changes = new List<HostChange>();
        for (var h = 0; h < p.HostCount; h++)
        {
            var busyBefore = before[h].Count > 0;
            var busyAfter = after[h].Count > 0;
            var fate = (busyBefore, busyAfter) switch
            {
                (true, true) => HostFate.Kept,
                (true, false) => HostFate.SwitchedOff,
                (false, true) => HostFate.SwitchedOn,
                _ => HostFate.Idle,
            };
            changes.Add(new HostChange(p.Hosts[h].Id, fate, fate == HostFate.SwitchedOff ? lastOut[h] : null,
                Peak(plan, h, before[h], Resource.Cpu), Peak(plan, h, after[h], Resource.Cpu),
                Peak(plan, h, before[h], Resource.Memory), Peak(plan, h, after[h], Resource.Memory)));
        }
        return changes;
    }

    /// <summary>The largest share of the host's capacity its VMs demand in any window.</summary>
    private static double Peak(PlanOutcome plan, int h, List<int> vms, Resource r)
    {
        var p = plan.Problem;
        var capacity = p.Capacity(h, r);
        if (capacity <= 0) return 0;
        var peak = 0.0;
        for (var w = 0; w < p.WindowCount; w++)
        {
            long sum = 0;
            foreach (var v in vms) sum += p.Demand(v, r, w);
            peak = Math.Max(peak, (double)sum / capacity);
        }
        return peak;
    }

    /// <summary>The VMs on each host, in VM order; a VM on no host (-1) is on none.</summary>
    private static List<int>[] VmsByHost(int hosts, IEnumerable<int> hostOf)
    {
        var vms = new List<int>[hosts];
        for (var h = 0; h < hosts; h++) vms[h] = [];
        var v = 0;
        foreach (var h in hostOf)
        {
            if (h >= 0 && h < hosts) vms[h].Add(v);
            v++;
        }
        return vms;
    }
}

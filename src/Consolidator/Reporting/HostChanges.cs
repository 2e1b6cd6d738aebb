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
        var before = Enumerable.Range(0, p.VmCount).Select(p.CurrentHost).ToArray();
        var after = plan.Target.HostOf;
        var changes = new List<HostChange>();
        for (var h = 0; h < p.HostCount; h++)
        {
            var busyBefore = before.Contains(h);
            var busyAfter = after.Contains(h);
            var fate = (busyBefore, busyAfter) switch
            {
                (true, true) => HostFate.Kept,
                (true, false) => HostFate.SwitchedOff,
                (false, true) => HostFate.SwitchedOn,
                _ => HostFate.Idle,
            };
            changes.Add(new HostChange(p.Hosts[h].Id, fate, fate == HostFate.SwitchedOff ? lastOut[h] : null,
                Peak(plan, h, before, Resource.Cpu), Peak(plan, h, [.. after], Resource.Cpu),
                Peak(plan, h, before, Resource.Memory), Peak(plan, h, [.. after], Resource.Memory)));
        }
        return changes;
    }

    /// <summary>The largest share of the host's capacity its VMs demand in any window.</summary>
    private static double Peak(PlanOutcome plan, int h, int[] hostOf, Resource r)
    {
        var p = plan.Problem;
        var capacity = p.Capacity(h, r);
        if (capacity <= 0) return 0;
        var peak = 0.0;
        for (var w = 0; w < p.WindowCount; w++)
        {
            long sum = 0;
            for (var v = 0; v < hostOf.Length; v++)
                if (hostOf[v] == h) sum += p.Demand(v, r, w);
            peak = Math.Max(peak, (double)sum / capacity);
        }
        return peak;
    }
}

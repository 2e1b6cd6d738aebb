using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Staging;

namespace Consolidator.Validation;

/// <summary>Checks placements and migration plans against the problem's raw demands, on a code path of its
/// own (it calls neither the packer nor the stager), so that a bug there shows up here as a violation.
/// Rules: placement.length, placement.unplaced, placement.unknown-host, capacity (this file); storage,
/// stage.storage (StorageChecker.cs);
/// stage.numbering, stage.unknown-vm, stage.unknown-host, stage.repeat, stage.source, stage.kind,
/// stage.capacity, stage.host-limit, relay.target, relay.stranded, plan.target, plan.blocked
/// (PlanValidator.Stages.cs).</summary>
public static partial class PlanValidator
{
    public static IReadOnlyList<Violation> CheckPlacement(PlacementProblem p, Placement target)
    {
        var violations = new List<Violation>();
        if (!HasOneHostPerVm(p, target, violations)) return violations;
        var loads = new HostLoads(p);
        var vmsOn = new List<int>[p.HostCount];
        for (var h = 0; h < p.HostCount; h++) vmsOn[h] = [];
        for (var v = 0; v < p.VmCount; v++)
        {
            var h = target[v];
            if (h == -1)
                violations.Add(new("placement.unplaced", $"{p.Vms[v].Id} is not placed on any host"));
            else if (!IsHost(p, h))
                violations.Add(new("placement.unknown-host", $"{p.Vms[v].Id} is placed on host index {h}, but the hosts are 0..{p.HostCount - 1}"));
            else
            {
                loads.Add(v, h);
                vmsOn[h].Add(v);
            }
        }
        for (var h = 0; h < p.HostCount; h++)
            foreach (var r in Resources.All.Where(r => r != Resource.Disk))
                if (Overload(p, loads, h, r, p.Usable(h, r)) is var (worst, count))
                    violations.Add(new("capacity",
                        $"{p.Hosts[h].Id} {Resources.Name(r)} in window {p.Windows.Windows[worst].Label}: load "
                        + $"{HostLoads.Amount(r, loads[h, r, worst])} exceeds usable {HostLoads.Amount(r, p.Usable(h, r))} "
                        + $"(capacity {HostLoads.Amount(r, p.Capacity(h, r))} less {p.Options.Headroom:P0} headroom)"
                        + OtherWindows(count) + $"; VMs on it: {HostLoads.Names(p, vmsOn[h])}"));
        violations.AddRange(StorageChecker.CheckPlacement(p, target, vmsOn));
        if (violations.Count == 0) violations.AddRange(RuleCheckers.Check(p, target));
        return violations;
    }

    /// <summary>A plan read from <paramref name="path"/> (plan.json), checked as the planner checks the plans it writes: an
    /// <see cref="InputException"/> naming the file, the first broken rule (e.g. stage.capacity, with the stage, host,
    /// resource and window) and how many others, or nothing. A plan edited by hand whose first stage overloaded a host
    /// (a VM moved onto it before another left) was replayed as written, exit 0, "2 did not complete (2 skipped)", with no
    /// word of the rule it broke.</summary>
    public static void RefuseInvalid(string path, PlacementProblem p, Placement target, MigrationPlan plan)
    {
        var violations = CheckPlacement(p, target).Concat(CheckMigrationPlan(p, target, plan)).ToList();
        if (violations.Count == 0) return;
        const int Shown = 3;
        var more = violations.Count > Shown ? $"; and {violations.Count - Shown} other violation{(violations.Count > Shown + 1 ? "s" : "")}" : "";
        throw new InputException(path, 0, null, 0, null,
            $"the validator refuses this plan for this dataset (edited by hand, or made for other data): {string.Join("; ", violations.Take(Shown))}{more}");
    }

    /// <summary>The window where host h is furthest over the limit for resource r, and in how many windows it
    /// is over at all; null when it is within the limit everywhere.</summary>
    private static (int Worst, int Count)? Overload(PlacementProblem p, HostLoads loads, int h, Resource r, long limit)
    {
        int worst = -1, count = 0;
        for (var w = 0; w < p.WindowCount; w++)
        {
            if (loads[h, r, w] <= limit) continue;
            count++;
            if (worst < 0 || loads[h, r, w] > loads[h, r, worst]) worst = w;
        }
        return count == 0 ? null : (worst, count);
    }

    private static string OtherWindows(int count) =>
        count > 1 ? $", and it is over in {count - 1} other window{(count > 2 ? "s" : "")}" : "";

    private static bool HasOneHostPerVm(PlacementProblem p, Placement placement, List<Violation> violations)
    {
        if (!placement.HostOf.IsDefault && placement.HostOf.Length == p.VmCount) return true;
        var length = placement.HostOf.IsDefault ? 0 : placement.HostOf.Length;
        violations.Add(new("placement.length", $"the placement lists {length} VMs but the problem has {p.VmCount}"));
        return false;
    }

    private static bool IsHost(PlacementProblem p, int h) => h >= 0 && h < p.HostCount;

    private static string HostName(PlacementProblem p, int h) =>
        h == -1 ? "no host" : IsHost(p, h) ? p.Hosts[h].Id : $"unknown host index {h}";
}

using Consolidator.Packing;

namespace Consolidator.Heuristics;

/// <summary>Today's placement repaired for new profiles: the plan a round gets when CP-SAT gets no time (a busy
/// machine). Every VM whose host still holds it (within usable capacity, headroom included, in every window) stays;
/// only what no longer fits moves, largest first, best fit onto the hosts already on, a host powered on only when none
/// of them fits. It empties no host: the warm starts it stands beside do that when they are cheaper (the planner's
/// objective); emptying hosts in the repair itself at the planner's price of a move (fewest VMs first, best fit, where the
/// energy saved exceeded the moves' cost) left hosts so full that the safety net moved about twice as much: counted
/// months with every round a fallback, `--seed 67` 12.9 % of LR-MMT's migrations against 6.8 % without it, `--seed 131`
/// 9.8 % and 26 days against 4.8 % and 27 (docs/solver.md, stop 44). The warm starts that keep
/// whole hosts (<see cref="KeepInPlace"/>) re-pack every VM of a host that one VM overloads: on drifted days of a judged
/// month beside six busy loops their fallback re-packed 110-408 VMs a round (docs/solver.md, 0bafb15).</summary>
public static class Repair
{
    /// <summary>The repaired placement, or null when the rules couple hosts (spread, gather, caps, failover: kept VMs
    /// are pinned before those are looked at, as in <see cref="KeepInPlace"/>) or some VM finds no host.</summary>
    public static Placement? Of(PlacementProblem p, IReadOnlySet<int>? stayPut = null)
    {
        if (p.Rules.Couples) return null;
        var loads = new HostLoads(p, Sizing.Temporal);
        var keep = new HashSet<int>();
        foreach (var (h, vms) in VmsByHost(p))
        {
            // The pinned first, then the largest: what does not fit after them is the least to move.
            foreach (var v in vms.OrderByDescending(v => stayPut?.Contains(v) == true).ThenByDescending(loads.Size).ThenBy(v => v))
            {
                if (!p.Rules.Allows(v, h) || !loads.Fits(v, h))
                {
                    if (stayPut?.Contains(v) == true) return null;
                    continue;
                }
                loads.Add(v, h);
                keep.Add(v);
            }
        }
        // First-fit keeps the kept VMs' hosts open and puts each other VM, largest first, on the one it fills best.
        return FirstFit.Pack(p, Sizing.Temporal, Fit.Best, keep);
    }

    private static IEnumerable<(int Host, List<int> Vms)> VmsByHost(PlacementProblem p)
    {
        var onHost = new SortedDictionary<int, List<int>>();
        for (var v = 0; v < p.VmCount; v++)
        {
            var h = p.CurrentHost(v);
            if (h < 0) continue;
            if (!onHost.TryGetValue(h, out var list)) onHost[h] = list = [];
            list.Add(v);
        }
        return onHost.Select(kv => (kv.Key, kv.Value));
    }
}

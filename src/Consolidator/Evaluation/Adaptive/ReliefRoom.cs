using Consolidator.Evaluation.Reactive;
using Consolidator.Profiles;

namespace Consolidator.Evaluation.Adaptive;

/// <summary>The round keeps the room the safety net had to make. Under a plan held for a day, the net relieves a host
/// when its observed load plus its largest rise would pass its cores (<see cref="ReactiveOptions.SafetyNet"/>); with the
/// plan's placement kept from day to day it relieves the same hosts of the same VMs at the same ramps day after day,
/// and brings most of them home once the ramp has passed: two migrations a day for a VM that ends where it started
/// (traced on the generated months `--seed` 67 and 7: 635 and 460 of the net's 817 and 639 reliefs were of a VM it had
/// relieved off the same host on an earlier day; docs/two-level.md). The plan sizes a host on its VMs' forecast, which
/// does not hold the room the net will want at those instants. So each VM the net relieved gets, in the plan's window
/// of that instant, its forecast raised by the cores of the host's overload its leaving cleared (the largest such
/// overload seen: the same relief repeated is the same evidence), and wherever the round places it, its host keeps
/// that room in that window: the plan makes the room by one move at the round, not by a pair every day. The evidence
/// does not age out with the history the profiles read: a relief stops recurring because the room is kept, so its
/// absence is no evidence that the room is not needed (tried with the evidence ageing out with `--history`, on the
/// development months: the room lapsed, the reliefs came back and each return of the room re-packed the plan; the runs
/// are in docs/two-level.md). Only reliefs at instants before the round count (no peeking). No constant: the overload is
/// the net's own test, in cores.</summary>
public static class ReliefRoom
{
    /// <param name="sized">The profiles the round would plan on (calibrated), in the order of <paramref name="planned"/>.</param>
    /// <param name="planned">The dataset VM of each profile.</param>
    /// <param name="reliefs">The net's reliefs so far, by dataset VM.</param>
    /// <param name="history">The span whose reliefs count (before the round only).</param>
    /// <param name="horizon">The windows the round plans for (demand elsewhere stays zero).</param>
    /// <returns>The profiles with the room added, and how many (VM, window) pairs and cores it added.</returns>
    public static (ProfileSet Profiles, int Pairs, double Cores) Add(ProfileSet sized, IReadOnlyList<int> planned, IEnumerable<NetRelief> reliefs,
        Period history, IReadOnlySet<int> horizon)
    {
        var index = new Dictionary<int, int>();
        for (var i = 0; i < planned.Count; i++) index[planned[i]] = i;
        var room = new Dictionary<(int Profile, int Window), double>();
        foreach (var r in reliefs)
        {
            if (r.Time < history.From || r.Time >= history.To || r.Excess <= 0 || !index.TryGetValue(r.Vm, out var i)) continue;
            var w = sized.Windows.IndexOf(r.Time);
            if (!horizon.Contains(w)) continue;
            room[(i, w)] = Math.Max(room.GetValueOrDefault((i, w)), r.Excess);
        }
        if (room.Count == 0) return (sized, 0, 0);
        var vms = sized.Vms.ToBuilder();
        foreach (var group in room.GroupBy(kv => kv.Key.Profile))
        {
            var demand = vms[group.Key].DemandCpu.ToArray();
            foreach (var kv in group) demand[kv.Key.Window] += kv.Value;
            vms[group.Key] = vms[group.Key] with { DemandCpu = demand };
        }
        return (sized with { Vms = vms.ToImmutable() }, room.Count, room.Values.Sum());
    }
}

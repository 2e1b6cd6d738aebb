using Consolidator.Evaluation.Reactive;
using Consolidator.Profiles;

namespace Consolidator.Evaluation.Adaptive;

/// <summary>The round keeps the room the safety net had to make, while it is used. Under a plan held for a day, the net
/// relieves a host when its observed load plus its largest rise would pass its cores (<see cref="ReactiveOptions.SafetyNet"/>);
/// with the plan's placement kept from day to day it relieves the same hosts of the same VMs at the same ramps day after
/// day, and brings most of them home once the ramp has passed: two migrations a day for a VM that ends where it started
/// (traced on the generated months `--seed` 67 and 7: 635 and 460 of the net's 817 and 639 reliefs were of a VM it had
/// relieved off the same host on an earlier day; docs/two-level.md). So each VM the net relieved gets, in the plan's
/// window of that instant, its forecast raised by the cores of the host's overload its leaving cleared (the largest such
/// overload: the same relief repeated is the same evidence), and wherever the round places it, its host keeps that room
/// in that window: the plan makes the room by one move at the round, not by a pair every day.
/// <para>The room is kept only while it is used. A room that works stops the reliefs that were its evidence, so their
/// absence says nothing (tried: ageing the room out with the reliefs, it lapsed a week later, the reliefs came back and
/// each lapse re-packed the plan); kept all month, it cost energy on days it no longer helped (`--seed 59` lost two
/// days). What does say whether the room is used is the net's own test on the VM's host in that window: the room of R
/// cores is used on a day when the host came within R of the net's trigger there (observed load plus largest rise minus
/// its cores over -R): without the room, the plan would have put up to R more cores on that host, and the net would
/// have fired. The room lapses once <see cref="ReactiveOptions.Week"/> days pass with no relief and no such use in its
/// window: the net's own memory of that time of day (it reads the rises on the last week of days of today's kind,
/// <see cref="ReactiveOptions.SafetyNet"/>), so a room is dropped exactly when nothing the net still remembers at that
/// time of day asks for it; a room that lapsed starts again from the next relief. With weekday and weekend windows a
/// weekday's room is used or not on weekdays only. Only evidence before the round counts (no peeking). No fitted
/// constant: the overload and the use are the net's own test, in cores, and the lapse its own memory.</para></summary>
public static class ReliefRoom
{
    /// <summary>How long a room stays without a relief or a use in its window: the safety net's memory of a time of day.</summary>
    public const long LapseSeconds = ReactiveOptions.Week * Period.DaySeconds;

    /// <param name="sized">The profiles the round would plan on (calibrated), in the order of <paramref name="planned"/>.</param>
    /// <param name="planned">The dataset VM of each profile.</param>
    /// <param name="reliefs">The net's reliefs so far, by dataset VM.</param>
    /// <param name="nears">How near each VM's host came to the net's trigger in each window of each day so far, by dataset VM.</param>
    /// <param name="round">The round's instant: only evidence before it counts.</param>
    /// <param name="horizon">The windows the round plans for (demand elsewhere stays zero).</param>
    /// <returns>The profiles with the room added, how many (VM, window) pairs and cores it added, and how many pairs lapsed.</returns>
    public static (ProfileSet Profiles, int Pairs, double Cores, int Lapsed) Add(ProfileSet sized, IReadOnlyList<int> planned, IEnumerable<NetRelief> reliefs,
        ILookup<int, NetNear> nears, long round, IReadOnlySet<int> horizon)
    {
        var index = new Dictionary<int, int>();
        for (var i = 0; i < planned.Count; i++) index[planned[i]] = i;
        // Every piece of evidence for a (profile, window), oldest first: a relief (its excess) or a use test (the host's overload).
        var evidence = new Dictionary<(int Profile, int Window), List<(long Time, bool Relief, double Cores)>>();
        foreach (var r in reliefs)
        {
            if (r.Time >= round || r.Excess <= 0 || !index.TryGetValue(r.Vm, out var i)) continue;
            var w = sized.Windows.IndexOf(r.Time);
            if (!horizon.Contains(w)) continue;
            if (!evidence.TryGetValue((i, w), out var list)) evidence[(i, w)] = list = [];
            list.Add((r.Time, true, r.Excess));
        }
        var room = new Dictionary<(int Profile, int Window), double>();
        var lapsed = 0;
        foreach (var ((i, w), list) in evidence)
        {
            foreach (var x in nears[planned[i]])
                if (x.Time < round && sized.Windows.IndexOf(x.Time) == w) list.Add((x.Time, false, x.Overload));
            var (cores, last) = Walk(list.OrderBy(e => e.Time).ThenBy(e => e.Relief ? 0 : 1));
            if (cores > 0 && round - last <= LapseSeconds) room[(i, w)] = cores;
            else lapsed++;
        }
        if (room.Count == 0) return (sized, 0, 0, lapsed);
        var vms = sized.Vms.ToBuilder();
        foreach (var group in room.GroupBy(kv => kv.Key.Profile))
        {
            var demand = vms[group.Key].DemandCpu.ToArray();
            foreach (var kv in group) demand[kv.Key.Window] += kv.Value;
            vms[group.Key] = vms[group.Key] with { DemandCpu = demand };
        }
        return (sized with { Vms = vms.ToImmutable() }, room.Count, room.Values.Sum(), lapsed);
    }

    /// <summary>The room at the end of the evidence and when it was last relieved or used: a relief raises the room to its
    /// excess, a use (the host's overload over minus the room) keeps it, and a gap over <see cref="LapseSeconds"/> drops it.</summary>
    internal static (double Cores, long Last) Walk(IEnumerable<(long Time, bool Relief, double Cores)> evidence)
    {
        double cores = 0;
        var last = long.MinValue;
        foreach (var (time, relief, value) in evidence)
        {
            if (cores > 0 && time - last > LapseSeconds) cores = 0;
            if (relief)
            {
                cores = Math.Max(cores, value);
                last = time;
            }
            else if (cores > 0 && value > -cores) last = time;
        }
        return (cores, last);
    }
}

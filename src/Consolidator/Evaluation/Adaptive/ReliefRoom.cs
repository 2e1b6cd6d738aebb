using System.Collections.Immutable;
using Consolidator.Evaluation.Reactive;
using Consolidator.Inventory;
using Consolidator.Profiles;

namespace Consolidator.Evaluation.Adaptive;

/// <summary>The round keeps the room the safety net had to make, while it pays. Under a plan held for a day, the net
/// relieves a host when its observed load plus its largest rise would pass its cores (<see cref="ReactiveOptions.SafetyNet"/>);
/// with the plan's placement kept from day to day it relieves the same hosts of the same VMs at the same ramps day after
/// day, and brings most of them home once the ramp has passed: two migrations a day for a VM that ends where it started
/// (traced on the generated months `--seed` 67 and 7: 635 and 460 of the net's 817 and 639 reliefs were of a VM it had
/// relieved off the same host on an earlier day; docs/two-level.md). So each VM the net relieved gets, in the plan's
/// window of that instant, its forecast raised by the cores of the host's overload its leaving cleared (the largest such
/// overload: the same relief repeated is the same evidence), and wherever the round places it, its host keeps that room
/// in that window: the plan makes the room by one move at the round, not by a pair every day.
/// <para>The room is kept only while it pays, priced as the net prices emptying a host it powered on (rent or buy,
/// <see cref="ReactiveOptions.SafetyNet"/>): energy against moves. Kept all month, the room moved energy between days and
/// lost days (`--seed 59`); kept while the host came near the net's trigger, it never lapsed (hosts come near it at
/// every ramp). Each round weighs, over the days of the room's window in the net's memory of that time of day
/// (<see cref="ReactiveOptions.Week"/> days, on which the room stood):</para>
/// <list type="bullet">
/// <item>what it cost: R cores of a host held free, at that host's idle power per core (the power model's
/// <see cref="Host.WattsAt"/>(0) over its cores), for the interval the plan holds its placement. A plan holds its
/// placement, and so powers its hosts, for the whole interval, so capacity held back in the window its host is sized
/// by is capacity powered all interval; the load's own power does not depend on where the room is. An upper bound: a
/// room outside the host's busiest window costs nothing;</item>
/// <item>what it saved: each day on which the host came within R of the net's trigger in the window without a relief
/// (without the room the plan would have put up to R more cores there and the net would have fired), one relief and
/// the move home after it (the net brings a relieved VM home, or the next round does), each priced as the planner and
/// the net price a move: <c>--migration-weight</c> Wh-equivalent per GiB of the VM's memory.</item>
/// </list>
/// <para>When the cost exceeds the saving the room is dropped, and only a relief after that round starts it again. Only
/// evidence before the round counts (no peeking); with weekday and weekend windows a weekday's room is weighed on
/// weekdays only. No fitted constant: the overload is the net's own test, the prices the power model's and the
/// planner's, the memory the net's.</para></summary>
/// <param name="hosts">The dataset's hosts (the reliefs' <see cref="NetRelief.From"/> index them).</param>
/// <param name="memoryMib">Each dataset VM's memory.</param>
/// <param name="moveWeightWhPerGiB">The price of a move (<c>--migration-weight</c>).</param>
/// <param name="intervalSeconds">How long each plan holds its placement (the re-plan interval).</param>
public sealed class ReliefRoom(ImmutableArray<Host> hosts, IReadOnlyList<double> memoryMib, double moveWeightWhPerGiB, long intervalSeconds)
{
    /// <summary>How far back a room is weighed: the safety net's memory of a time of day.</summary>
    public const long MemorySeconds = ReactiveOptions.Week * Period.DaySeconds;

    /// <summary>Per (dataset VM, window), the round at which its room was dropped: reliefs before it no longer count.</summary>
    private readonly Dictionary<(int Vm, int Window), long> _dropped = [];

    /// <param name="sized">The profiles the round would plan on (calibrated), in the order of <paramref name="planned"/>.</param>
    /// <param name="planned">The dataset VM of each profile.</param>
    /// <param name="reliefs">The net's reliefs so far, by dataset VM.</param>
    /// <param name="nears">How near each VM's host came to the net's trigger in each window of each day so far, by dataset VM.</param>
    /// <param name="round">The round's instant: only evidence before it counts.</param>
    /// <param name="horizon">The windows the round plans for (demand elsewhere stays zero).</param>
    /// <returns>The profiles with the room added, how many (VM, window) pairs and cores it added, and how many rooms
    /// this round dropped.</returns>
    public (ProfileSet Profiles, int Pairs, double Cores, int Dropped) Add(ProfileSet sized, IReadOnlyList<int> planned, IEnumerable<NetRelief> reliefs,
        ILookup<int, NetNear> nears, long round, IReadOnlySet<int> horizon)
    {
        var index = new Dictionary<int, int>();
        for (var i = 0; i < planned.Count; i++) index[planned[i]] = i;
        var evidence = new Dictionary<(int Profile, int Window), List<NetRelief>>();
        foreach (var r in reliefs)
        {
            if (r.Time >= round || r.Excess <= 0 || !index.TryGetValue(r.Vm, out var i)) continue;
            var w = sized.Windows.IndexOf(r.Time);
            if (!horizon.Contains(w) || (_dropped.TryGetValue((r.Vm, w), out var dropped) && r.Time < dropped)) continue;
            if (!evidence.TryGetValue((i, w), out var list)) evidence[(i, w)] = list = [];
            list.Add(r);
        }
        var room = new Dictionary<(int Profile, int Window), double>();
        var drops = 0;
        foreach (var ((i, w), list) in evidence)
        {
            var vm = planned[i];
            var largest = list.MaxBy(r => r.Excess);
            var first = list.Min(r => r.Time);
            var days = nears[vm].Where(x => x.Time > first && x.Time < round && x.Time >= round - MemorySeconds && sized.Windows.IndexOf(x.Time) == w)
                .Select(x => (x.Overload, Relieved: list.Any(r => SameDay(r.Time, x.Time))));
            if (Pays(largest.Excess, hosts[largest.From], memoryMib[vm], days)) room[(i, w)] = largest.Excess;
            else
            {
                _dropped[(vm, w)] = round;
                drops++;
            }
        }
        if (room.Count == 0) return (sized, 0, 0, drops);
        var vms = sized.Vms.ToBuilder();
        foreach (var group in room.GroupBy(kv => kv.Key.Profile))
        {
            var demand = vms[group.Key].DemandCpu.ToArray();
            foreach (var kv in group) demand[kv.Key.Window] += kv.Value;
            vms[group.Key] = vms[group.Key] with { DemandCpu = demand };
        }
        return (sized with { Vms = vms.ToImmutable() }, room.Count, room.Values.Sum(), drops);
    }

    /// <summary>Whether a room of <paramref name="cores"/> on <paramref name="host"/> saved at least what it cost over
    /// <paramref name="days"/> (each: how near the host came to the net's trigger in the window that day, and whether
    /// the net relieved the VM there anyway).</summary>
    internal bool Pays(double cores, Host host, double vmMemoryMib, IEnumerable<(double Overload, bool Relieved)> days)
    {
        var costWh = cores * host.WattsAt(0) / host.CpuCores * intervalSeconds / 3600.0;
        var pairWh = 2 * moveWeightWhPerGiB * vmMemoryMib / 1024;
        double cost = 0, saved = 0;
        foreach (var (overload, relieved) in days)
        {
            cost += costWh;
            if (!relieved && overload > -cores) saved += pairWh;
        }
        return saved >= cost;
    }

    /// <summary>Whether a relief at <paramref name="relief"/> fell in the stretch of the window logged from
    /// <paramref name="stretch"/>: the same window on the same day, as <see cref="NetLog"/> keys its stretches.</summary>
    private static bool SameDay(long relief, long stretch) => relief >= stretch && relief / Period.DaySeconds == stretch / Period.DaySeconds;
}

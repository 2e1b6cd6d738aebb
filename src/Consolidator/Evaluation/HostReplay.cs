using Consolidator.Inventory;
using Consolidator.Profiles;

namespace Consolidator.Evaluation;

/// <summary>Replays VMs' samples on one host, between change points of their step functions (and, with an
/// allocation, of the windows), so nothing depends on the sampling step. Each VM gets what it asks for, a batch
/// VM under an allocation no more than its cap (its CFS quota); when what the VMs may take exceeds the host's
/// cores, the cores are shared as the kernel's fair scheduler shares them: in proportion to the VMs' weights
/// (libvirt's equal default shares without an allocation), no VM more than it may take, what one leaves going to
/// the others (weighted max-min fairness). Overload (SLATAH) is judged on demand against the host's cores,
/// whatever the allocation: it decides who waits, not whether the host was short.</summary>
public static class HostReplay
{
    public static void Run(ReplayTotals totals, Host host, IReadOnlyList<Resident> residents, long from, long to)
    {
        if (to <= from || residents.Count == 0) return;
        var events = new List<(long Time, int Resident, int Segment)>();
        for (var i = 0; i < residents.Count; i++)
        {
            var r = residents[i];
            var start = Math.Max(from, r.From);
            var end = Math.Min(to, r.To);
            if (end <= start) continue;
            var v = r.Vm;
            for (var k = FirstEndingAfter(v, start); k < v.Count && v.Start[k] < end; k++)
            {
                events.Add((Math.Max(v.Start[k], start), i, k));
                events.Add((Math.Min(v.End[k], end), i, -1));
            }
        }
        // Caps change with the windows of each resident's schedule (residents placed by different rounds may
        // follow different schemes).
        var schemes = residents.Where(r => r.CapByWindow is not null && r.Windows is not null).Select(r => r.Windows!).Distinct().ToArray();
        var capped = schemes.Length > 0;
        if (capped) events.AddRange(schemes.SelectMany(s => WindowChanges(s, from, to)).Distinct().Select(t => (t, -1, -2)));
        // Ends sort before starts at the same instant, so back-to-back segments hand over cleanly.
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Segment.CompareTo(b.Segment));

        var n = residents.Count;
        var demand = new double[n];
        var memory = new double[n];
        var cap = new double[n];
        var weight = new double[n];
        var qos = residents.Select(r => (int)r.Qos).ToArray();
        Array.Fill(cap, double.PositiveInfinity);
        for (var i = 0; i < n; i++) weight[i] = residents[i].Weight;
        void SetCaps(long t)
        {
            for (var i = 0; i < n; i++)
            {
                if (residents[i] is not { CapByWindow: { } c, Windows: { } scheme }) continue;
                var w = scheme.IndexOf(t);
                cap[i] = residents[i].Qos == QosClass.Batch ? c[w] : double.PositiveInfinity;
                weight[i] = residents[i].SharesByWindow is { } shares ? shares[w] : 1;
            }
        }
        if (capped) SetCaps(from);

        // The host is on while at least one resident is on it, and off (drawing nothing) between: a plan
        // re-made within the day empties hosts for some hours, as LR-MMT does every 300 s.
        var e = 0;
        foreach (var (on, off) in Presence(residents, from, to))
        {
            var t = on;
            while (t < off)
            {
                while (e < events.Count && events[e].Time <= t)
                {
                    var (_, i, segment) = events[e++];
                    if (segment == -2) { SetCaps(t); continue; }
                    demand[i] = segment < 0 ? 0 : residents[i].Vm.Cpu[segment];
                    memory[i] = segment < 0 ? 0 : residents[i].Vm.Memory[segment];
                }
                var next = e < events.Count ? Math.Min(events[e].Time, off) : off;
                if (next > t) Account(totals, host, demand, cap, weight, memory, qos, next - t);
                t = next;
            }
        }
    }

    /// <summary>The stretches of [from, to) during which at least one resident is on the host, in order.</summary>
    internal static List<(long On, long Off)> Presence(IReadOnlyList<Resident> residents, long from, long to)
    {
        var stays = residents.Select(r => (On: Math.Max(from, r.From), Off: Math.Min(to, r.To))).Where(s => s.Off > s.On).OrderBy(s => s.On).ToList();
        var merged = new List<(long On, long Off)>();
        foreach (var s in stays)
        {
            if (merged.Count > 0 && s.On <= merged[^1].Off) merged[^1] = (merged[^1].On, Math.Max(merged[^1].Off, s.Off));
            else merged.Add(s);
        }
        return merged;
    }

    private static void Account(ReplayTotals totals, Host host, double[] demand, double[] cap, double[] weight, double[] memory, int[] qos, double seconds)
    {
        double asked = 0, allowed = 0, mem = 0;
        for (var i = 0; i < demand.Length; i++)
        {
            asked += demand[i];
            allowed += Math.Min(demand[i], cap[i]);
            mem += memory[i];
            totals.Demand[qos[i]] += demand[i] * seconds;
        }
        totals.HostSeconds += seconds;
        totals.CoreSeconds += host.CpuCores * seconds;
        totals.IdleJoules += host.WattsAt(0) * seconds;
        totals.CpuRequested += asked * seconds;
        var cores = host.CpuCores;
        if (allowed > cores * (1 + 1e-9))
        {
            // Contention: the cores water-filled by weight.
            var got = FairShare(demand, cap, weight, cores);
            for (var i = 0; i < demand.Length; i++) totals.Throttled[qos[i]] += (demand[i] - got[i]) * seconds;
            allowed = cores;
        }
        else
            for (var i = 0; i < demand.Length; i++)
                if (demand[i] > cap[i]) totals.Throttled[qos[i]] += (demand[i] - cap[i]) * seconds;
        totals.EnergyJoules += host.WattsAt(allowed) * seconds;
        if (asked > cores * (1 + 1e-9))
        {
            totals.CpuOverSeconds += seconds;
            totals.CpuShortfall += (asked - cores) * seconds;
            totals.Cpu(asked / cores - 1, seconds);
        }
        if (mem > host.MemoryMib * (1 + 1e-9))
        {
            totals.MemoryOverSeconds += seconds;
            totals.Memory(mem / host.MemoryMib - 1, seconds);
        }
    }

    /// <summary>Weighted max-min fair shares of <paramref name="cores"/> among VMs that may take min(demand, cap)
    /// each: every VM gets the same cores per unit of weight, or all it may take if that is less.</summary>
    internal static double[] FairShare(double[] demand, double[] cap, double[] weight, double cores)
    {
        var n = demand.Length;
        var want = new double[n];
        for (var i = 0; i < n; i++) want[i] = Math.Min(demand[i], cap[i]);
        var order = Enumerable.Range(0, n).OrderBy(i => want[i] / weight[i]).ToArray();
        var got = new double[n];
        var left = cores;
        var weights = order.Sum(i => weight[i]);
        foreach (var i in order)
        {
            var fair = weights > 0 ? left * weight[i] / weights : 0;
            got[i] = Math.Min(want[i], fair);
            left -= got[i];
            weights -= weight[i];
        }
        return got;
    }

    /// <summary>The instants in (from, to) where the window changes.</summary>
    private static IEnumerable<long> WindowChanges(WindowScheme windows, long from, long to)
    {
        // Windows are whole minutes: step minute by minute from the first minute boundary after `from`.
        var first = (from / 60 + 1) * 60;
        var last = windows.IndexOf(from);
        for (var t = first; t < to; t += 60)
        {
            var w = windows.IndexOf(t);
            if (w == last) continue;
            last = w;
            yield return t;
        }
    }

    private static int FirstEndingAfter(Timeline v, long from)
    {
        int lo = 0, hi = v.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (v.End[mid] <= from) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}

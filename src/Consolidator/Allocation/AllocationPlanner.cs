using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;

namespace Consolidator.Allocation;

/// <summary>Derives each host's per-window CPU allocation from its VMs' profiles, so that VMs that peak at
/// different hours take turns with the same cores. In every window a host allots at most its cores: first a
/// floor to every VM (so none is frozen); then the interactive VMs, then the batch VMs, each class as far up its
/// VMs' demand distributions as the cores left allow (the QoS class decides who gives way first); what is left
/// goes to the batch VMs up to their vCPUs, then to the interactive ones. A batch VM is held to its cap (a CFS
/// quota), so it can never take the cores allotted to interactive VMs; an interactive VM is not (no quota): it
/// may use idle cores beyond its allotment, and its weight (shares), four times a batch VM's per allotted core,
/// wins it the cores it was allotted when the host is contended. Within a class every VM gets the cap it
/// exceeds with the same probability, which minimises the class's expected throttled CPU: the marginal core
/// saves P(demand &gt; cap) of throttling, so the optimum equalises that probability across the class.</summary>
public static class AllocationPlanner
{
    /// <summary>libvirt's smallest vcpu_quota is 1000 us (per 100 ms default period), 1 % of a vCPU: the floor.</summary>
    public const double FloorCoresPerVcpu = 0.01;

    /// <summary>libvirt's cpu_shares default weight per domain (cgroup v1 cpu.shares = 1024) ...</summary>
    public const int DefaultShares = 1024;

    /// <summary>... and the factor by which an interactive VM's weight exceeds a batch VM's of the same cap, so
    /// that when the kernel arbitrates within a period it takes from batch VMs first.</summary>
    public const int InteractiveShareFactor = 4;

    /// <summary>cgroup v1 cpu.shares bounds as libvirt accepts them.</summary>
    public const int MinShares = 2, MaxShares = 262144;

    public static AllocationSchedule Build(PlacementProblem p, Placement placement, ProfileSet profiles)
    {
        if (profiles.Vms.Length != p.VmCount) throw new ArgumentException("profiles and problem differ in VMs", nameof(profiles));
        var qos = p.Vms.Select((vm, v) => Qos.Of(vm, profiles.Vms[v].Class)).ToImmutableArray();
        var entries = ImmutableArray.CreateBuilder<CpuAllocation>();
        foreach (var group in Enumerable.Range(0, p.VmCount).Where(v => placement[v] >= 0).GroupBy(v => placement[v]).OrderBy(g => g.Key))
        {
            var h = group.Key;
            var vms = group.OrderBy(v => v).ToArray();
            var asks = vms.Select(v => new Ask(p.Vms[v], profiles.Vms[v], qos[v])).ToArray();
            for (var w = 0; w < p.WindowCount; w++)
            {
                var caps = HostWindow(p.Capacity(h, Resource.Cpu), asks, w);
                for (var i = 0; i < vms.Length; i++)
                    entries.Add(new CpuAllocation(h, vms[i], w, caps[i], Shares(caps[i], qos[vms[i]])));
            }
        }
        return new AllocationSchedule(profiles.Windows, entries.ToImmutable(), qos);
    }

    /// <summary>What one VM brings to its host: its floor and most (millicores), its class, and its demand
    /// distribution per window.</summary>
    internal sealed class Ask(Vm vm, VmProfile profile, QosClass qos)
    {
        public int Max { get; } = (int)Math.Floor(vm.Vcpus * 1000 + 1e-9);
        public int Floor => Math.Min(Max, (int)Math.Ceiling(vm.Vcpus * FloorCoresPerVcpu * 1000 - 1e-9));
        public QosClass Qos { get; } = qos;

        /// <summary>The cap this VM exceeds with probability <paramref name="exceedance"/> in window w.</summary>
        public int At(int w, double exceedance)
        {
            var cores = profile.CpuQuantiles.Length > 0 ? profile.CpuAtExceedance(w, exceedance) : profile.PeakCpu[w];
            return Math.Clamp((int)Math.Ceiling(cores * 1000 - 1e-9), Floor, Max);
        }
    }

    /// <summary>Caps (millicores) for one host and window whose sum never exceeds <paramref name="capacity"/>.</summary>
    internal static int[] HostWindow(int capacity, Ask[] asks, int w)
    {
        var n = asks.Length;
        var caps = new int[n];
        long left = capacity;
        var all = Enumerable.Range(0, n).ToArray();
        Raise(caps, [.. asks.Select(a => a.Floor)], all, ref left);
        foreach (var q in new[] { QosClass.Interactive, QosClass.Batch })
        {
            var members = all.Where(i => asks[i].Qos == q).ToArray();
            if (members.Length == 0 || left <= 0) continue;
            // The smallest exceedance (0 = every VM at its peak) whose caps fit in what is left.
            long Need(double e) => members.Sum(i => (long)Math.Max(0, asks[i].At(w, e) - caps[i]));
            if (Need(0) <= left)
            {
                Raise(caps, [.. asks.Select(a => a.At(w, 0))], members, ref left);
                continue;
            }
            double lo = 0, hi = 0.5;
            if (Need(hi) > left)
            {
                // Not even the medians fit: each VM gets the same share of its way from floor to median.
                Raise(caps, [.. asks.Select(a => a.At(w, hi))], members, ref left);
                continue;
            }
            for (var k = 0; k < 40; k++)
            {
                var mid = (lo + hi) / 2;
                if (Need(mid) <= left) hi = mid;
                else lo = mid;
            }
            Raise(caps, [.. asks.Select(a => a.At(w, hi))], members, ref left);
        }
        // The rest to batch VMs first: interactive VMs are not held to their caps anyway.
        Raise(caps, [.. asks.Select(a => a.Max)], [.. all.Where(i => asks[i].Qos == QosClass.Batch)], ref left);
        Raise(caps, [.. asks.Select(a => a.Max)], [.. all.Where(i => asks[i].Qos == QosClass.Interactive)], ref left);
        return caps;
    }

    /// <summary>Raises the caps of <paramref name="members"/> toward <paramref name="targets"/> out of
    /// <paramref name="left"/>: all the way when it suffices, else each by the same share of its gap (rounded
    /// down, remainders handed out one millicore at a time in member order).</summary>
    private static void Raise(int[] caps, int[] targets, int[] members, ref long left)
    {
        long gap = 0;
        foreach (var i in members) gap += Math.Max(0, targets[i] - caps[i]);
        if (gap == 0 || left <= 0) return;
        if (gap <= left)
        {
            foreach (var i in members) caps[i] = Math.Max(caps[i], targets[i]);
            left -= gap;
            return;
        }
        var budget = left;
        foreach (var i in members)
        {
            var add = (int)(Math.Max(0, targets[i] - caps[i]) * budget / gap);
            caps[i] += add;
            left -= add;
        }
        foreach (var i in members)
        {
            if (left <= 0) break;
            if (caps[i] >= targets[i]) continue;
            caps[i]++;
            left--;
        }
    }

    public static int Shares(int capMillicores, QosClass qos)
    {
        var weight = (double)DefaultShares * capMillicores / 1000 * (qos == QosClass.Interactive ? InteractiveShareFactor : 1);
        return (int)Math.Clamp(Math.Round(weight), MinShares, MaxShares);
    }
}

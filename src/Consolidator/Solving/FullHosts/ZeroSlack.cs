using Consolidator.Inventory;
using Consolidator.Packing;

namespace Consolidator.Solving.FullHosts;

/// <summary>The gate of the full-host cover: identical hosts counted (the caller's <see cref="HostCounting"/>) and no
/// slack at the host bound, i.e. in every used resource and every window the VMs' total demand is exactly
/// <see cref="Hosts"/> hosts' usable capacity. A placement on that many hosts must then fill every one of them exactly
/// in every such row, so it is a partition of the VMs into sets that each fill a host exactly: an exact cover. Real
/// fleets never have zero slack in both CPU and memory in every window, so the phase costs them nothing; planted
/// instances written to be exactly full do.</summary>
internal sealed class ZeroSlack
{
    private ZeroSlack(int hosts, int vms, long[][] rows, long[] capacity, int exactRows)
    {
        Hosts = hosts;
        VmCount = vms;
        Rows = rows;
        Capacity = capacity;
        ExactRows = exactRows;
    }

    /// <summary>The host bound: how many hosts a placement must fill exactly.</summary>
    public int Hosts { get; }

    public int VmCount { get; }

    /// <summary>Distinct rows (a resource in a window; rows equal for every VM counted once), each VM's demand in it:
    /// the first <see cref="ExactRows"/> must come out exactly at capacity on every host, the others (allocation and
    /// disk rows that some set of VMs could exceed) within it.</summary>
    public long[][] Rows { get; }

    public long[] Capacity { get; }

    public int ExactRows { get; }

    /// <summary>The zero-slack view of <paramref name="p"/> at <paramref name="hosts"/> hosts (identical, as the caller
    /// has checked), or null when some used resource has slack in some window.</summary>
    public static ZeroSlack? Of(PlacementProblem p, int hosts)
    {
        if (hosts < 1 || p.HostCount < hosts || p.VmCount == 0) return null;
        var exact = new List<(long[] Row, long Cap)>();
        var other = new List<(long[] Row, long Cap)>();
        foreach (var r in Resources.All)
        {
            long cap = p.Usable(0, r);
            for (var w = 0; w < p.WindowCount; w++)
            {
                var row = new long[p.VmCount];
                long total = 0;
                for (var v = 0; v < p.VmCount; v++) total += row[v] = p.Demand(v, r, w);
                if (Resources.Used.Contains(r))
                {
                    if (cap <= 0 || total != hosts * cap) return null;
                    Add(exact, row, cap);
                }
                // A row that even all the VMs together stay within can never bind.
                else if (total > cap) Add(other, row, cap);
            }
        }
        return new ZeroSlack(hosts, p.VmCount, [.. exact.Select(e => e.Row), .. other.Select(e => e.Row)],
            [.. exact.Select(e => e.Cap), .. other.Select(e => e.Cap)], exact.Count);
    }

    private static void Add(List<(long[] Row, long Cap)> rows, long[] row, long cap)
    {
        if (!rows.Any(e => e.Cap == cap && e.Row.AsSpan().SequenceEqual(row))) rows.Add((row, cap));
    }
}

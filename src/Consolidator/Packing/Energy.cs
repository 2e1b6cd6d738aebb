namespace Consolidator.Packing;

/// <summary>Daily energy of a placement under each host's power model (linear or SPECpower table): in each
/// window an active host draws the power of its VMs' summed mean CPU. Hosts with no VM are off (0 W;
/// CloudSim's assumption, see research/power.md section 5).</summary>
public static class Energy
{
    public static double WhPerDay(PlacementProblem p, Placement placement)
    {
        double total = 0;
        foreach (var (h, vms) in VmsByHost(p, placement))
            total += HostWhPerDay(p, h, vms);
        return total;
    }

    public static double HostWhPerDay(PlacementProblem p, int h, IReadOnlyList<int> vms)
    {
        var host = p.Hosts[h];
        double wh = 0;
        for (var w = 0; w < p.WindowCount; w++)
        {
            double cores = 0;
            foreach (var v in vms) cores += p.MeanCpu(v, w);
            wh += p.Windows.Windows[w].HoursPerDay * host.WattsAt(cores);
        }
        return wh;
    }

    /// <summary>Wh-equivalent charged for the VMs that leave their current host: their memory and the disk data they send.</summary>
    public static double MigrationCostWh(PlacementProblem p, Placement placement)
    {
        double cost = 0;
        for (var v = 0; v < p.VmCount; v++)
            if (IsMigration(p, placement, v)) cost += p.MigrationCostWh(v) + p.DiskCostWh(v, placement[v]);
        return cost;
    }

    public static bool IsMigration(PlacementProblem p, Placement placement, int v) =>
        p.CurrentHost(v) >= 0 && placement[v] != p.CurrentHost(v);

    public static int Migrations(PlacementProblem p, Placement placement) =>
        Enumerable.Range(0, p.VmCount).Count(v => IsMigration(p, placement, v));

    public static SortedDictionary<int, List<int>> VmsByHost(PlacementProblem p, Placement placement)
    {
        var byHost = new SortedDictionary<int, List<int>>();
        for (var v = 0; v < p.VmCount; v++)
        {
            var h = placement[v];
            if (h < 0) continue;
            if (!byHost.TryGetValue(h, out var list)) byHost[h] = list = [];
            list.Add(v);
        }
        return byHost;
    }
}

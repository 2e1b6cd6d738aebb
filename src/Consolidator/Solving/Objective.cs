using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>The planner's objective in Wh-equivalent per day: energy of the active hosts plus the migration
/// weight times the memory of every VM that leaves its host, plus the disk weight times the disk data its move sends
/// after deduplication (<see cref="PlacementProblem.DiskSendMib"/>). CP-SAT sees it in tenths of a Wh. The energy
/// term is each host's <see cref="Power.PowerModel.ObjectiveLine"/>: exact for linear hosts, a least-squares
/// line for SPECpower tables (reports use the exact table).</summary>
public static class Objective
{
    public const double UnitsPerWh = 10;

    public static double Wh(PlacementProblem p, Placement placement) =>
        Energy.WhPerDay(p, placement) + Energy.MigrationCostWh(p, placement);

    /// <summary>Energy host h draws over the day just for being on, in objective units.</summary>
    public static long IdleUnits(PlacementProblem p, int h)
    {
        var hours = p.Windows.Windows.Sum(w => w.HoursPerDay);
        return (long)Math.Round(p.Hosts[h].Power.ObjectiveLine.Intercept * hours * UnitsPerWh);
    }

    /// <summary>Dynamic energy VM v adds on host h over the day, in objective units.</summary>
    public static long DynamicUnits(PlacementProblem p, int v, int h)
    {
        double coreHours = 0;
        for (var w = 0; w < p.WindowCount; w++) coreHours += p.Windows.Windows[w].HoursPerDay * p.MeanCpu(v, w);
        return (long)Math.Round(p.Hosts[h].WattsPerCore * coreHours * UnitsPerWh);
    }

    /// <summary>The objective of a whole placement in CP-SAT's units, from the same coefficients the model uses.</summary>
    public static long Units(PlacementProblem p, Placement placement)
    {
        long units = 0;
        foreach (var h in placement.HostOf.Where(h => h >= 0).Distinct()) units += IdleUnits(p, h);
        for (var v = 0; v < p.VmCount; v++)
        {
            if (placement[v] >= 0) units += DynamicUnits(p, v, placement[v]);
            if (Energy.IsMigration(p, placement, v)) units += MigrationUnits(p, v) + DiskUnits(p, v, placement[v]);
        }
        return units;
    }

    public static long MigrationUnits(PlacementProblem p, int v) => (long)Math.Round(p.MigrationCostWh(v) * UnitsPerWh);

    /// <summary>What the disk data a move of VM v to host h sends costs, in objective units (0 when it stays).</summary>
    public static long DiskUnits(PlacementProblem p, int v, int h) =>
        (long)Math.Round(p.DiskSendMib(v, h) / 1024.0 * p.Options.DiskWeightWhPerGiB * UnitsPerWh);
}

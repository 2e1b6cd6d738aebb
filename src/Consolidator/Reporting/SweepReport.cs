using System.Text;
using Consolidator.Plots;
using Consolidator.Simulation;
using Consolidator.Sweeps;
using static Consolidator.Reporting.Html;

namespace Consolidator.Reporting;

/// <summary>A sweep as a self-contained HTML page: the Pareto front, and every point with the optimal ones
/// highlighted.</summary>
public static class SweepReport
{
    public static string ToHtml(string datasetName, IReadOnlyList<SweepPointResult> results, Figure? pareto)
    {
        var s = new StringBuilder();
        Open(s, $"Power-performance sweep of {datasetName}: {results.Count} points");
        var front = results.Where(r => r.Pareto).ToList();
        var feasible = results.Where(r => r.Figures is not null).ToList();
        if (feasible.Count > 0)
        {
            var least = feasible.MinBy(r => r.Figures!.EnergyKWhPerDay)!;
            s.Append("<p class=\"headline\">Least energy: <b>").Append(N(least.Figures!.EnergyKWhPerDay)).Append(" kWh/day</b> on ")
                .Append(least.Figures.ActiveHosts).Append(" hosts (point #").Append(least.Point.Index).Append("). ")
                .Append(front.Count).Append(" of ").Append(feasible.Count).Append(" feasible point(s) are Pareto-optimal.</p>\n");
        }
        s.Append("<p>Pareto-optimal: no other point uses less energy, risks less overload (host-hours over physical capacity on the raw trace) ")
            .Append("and moves less data, all at once. Choose among them by what the service can bear.</p>\n");
        if (pareto is not null) Figure(s, pareto);
        s.Append("<h2>Points</h2>\n");
        Table(s, ["point", "windows", "percentile", "headroom", "weight", "method", "kWh/day", "hosts", "migrations", "GiB moved",
            "time (min)", "worst downtime (ms)", "p99 downtime (ms)", "overload (host-h)", "SLO violations", "Pareto"],
            results.Select(r => Row(r)), i => results[i].Pareto);
        return Close(s);
    }

    private static string[] Row(SweepPointResult r)
    {
        var p = r.Point;
        string[] options = ["#" + p.Index, p.Windows, N(p.Percentile), N(p.Headroom), N(p.MigrationWeight), MigrationMethods.Name(p.Method)];
        if (r.Figures is not { } f) return [.. options, r.Failure ?? "infeasible", "", "", "", "", "", "", "", "", "no"];
        return [.. options, N(f.EnergyKWhPerDay), f.ActiveHosts.ToString(), f.Migrations.ToString(), N(f.DataMovedGiB, "0.0"),
            N(f.MigrationSeconds / 60, "0.0"), N(f.WorstDowntimeMs, "0"), N(f.P99DowntimeMs, "0"), N(f.OverloadHostHours, "0.0"),
            f.SloViolations.ToString(), r.Pareto ? "yes" : "no"];
    }
}

using Consolidator.Plots;
using Consolidator.Simulation;
using Consolidator.Sweeps;
using static Consolidator.Reporting.Html;

namespace Consolidator.Reporting;

/// <summary>A sweep as a self-contained HTML page (Templates/sweep-report.html): the Pareto front, and every
/// point with the optimal ones highlighted.</summary>
public static class SweepReport
{
    public static string ToHtml(string datasetName, IReadOnlyList<SweepPointResult> results, Figure? pareto)
    {
        var feasible = results.Where(r => r.Figures is not null).ToList();
        var least = feasible.MinBy(r => r.Figures!.EnergyKWhPerDay);
        var storage = feasible.Any(r => r.Figures!.StorageUsedGiB is not null);
        return Html.SweepReport(new
        {
            Title = $"Power-performance sweep of {datasetName}: {results.Count} points",
            Least = least is null ? null : new
            {
                Energy = N(least.Figures!.EnergyKWhPerDay),
                Hosts = least.Figures.ActiveHosts,
                Point = least.Point.Index,
                Front = results.Count(r => r.Pareto),
                Feasible = feasible.Count,
            },
            Figures = pareto is null ? [] : new[] { HtmlFigure.Of(pareto) },
            Points = HtmlTable.Of([.. Header, .. storage ? StorageHeader : []],
                results.Select(r => Row(r, storage)), i => results[i].Pareto),
        });
    }

    private static readonly string[] Header = ["point", "windows", "percentile", "headroom", "weight", "method", "kWh/day", "hosts", "migrations",
        "GiB moved", "time (min)", "worst downtime (ms)", "p99 downtime (ms)", "overload (host-h)", "SLO violations", "Pareto"];

    /// <summary>sweep.csv's storage columns, shown when some point has VMs' disks on local storage.</summary>
    private static readonly string[] StorageHeader = ["local storage (GiB)", "saved by images once (GiB)", "disk copied (GiB)", "disk not sent: dedup (GiB)"];

    private static string[] Row(SweepPointResult r, bool storage)
    {
        var p = r.Point;
        string[] options = ["#" + p.Index, p.Windows, N(p.Percentile), N(p.Headroom), N(p.MigrationWeight), MigrationMethods.Name(p.Method)];
        string[] disks = !storage ? [] : r.Figures is not { } g ? ["", "", "", ""]
            : [Gib(g.StorageUsedGiB), Gib(g.StorageSavedGiB), Gib(g.DiskCopiedGiB), Gib(g.DiskDedupSavedGiB)];
        if (r.Figures is not { } f) return [.. options, r.Failure ?? "infeasible", "", "", "", "", "", "", "", "", "no", .. disks];
        return [.. options, N(f.EnergyKWhPerDay), f.ActiveHosts.ToString(), f.Migrations.ToString(), N(f.DataMovedGiB, "0.0"),
            N(f.MigrationSeconds / 60, "0.0"), N(f.WorstDowntimeMs, "0"), N(f.P99DowntimeMs, "0"), N(f.OverloadHostHours, "0.0"),
            f.SloViolations.ToString(), r.Pareto ? "yes" : "no", .. disks];
    }

    private static string Gib(double? gib) => gib is { } x ? N(x, "0.0") : "";
}

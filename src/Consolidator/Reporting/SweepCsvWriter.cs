using System.Globalization;
using CsvHelper;
using Consolidator.Simulation;
using Consolidator.Sweeps;

namespace Consolidator.Reporting;

/// <summary>sweep.csv: one row per point of the grid, in point order; figures are empty for an infeasible point.</summary>
public static class SweepCsvWriter
{
    public static readonly string[] Header =
    [
        "point", "windows", "percentile", "headroom", "migration_weight", "method", "status", "energy_kwh_per_day", "active_hosts",
        "migrations", "data_moved_gib", "migration_time_s", "worst_downtime_ms", "p99_downtime_ms", "overload_host_hours",
        "slo_violations", "pareto", "failure", "storage_used_gib", "storage_saved_gib", "disk_copied_gib", "disk_dedup_saved_gib",
    ];

    public static void Write(IEnumerable<SweepPointResult> results, TextWriter writer)
    {
        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true);
        csv.WriteRecord(Header);
        foreach (var r in results)
        {
            var p = r.Point;
            var f = r.Figures;
            csv.WriteRecord(
                Int(p.Index), p.Windows, N(p.Percentile), N(p.Headroom), N(p.MigrationWeight), MigrationMethods.Name(p.Method),
                f is not null ? "ok" : r.OutOfTime ? "out-of-time" : "infeasible",
                f is null ? "" : N(f.EnergyKWhPerDay), f is null ? "" : Int(f.ActiveHosts), f is null ? "" : Int(f.Migrations),
                f is null ? "" : N(f.DataMovedGiB), f is null ? "" : N(f.MigrationSeconds), f is null ? "" : N(f.WorstDowntimeMs),
                f is null ? "" : N(f.P99DowntimeMs), f is null ? "" : N(f.OverloadHostHours), f is null ? "" : Int(f.SloViolations),
                r.Pareto ? "true" : "false", r.Failure ?? "",
                N(f?.StorageUsedGiB), N(f?.StorageSavedGiB), N(f?.DiskCopiedGiB), N(f?.DiskDedupSavedGiB));
        }
    }

    private static string N(double x) => Math.Round(x, 3).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Empty when there is no figure (no local storage, or an infeasible point).</summary>
    private static string N(double? x) => x is { } v ? N(v) : "";

    private static string Int(int x) => x.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using CsvHelper;
using Consolidator.Packing;
using Consolidator.Simulation;

namespace Consolidator.Reporting;

/// <summary>simulation.csv: one row per live migration of the plan, in plan order.</summary>
public static class SimulationCsvWriter
{
    public static readonly string[] Header =
    [
        "vm_id", "from_host", "to_host", "stage", "kind", "method", "status", "start_s", "end_s", "total_s", "downtime_ms",
        "slo_violation", "data_mib", "rounds", "converged", "degraded_s", "fault_stall_s", "lost_state_s", "energy_j", "method_reason", "note",
    ];

    public static void Write(SimulationResult result, PlacementProblem p, TextWriter writer)
    {
        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true);
        csv.WriteRecord(Header);
        foreach (var m in result.Migrations)
        {
            csv.WriteRecord(
                p.Vms[m.Vm].Id, p.Hosts[m.From].Id, p.Hosts[m.To].Id, Int(m.Stage), Names.Of(m.Kind), MigrationMethods.Name(m.Method),
                Names.Of(m.Status), N(m.StartSeconds), N(m.EndSeconds), N(m.TotalSeconds), N(m.DowntimeSeconds * 1000),
                Bool(SimulationJsonWriter.SloViolation(m, result.Options)), N(m.WireMib), Int(m.Rounds), Bool(m.Converged),
                N(m.DegradedSeconds), N(m.FaultStallSeconds), N(m.LostStateSeconds), N(m.EnergyJoules), m.MethodReason, m.Note ?? "");
        }
    }

    private static string N(double x) => Math.Round(x, 3).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Int(int x) => x.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool x) => x ? "true" : "false";
}

using System.Globalization;
using CsvHelper;
using Consolidator.Planning;
using Consolidator.Staging;

namespace Consolidator.Reporting;

/// <summary>plan.csv: one row per VM with where it is, where it goes, and the stage of its final move.</summary>
public static class PlanCsvWriter
{
    public static void Write(PlanOutcome plan, TextWriter writer)
    {
        var p = plan.Problem;
        var finalStage = new Dictionary<int, int>();
        foreach (var stage in plan.Migrations.Stages)
            foreach (var m in stage.Migrations.Where(m => m.Kind != MigrationKind.Relay))
                finalStage[m.Vm] = stage.Number;
        var blocked = plan.Migrations.Blocked.Select(b => b.Vm).ToHashSet();

        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true);
        csv.WriteRecord("vm_id", "current_host", "planned_host", "action", "stage");
        for (var v = 0; v < p.VmCount; v++)
        {
            var action = blocked.Contains(v) ? "blocked"
                : p.CurrentHost(v) < 0 ? "place"
                : p.CurrentHost(v) == plan.Target[v] ? "stay" : "move";
            csv.WriteRecord(p.Vms[v].Id, p.Vms[v].CurrentHost ?? "", p.Hosts[plan.Target[v]].Id, action,
                finalStage.TryGetValue(v, out var s) ? s.ToString(CultureInfo.InvariantCulture) : "");
        }
    }
}

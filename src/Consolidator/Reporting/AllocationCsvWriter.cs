using System.Globalization;
using Consolidator.Allocation;
using Consolidator.Packing;
using CsvHelper;

namespace Consolidator.Reporting;

/// <summary>allocation.csv: the host level's schedule, one row per host, VM and window: the VM's CPU cap in
/// cores, its share weight, and its QoS class (a batch VM is held to its cap; an interactive one may use idle
/// cores beyond it), ordered by host, window and VM.</summary>
public static class AllocationCsvWriter
{
    public static readonly string[] Header = ["host", "vm", "window", "cap_cores", "shares", "qos"];

    public static void Write(AllocationSchedule schedule, PlacementProblem p, TextWriter writer)
    {
        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true);
        csv.WriteRecord(Header);
        foreach (var e in schedule.Entries.OrderBy(e => e.Host).ThenBy(e => e.Window).ThenBy(e => e.Vm))
            csv.WriteRecord(p.Hosts[e.Host].Id, p.Vms[e.Vm].Id, schedule.Windows.Windows[e.Window].Label,
                (e.CapMillicores / 1000m).ToString("0.000", CultureInfo.InvariantCulture), e.Shares.ToString(CultureInfo.InvariantCulture),
                Inventory.QosClasses.Name(schedule.Qos[e.Vm]));
    }
}

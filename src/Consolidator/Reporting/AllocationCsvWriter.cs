using System.Collections.Immutable;
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

    /// <summary>Rows rendered per block. At 30,000 VMs the file has 1.44 million rows (90 MB), written as the last
    /// step of `plan`, which is never cut short: blocks are rendered on every core, a few at a time so that memory
    /// holds a few blocks rather than the whole file, and written in order.</summary>
    public const int BlockRows = 32_768;

    /// <summary>UTF-8 without a byte order mark, as every output file.</summary>
    private static readonly System.Text.Encoding Utf8 = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture };

    /// <summary>Writes the file as UTF-8 ("\n" line ends) to <paramref name="stream"/>.</summary>
    public static void Write(AllocationSchedule schedule, PlacementProblem p, Stream stream) => Write(schedule, p, stream, BlockRows);

    /// <param name="blockRows">Rows per block: the bytes do not depend on it (a test writes with several).</param>
    internal static void Write(AllocationSchedule schedule, PlacementProblem p, Stream stream, int blockRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        var rows = InOrder(schedule.Entries);
        blockRows = Math.Min(blockRows, Math.Max(1, rows.Length));
        var header = Render(csv => csv.WriteRecord(Header));
        stream.Write(header.GetBuffer(), 0, (int)header.Length);
        var blocks = (rows.Length + blockRows - 1) / blockRows;
        var batch = 2 * Math.Max(2, Environment.ProcessorCount);
        var rendered = new MemoryStream[batch];
        for (var first = 0; first < blocks; first += batch)
        {
            var count = Math.Min(batch, blocks - first);
            Parallel.For(0, count, b =>
            {
                var start = (first + b) * blockRows;
                rendered[b] = Render(csv => WriteRows(csv, schedule, p, rows.AsSpan(start, Math.Min(blockRows, rows.Length - start))));
            });
            for (var b = 0; b < count; b++)
            {
                stream.Write(rendered[b].GetBuffer(), 0, (int)rendered[b].Length);
                rendered[b] = null!;
            }
        }
    }

    /// <summary>The entries ordered by host, window and VM: as the schedule keeps them (checked), or sorted.</summary>
    private static CpuAllocation[] InOrder(ImmutableArray<CpuAllocation> entries)
    {
        var rows = entries.ToArray();
        for (var i = 1; i < rows.Length; i++)
            if (Compare(rows[i - 1], rows[i]) > 0)
                return [.. entries.OrderBy(e => e.Host).ThenBy(e => e.Window).ThenBy(e => e.Vm)];
        return rows;
    }

    private static int Compare(CpuAllocation a, CpuAllocation b) =>
        a.Host != b.Host ? a.Host.CompareTo(b.Host) : a.Window != b.Window ? a.Window.CompareTo(b.Window) : a.Vm.CompareTo(b.Vm);

    /// <summary>What <paramref name="write"/> writes through a CSV writer of this file's options, as UTF-8 bytes.</summary>
    private static MemoryStream Render(Action<CsvWriter> write)
    {
        var bytes = new MemoryStream();
        using var text = new StreamWriter(bytes, Utf8, bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
        using (var csv = CsvWriter.Create(text, Options, leaveOpen: true)) write(csv);
        text.Flush();
        return bytes;
    }

    private static void WriteRows(CsvWriter csv, AllocationSchedule schedule, PlacementProblem p, ReadOnlySpan<CpuAllocation> rows)
    {
        foreach (var e in rows)
            csv.WriteRecord(p.Hosts[e.Host].Id, p.Vms[e.Vm].Id, schedule.Windows.Windows[e.Window].Label, Cores(e.CapMillicores),
                e.Shares.ToString(CultureInfo.InvariantCulture), Inventory.QosClasses.Name(schedule.Qos[e.Vm]));
    }

    /// <summary>Millicores as cores with three decimals ("1.500"), in integers: the same text as the decimal quotient
    /// formatted "0.000" for the caps there are (never negative), without a decimal division per row.</summary>
    internal static string Cores(int millicores) => millicores >= 0
        ? string.Create(CultureInfo.InvariantCulture, $"{millicores / 1000}.{millicores % 1000:000}")
        : (millicores / 1000m).ToString("0.000", CultureInfo.InvariantCulture);
}

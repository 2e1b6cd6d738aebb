using System.CommandLine;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Importers.Prometheus;
using Consolidator.Output;

namespace Consolidator.Cli.Commands;

internal static class ImportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var format = new Option<string>("--format") { Description = "Source format: planetlab, bitbrains or prometheus", Required = true };
        ValueParsers.OneOf(format, "planetlab", "bitbrains", "prometheus");
        var sources = new Argument<string[]>("SRC")
        {
            Description = "Source folders: PlanetLab day folders (yyyyMMdd) or their parent; Bitbrains folders of <id>.csv files or their parent (none for prometheus)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var outDir = new Option<string>("--out") { Description = "Dataset folder to write hosts.csv, vms.csv and usage.csv into", Required = true };
        var strict = new Option<bool>("--strict") { Description = "Stop at the first bad row instead of reporting and skipping it" };
        var hosts = new Option<string?>("--hosts") { Description = "A hosts.csv (native format, optional power_table column) to use as the inventory instead of the format's assumed hosts" };
        var hostCount = new Option<int?>("--host-count") { Description = "Number of assumed hosts (PlanetLab default 800 as in CloudSim; Bitbrains default: as many as the current placement needs)" };
        var placement = new Option<string>("--placement") { Description = "Current placement: first-fit (each VM on the first host with room for its allocation) or none", DefaultValueFactory = _ => "first-fit" };
        ValueParsers.OneOf(placement, "first-fit", "none");

        var prometheus = new PrometheusOptions();

        var cmd = new Command("import", "Convert PlanetLab or Bitbrains traces, or a period of metrics from Prometheus onto an inventory (hosts.csv/vms.csv or OpenStack's JSON), into a dataset folder in the native format.")
        {
            format, sources, outDir, strict, hosts, hostCount, placement,
        };
        prometheus.AddTo(cmd);
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            OutputSet.Check(r.GetValue(outDir)!, OutputKind.Dataset);
            if (r.GetValue(format) == "prometheus")
            {
                if (r.GetValue(sources) is { Length: > 0 } extra)
                    throw new FormatException($"--format prometheus reads no source folders (got '{Quoted.Value(extra[0])}'): give --url");
                if (new Option[] { strict, hostCount, placement }.FirstOrDefault(o => r.GetResult(o) is { Implicit: false }) is { } traceOnly)
                    throw new FormatException($"{traceOnly.Name} is an option of --format planetlab and bitbrains; --format prometheus takes the hosts and the placement from its inventory");
                var imported = PrometheusImporter.Import(prometheus.Source(r), prometheus.Inventory(r, r.GetValue(hosts)), r.GetValue(outDir)!);
                Write(imported, r.GetValue(outDir)!, stdout);
                return ExitCodes.Ok;
            }
            if (r.GetValue(sources) is not { Length: > 0 })
                throw new FormatException($"--format {r.GetValue(format)} needs at least one source folder (SRC)");
            if (prometheus.Given(r) is { } prometheusOnly)
                throw new FormatException($"{prometheusOnly} is an option of --format prometheus, not of --format {r.GetValue(format)}");
            var inventory = r.GetValue(hosts) is { } path ? DatasetReader.ReadHosts(path) : (System.Collections.Immutable.ImmutableArray<Inventory.Host>?)null;
            var options = new ImportOptions(r.GetValue(strict), inventory, r.GetValue(hostCount),
                r.GetValue(placement) == "none" ? CurrentPlacementRule.None : CurrentPlacementRule.FirstFit);
            var src = r.GetValue(sources)!;
            var dir = r.GetValue(outDir)!;
            var report = r.GetValue(format) == "planetlab"
                ? PlanetLabImporter.Import(src, dir, options)
                : BitbrainsImporter.Import(src, dir, options);
            Write(report, dir, stdout);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static void Write(ImportReport report, string dir, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Format(inv, "imported {0}: {1} VMs ({2} placed today) on {3} hosts, {4} usage rows",
            report.Format, report.Vms, report.PlacedVms, report.Hosts, report.Rows));
        o.WriteLine(string.Format(inv, "bad rows: {0}{1}", report.BadRowCount, report.BadRowCount > 0 ? " (skipped; --strict makes them fatal)" : ""));
        // Notes and bad rows quote the sources (file names, label values): escaped so none reaches the terminal raw.
        foreach (var bad in report.BadRows) o.WriteLine($"  - {Quoted.Escape(bad.ToString(), 1000)}");
        if (report.BadRowCount > report.BadRows.Length)
            o.WriteLine(string.Format(inv, "  ... and {0} more", report.BadRowCount - report.BadRows.Length));
        foreach (var note in report.Notes) o.WriteLine($"note: {Quoted.Escape(note, 1000)}");
        foreach (var assumption in report.Assumptions) o.WriteLine($"assumed: {Quoted.Escape(assumption, 1000)}");
        o.WriteLine($"wrote {Outputs.Shown(Path.Combine(dir, DatasetWriter.HostsFile))}, {DatasetWriter.VmsFile} and {DatasetWriter.UsageFile}");
    }
}

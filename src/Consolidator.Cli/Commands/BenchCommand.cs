using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Consolidator.Benchmarks;
using System.Collections.Immutable;
using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Output;
using Consolidator.Lab;
using Consolidator.Planning;
using Consolidator.Solving;

namespace Consolidator.Cli.Commands;

internal static class BenchCommand
{
    public const string OneName = "bench-one";
    public const string LabCsvFile = "qemu-lab.csv";
    public const string CsvFile = "bench.csv", VectorPackingCsvFile = "bench-vector-packing.csv", JsonFile = "bench.json";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var options = new BenchOptions();
        var outDir = new Option<string>("--out") { Description = "Folder to write bench.csv, bench-vector-packing.csv and bench.json into", DefaultValueFactory = _ => Path.Combine("out", "bench") };
        var cmd = new Command("bench",
            "Plan benchmark instances (planted optima, generated data centres, shared datasets, published vector packing instances), each in its own process, and print and write the table.")
        {
            outDir,
        };
        options.AddTo(cmd);
        var scripting = new ScriptingOptions();
        scripting.AddJsonTo(cmd);
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var dir = r.GetValue(outDir)!;
            var settings = options.Settings(r);
            // Read by the qemu family alone: with --family naming only others they were ignored without a word.
            if (!settings.Families.IsEmpty && !settings.Families.Contains(QemuFamily.FamilyName) && options.GivenLabOption(r) is { } lab)
                throw new FormatException($"{lab} is an option of the QEMU lab: add qemu to --family, or leave --family out");
            if (!settings.Families.IsEmpty && options.UnreadFamilyOption(r, settings.Families) is { } unread)
                throw new FormatException($"{unread.Option} is an option of the {string.Join(" or ", unread.ReadBy)} family: add one to --family, or leave --family out");
            OutputSet.Check(dir, OutputKind.Bench);
            // The lab writes --lab-csv as it goes; inside --out it joined the set, and the bench's own output, written
            // whole when it ends, replaced the set without it: the hour's measurements (or --lab-repeat's runs) were lost.
            if (settings.LabCsv is { } csv && Inside(csv, dir))
                throw new FormatException($"--lab-csv '{Quoted.Path(csv)}' is inside --out '{Quoted.Path(dir)}', which the bench replaces whole when it ends, so the lab's rows would be lost: name a file outside it, or leave --lab-csv out (the rows then go to {LabCsvFile} in --out)");
            // The lab reads an existing --lab-csv before each scenario (its predictions come from the earlier rows): a malformed
            // one failed every scenario in turn, each a row of the table ("qemu-lab.csv:1, column 'scenario': required column
            // ... is missing"), and the bench wrote its table anyway. Read once here, before anything runs or is written.
            if (settings.LabCsv is { } earlier && File.Exists(earlier) && (settings.Families.IsEmpty || settings.Families.Contains(QemuFamily.FamilyName)))
                Calibration.LabCsv.Read(earlier);
            // The lab's children record their migrations in a scratch file unless --lab-csv names one; the
            // scratch file joins this run's output set as qemu-lab.csv.
            var labScratch = settings.LabCsv is null ? Path.Combine(Path.GetTempPath(), $"consolidator-lab-{Environment.ProcessId}.csv") : null;
            settings = settings with { LabCsv = settings.LabCsv ?? labScratch };
            var listed = Families(settings).Select(f => f.Cases()).ToArray();
            var cases = listed.SelectMany(l => l.Cases).ToArray();
            var skipped = listed.SelectMany(l => l.Skipped).ToArray();
            foreach (var s in skipped) stderr.WriteLine($"skipped: {s}");

            // Which case runs is progress (on a terminal only); a case's error and the lab's log are findings.
            var rows = new List<BenchRow>();
            using var progress = new TerminalProgress(stderr, Timing.Deadline.None, cases.Length);
            foreach (var (c, i) in cases.Select((c, i) => (c, i)))
            {
                progress.Say(string.Format(CultureInfo.InvariantCulture, "{0}: {1}, solver limit {2:0.#} s", c.Id, c.Description, c.SolverSeconds));
                var row = BenchChild.Run(c, settings, c.Family == QemuFamily.FamilyName ? line => { progress.Done(); stderr.WriteLine($"{c.Id}: {line}"); } : null);
                progress.Report(i + 1);
                if (row.Error is not null || row.BelowBound)
                {
                    progress.Done();
                    stderr.WriteLine($"{c.Id}: {Outcome(row)}");
                }
                rows.Add(row);
            }
            progress.Done();

            var report = new BenchReport(BenchMachine.Describe(CpuInfo()), settings, [.. rows], [.. skipped]);
            Outputs.Write(stderr, dir, OutputKind.Bench,
            [
                OutputFile.Text(CsvFile, w => BenchCsv.WriteRows(report, w)),
                OutputFile.Text(VectorPackingCsvFile, w => BenchCsv.WriteVectorPacking(report, w)),
                OutputFile.Text(JsonFile, w => w.Write(BenchJson.ToJson(report))),
                .. labScratch is not null && File.Exists(labScratch) ? [OutputFile.Text(LabCsvFile, File.ReadAllText(labScratch))] : Array.Empty<OutputFile>(),
            ]);
            if (labScratch is not null) File.Delete(labScratch);
            if (scripting.Json(r)) stdout.WriteLine(BenchJson.ToJson(report));
            else
            {
                BenchText.Write(report, stdout, TerminalTable.For(stdout));
                stdout.WriteLine($"wrote {Outputs.Shown(Path.Combine(dir, CsvFile))}, {Outputs.Shown(Path.Combine(dir, VectorPackingCsvFile))} and {Outputs.Shown(Path.Combine(dir, JsonFile))}");
            }
            if (!report.Clean)
                stderr.WriteLine("error: some instances failed or used fewer hosts than a known optimum or bound (see the table)");
            return report.Clean ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return cmd;
    }

    /// <summary>Runs one case and prints its row as one JSON line; <c>bench</c> starts it once per case.</summary>
    public static Command CreateOne(TextWriter stdout, TextWriter stderr)
    {
        var options = new BenchOptions();
        var id = new Option<string>("--case") { Description = "family/instance of the case to run", Required = true };
        var cmd = new Command(OneName, "Run one benchmark case and print its row as JSON (used by bench).") { id };
        cmd.Hidden = true;
        options.AddTo(cmd);
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var settings = options.Settings(r);
            var wanted = r.GetValue(id)!;
            var family = wanted.Split('/')[0];
            var found = Families(settings)
                .Where(f => f.Name == family)
                .SelectMany(f => f.Cases().Cases)
                .FirstOrDefault(c => c.Id == wanted)
                ?? throw new FormatException($"--case '{wanted}' is not a case of these settings");
            var row = RunCaught(found);
            // A case that measures a process of its own (fleet: the plan command) reports that one's peak.
            row = row with { PeakMemoryMib = row.PeakMemoryMib ?? Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024), 1) };
            stdout.WriteLine(BenchJson.RowToLine(row));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>An instance that cannot be planned is a row that says why, not the end of the benchmark.</summary>
    private static BenchRow RunCaught(BenchCase c)
    {
        try
        {
            return c.Run();
        }
        catch (InfeasiblePlacementException e)
        {
            return c.Failed("infeasible: " + string.Join("; ", e.Reasons));
        }
        catch (PlanValidationException e)
        {
            return c.Failed(e.Message);
        }
        catch (InputException e)
        {
            return c.Failed(e.Message);
        }
    }

    private static string Outcome(BenchRow row) => row.Error is { } e
        ? "error: " + e
        : row.Measures is { } m
        ? string.Join(", ", m.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value}"))) +
          string.Format(CultureInfo.InvariantCulture, "; peak {0:0} MiB", row.PeakMemoryMib)
        : string.Format(CultureInfo.InvariantCulture, "{0} active hosts (lower bound {1}{2}) in {3:0.0} s, peak {4:0} MiB{5}",
            row.ActiveHosts, row.LowerBound, row.Optimum is { } o ? $", optimum {o}" : "", row.Seconds, row.PeakMemoryMib,
            row.BelowBound ? "  BELOW A KNOWN BOUND: a bug" : "");

    private static ImmutableArray<IBenchFamily> Families(BenchSettings settings) =>
        BenchFamilies.Standard(settings, DatasetImporters.All, new FleetFamily(settings), new QemuFamily(settings));

    private static string? CpuInfo() => File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : null;

    /// <summary>Whether <paramref name="path"/> is in the folder <paramref name="folder"/> or below it.</summary>
    private static bool Inside(string path, string folder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(path).StartsWith(root, StringComparison.Ordinal);
    }
}

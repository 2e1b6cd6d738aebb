using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Output;
using Consolidator.Plots;
using Consolidator.Reporting;
using Consolidator.Simulation;
using Consolidator.Sweeps;
using Consolidator.Timing;

namespace Consolidator.Cli.Commands;

internal static class SweepCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, CommandStart start)
    {
        var dataset = new Argument<string>("DATASET_DIR") { Description = "Folder with hosts.csv, vms.csv and usage.csv" };
        var outDir = new Option<string>("--out") { Description = "Folder to write sweep.csv, the plots and sweep.html into (default out/<dataset folder name>-sweep)" };
        var windows = new Option<string>("--windows") { Description = "Comma list of window schemes", DefaultValueFactory = _ => "hourly" };
        var percentile = new Option<string>("--percentile") { Description = "Comma list of percentiles", DefaultValueFactory = _ => "90,95,100" };
        var headroom = new Option<string>("--headroom") { Description = "Comma list of headrooms", DefaultValueFactory = _ => "0,0.1,0.2" };
        var weight = new Option<string>("--migration-weight") { Description = "Comma list of migration weights (Wh-equivalent per GiB)", DefaultValueFactory = _ => "0,10" };
        var method = new Option<string>("--method") { Description = "Comma list of migration methods: precopy, postcopy, hybrid, auto", DefaultValueFactory = _ => "auto" };
        // Sweep.Run gives each plan an equal share of the limit in both modes, one CP-SAT worker each.
        var solver = new SolverOptionsBinder(start, 40, "the whole sweep", "seconds of counted solver work for the whole sweep, shared equally by its plans",
            "CP-SAT workers per plan: 0 or 1 (more is refused; --parallel plans more points at once)");
        var parallel = new Option<int>("--parallel") { Description = "Points planned at once (0 = one per core)", DefaultValueFactory = _ => 0 };
        var perHost = new Option<int>("--max-migrations-per-host") { Description = "At most this many migrations touch a host in one stage (0 = no cap)", DefaultValueFactory = _ => 2 };
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not draw the Pareto front (pareto.png and .svg); sweep.html is still written, without it" };
        var simulation = new SimulationOptionsBinder(withMethod: false);
        var cmd = new Command("sweep", "Plan and replay a grid of options and mark the Pareto-optimal points (energy vs overload risk vs data moved).")
        {
            dataset, outDir, windows, percentile, headroom, weight, method, parallel, perHost, noPlots,
        };
        solver.AddTo(cmd);
        simulation.AddTo(cmd);
        var scripting = new ScriptingOptions(ScriptingOptions.Time);
        scripting.AddFailOnTo(cmd);
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var grid = new SweepGrid(
                OptionLists.Items(r.GetValue(windows)!, "--windows"), Numbers(r.GetValue(percentile)!, "--percentile"), Numbers(r.GetValue(headroom)!, "--headroom"),
                Numbers(r.GetValue(weight)!, "--migration-weight"), [.. OptionLists.Items(r.GetValue(method)!, "--method").Select(MigrationMethods.Parse)]);
            try
            {
                grid.Validate();
            }
            catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException
                && new[] { (percentile, "--percentile"), (headroom, "--headroom"), (weight, "--migration-weight") }
                    .FirstOrDefault(o => e.Message.StartsWith(o.Item2, StringComparison.Ordinal)) is ({ } named, _)
                && ListHint(r.GetValue(named)!) is { Length: > 0 } hint)
            {
                throw new FormatException((e is ArgumentOutOfRangeException a ? Guard.OwnMessage(a) : e.Message) + hint, e);
            }
            if (r.GetValue(parallel) is < 0 or > Sweep.MaxParallelism) throw new ArgumentOutOfRangeException("parallel", r.GetValue(parallel), Sweep.ParallelRange);
            var cores = r.GetValue(parallel) is > 0 and var n ? n : Environment.ProcessorCount;
            var solving = solver.Read(r);
            var failOn = scripting.FailOn(r, solving.Deterministic);
            if (solving.Workers > 1) throw new ArgumentOutOfRangeException("workers", solving.Workers, "--workers: a sweep runs one CP-SAT worker per plan; use --parallel for more plans at once");
            var options = new SweepOptions(solving.TimeLimitSeconds, solving.Seed, cores, r.GetValue(perHost), simulation.Read(r), solving.Deterministic);
            var dir = r.GetValue(outDir) ?? Path.Combine("out", DatasetReader.NameOf(r.GetValue(dataset)!) + "-sweep");
            OutputSet.Check(dir, OutputKind.Sweep);
            var deadline = solver.Deadline(r);
            var data = DatasetReader.Read(r.GetValue(dataset)!);
            // How long reading took against an idle machine paces the reserves of the phases after it.
            deadline.Mark("reading", DatasetReader.IdleSeconds(data), DatasetReader.IdleProcessorSeconds(data));

            using var progress = new TerminalProgress(stderr, deadline, grid.Count);
            progress.Say($"sweep of {grid.Count} points");
            var results = Sweep.Run(data, grid, options, progress, deadline.EarlierBy(1 + 0.05 * solving.TimeLimitSeconds));
            progress.Say("drawing the Pareto front and writing the output");
            var figures = r.GetValue(noPlots) ? [] : new[] { SweepPlots.ParetoFront(results) };
            Outputs.Write(stderr, dir, OutputKind.Sweep,
            [
                OutputFile.Text("sweep.csv", w => SweepCsvWriter.Write(results, w)),
                OutputFile.Text("sweep.html", w => w.Write(SweepReport.ToHtml(data.Name, results, figures.FirstOrDefault()))),
                .. Outputs.Figures(figures),
            ]);
            progress.Done();
            var feasible = results.Count(x => x.Figures is not null);
            var outOfTime = results.Count(x => x.OutOfTime);
            // As plan's time line prints its limit ("of 0.0 s"); the shortest round trip printed a tiny limit as "1E-07 s".
            var unstarted = outOfTime == 0 ? "" : string.Format(CultureInfo.InvariantCulture, "{0} not planned within --time-limit {1:0.0} s, ", outOfTime, solving.TimeLimitSeconds);
            var front = results.Where(x => x.Pareto).Select(x => x.Point.Index).ToArray();
            var frontList = front.Length == 0 ? "" : ": " + string.Join(" ", front);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"points: {results.Length} ({feasible} feasible, {unstarted}{front.Length} Pareto-optimal{frontList})"));
            stdout.WriteLine(figures.Length == 0
                ? $"wrote {Outputs.Shown(Path.Combine(dir, "sweep.csv"))} and {Outputs.Shown(Path.Combine(dir, "sweep.html"))}"
                : $"wrote {Outputs.Shown(Path.Combine(dir, "sweep.csv"))}, {Outputs.Shown(Path.Combine(dir, "sweep.html"))} and {Outputs.Shown(Path.Combine(dir, "pareto.png"))} (and .svg)");
            // Plans whose turn comes after the limit are not started; what can still run past it is said as `plan`
            // says it, and gated by --fail-on time.
            var missed = MissedLimit.Say(deadline, stderr, "reading, and the profiles, validation and replays of the plans started in time, and writing the output");
            return ScriptingOptions.Verdict(failOn, null, null, stderr, missed);
        }));
        return cmd;
    }

    private static ImmutableArray<double> Numbers(string list, string option) =>
        [.. OptionLists.Items(list, option).Select(x => ValueParsers.Number(x, out var v) && double.IsFinite(v)
            ? v : throw new FormatException($"{option} must be a comma list of numbers, not '{Quoted.Value(x)}' in '{Quoted.Value(list)}'{ListHint(list)}"))];

    /// <summary>What a list of numbers written with decimal commas was probably meant to be, for its error: `--headroom
    /// 0,15` is the list 0 and 15 ("--headroom must be in [0, 1)", no word of the comma), `--headroom "0,1;0,2"` was
    /// "not '1;0'". Only ever a hint: "90,95" is a good list of percentiles.</summary>
    private static string ListHint(string list)
    {
        var t = list.Trim();
        if (t.Contains(';'))
        {
            var parts = t.Split(';', StringSplitOptions.TrimEntries);
            return parts.All(p => p.Length > 0 && (DecimalComma.Hint(p) is not null || ValueParsers.Number(p, out _)))
                ? $" (decimal commas? the items are separated by commas: write '{Quoted.Value(string.Join(",", parts.Select(p => p.Replace(',', '.'))))}')"
                : "";
        }
        return t.Count(c => c == ',') == 1 && DecimalComma.Hint(t) is not null
            ? $" (a decimal comma? the items are separated by commas: for the one value write '{Quoted.Value(t.Replace(',', '.'))}')"
            : "";
    }
}

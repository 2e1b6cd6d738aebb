using System.CommandLine;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Evaluation;
using Consolidator.Output;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Plots;
using Consolidator.Reporting;
using Consolidator.Timing;

namespace Consolidator.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, CommandStart start)
    {
        var dataset = new Argument<string>("DATASET_DIR") { Description = "Folder with hosts.csv, vms.csv and usage.csv" };
        var train = new Option<string>("--train") { Description = "Training period: days from the first sample (1..3), UTC dates (2011-04-11..2011-04-11) or timestamps (start..end, end excluded)", Required = true };
        var test = new Option<string>("--test") { Description = "Test period, in the same forms; must start after training ends", Required = true };
        var roll = new Option<bool>("--roll") { Description = "Then shift both periods by the test period's length in whole days (a day at least) while test samples remain, and report every fold" };
        var replan = new Option<string?>("--replan") { Description = "Also judge a plan made again during the test periods from the placement in force: daily, weekly or every N hours (e.g. 6h), with and without the host-level CPU allocation" };
        var history = new Option<string?>("--history") { Description = "How far back a re-plan looks, in days (e.g. 14 or 14d); default: as long as the training period" };
        var budget = new Option<int?>("--max-migrations-per-round") { Description = "Migration budget of each re-planning round (VMs that leave their host); default: none" };
        var bandwidth = new Option<double>("--bandwidth") { Description = "Host network bandwidth in Mbit/s for migration times (CloudSim: half carries a migration)", DefaultValueFactory = _ => 1000 };
        var lrMmt = new Option<bool>("--lr-mmt") { Description = "Also run the LR-MMT dynamic consolidation baseline", DefaultValueFactory = _ => true };
        var reactive = new Option<bool>("--reactive") { Description = "Also run the reactive level from today's placement: every 5 minutes it relieves hosts over 80 % (fewest moves) and empties underloaded hosts, on samples seen before that instant only; CPU shared by QoS on each host", DefaultValueFactory = _ => true };
        var outDir = new Option<string?>("--out") { Description = "Folder to write evaluation.json and evaluation.png into (optional)" };
        var headroom = new Option<double>("--headroom") { Description = "Fraction of every host's CPU and memory kept free in the planned placement", DefaultValueFactory = _ => 0.10 };
        var weight = new Option<double>("--migration-weight") { Description = "Cost of a move in Wh-equivalent per GiB of VM memory", DefaultValueFactory = _ => 10 };
        var cpuRatio = new Option<double>("--cpu-allocation-ratio") { Description = "vCPUs a host may give out per physical core, as OpenStack Nova's placement counts them (0 = no limit)", DefaultValueFactory = _ => PlacementOptions.NovaCpuAllocationRatio };
        var ramRatio = new Option<double>("--ram-allocation-ratio") { Description = "Allocated memory (vms.csv memory_mib) a host may give out per MiB it has, as Nova counts it (0 = no limit)", DefaultValueFactory = _ => PlacementOptions.NovaRamAllocationRatio };
        var memoryFloor = new Option<bool>("--memory-floor") { Description = "Count at least the memory vms.csv allocates, in planning and in the replay", DefaultValueFactory = _ => true };
        var solver = new SolverOptionsBinder(start, 30, "the whole command, every fold and re-plan included");
        var perHost = new Option<int>("--max-migrations-per-host") { Description = "At most this many migrations touch a host in one stage (0 = no cap)", DefaultValueFactory = _ => 2 };
        var heuristicOnly = new Option<bool>("--heuristic-only") { Description = "Plan with the heuristic fallback alone, as a plan given no time for CP-SAT gets on a busy machine (with --deterministic: counted, not timed)" };
        var timeLine = new Option<bool>("--time-line") { Description = "Under a wall-clock limit, say where it went: each fold's seconds and each plan's share against what it used (always on a terminal)" };
        var profile = new ProfileOptionsBinder();

        var cmd = new Command("evaluate", "Plan on a training period, replay the test period's samples on the plan and on baselines (current placement, peak-sized FFD, LR-MMT), optionally re-plan during the test with the host-level CPU allocation, and report energy, SLATAH, PDM, SLAV, throttled CPU per QoS class, migrations and downtime.")
        {
            dataset, train, test, roll, replan, history, budget, bandwidth, lrMmt, reactive, outDir, headroom, weight, cpuRatio, ramRatio, memoryFloor, perHost, timeLine, heuristicOnly,
        };
        solver.AddTo(cmd);
        var scripting = new ScriptingOptions(ScriptingOptions.Time);
        scripting.AddTo(cmd);
        profile.AddTo(cmd);
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var json = scripting.Json(r);
            var failOn = scripting.FailOn(r, solver.Read(r).Deterministic);
            var plan = new PlanRequest(
                new PlacementOptions(r.GetValue(headroom), r.GetValue(weight), r.GetValue(memoryFloor), r.GetValue(cpuRatio), r.GetValue(ramRatio)),
                r.GetValue(heuristicOnly) ? solver.Read(r) with { Phases = Solving.SolverOptions.HeuristicOnly } : solver.Read(r),
                r.GetValue(perHost),
                MaxMigrations: r.GetValue(budget));
            plan.Validate();
            var windows = profile.Windows(r);
            var profileOptions = profile.Read(r);
            var schedule = r.GetValue(replan) is { } text ? ReplanSchedule.Parse(text) : null;
            var historySeconds = r.GetValue(history) is { } h ? ParseDays(h) : (long?)null;
            // Only the re-planned policy reads them: without --replan they were ignored without a word.
            if (schedule is null && new Option[] { history, budget }.FirstOrDefault(o => r.GetResult(o) is { Implicit: false }) is { } alone)
                throw new FormatException($"{alone.Name} applies to the re-planned policy: give --replan (daily, weekly or Nh) with it");
            if (r.GetValue(outDir) is { } target) OutputSet.Check(target, OutputKind.Evaluation);

            var deadline = solver.Deadline(r);
            using var progress = new TerminalProgress(stderr, deadline);
            progress.Say("reading dataset");
            var data = DatasetReader.Read(r.GetValue(dataset)!);
            // How long reading took against an idle machine paces the reserves of the phases after it.
            deadline.Mark("reading", DatasetReader.IdleSeconds(data), DatasetReader.IdleProcessorSeconds(data));
            var (first, _) = TrainTestSplit.Span(data);
            var request = new EvaluationRequest(PeriodOf(r, train, first), PeriodOf(r, test, first), windows, profileOptions, plan,
                r.GetValue(bandwidth), r.GetValue(lrMmt))
            {
                Roll = r.GetValue(roll),
                Replan = schedule,
                HistorySeconds = historySeconds,
                Reactive = r.GetValue(reactive),
            };
            request.Validate();
            progress.Say($"planning on {request.Train}");
            var run = Evaluator.Run(data, request, progress, deadline, fold =>
            {
                progress.Done();
                if (!json) EvaluationText.Write(fold, stdout, TerminalTable.For(stdout));
                progress.Say($"fold after {Period.Stamp(fold.Test.To)}");
            });
            progress.Done();
            if (run.Folds.Length > 1 && !json) EvaluationText.WriteOverall(run, stdout, TerminalTable.For(stdout));
            if (r.GetValue(outDir) is { } dir)
            {
                progress.Say("drawing the plot and writing the output");
                var (name, png) = EvaluationPlots.PerFold(run);
                Outputs.Write(stderr, dir, OutputKind.Evaluation,
                    [OutputFile.Text("evaluation.json", w => w.Write(EvaluationJsonWriter.ToJson(run))), OutputFile.Bytes(name + ".png", png)]);
                progress.Done();
                if (!json) stdout.WriteLine($"wrote {Outputs.Shown(Path.Combine(dir, "evaluation.json"))} and {Outputs.Shown(Path.Combine(dir, name))}.png");
            }
            if (json) stdout.WriteLine(EvaluationJsonWriter.ToJson(run));
            // Like plan's time line, but a line per fold: on a terminal, or when asked; quiet when redirected, where
            // scripts read the tables above.
            else if (run.Time is { } time && (r.GetValue(timeLine) || TerminalTable.For(stdout) is not null))
                EvaluationText.WriteTimeLine(time, deadline, stdout);
            // A limit the command could not keep is said as `plan` says it, and gated by --fail-on time.
            var missed = MissedLimit.Say(deadline, stderr,
                "reading, and for every plan its profiles, fallback placement, staging and validation, and the replays of the test period");
            return ScriptingOptions.Verdict(failOn, null, null, stderr, missed);
        }));
        return cmd;
    }

    /// <summary>--history: a number of days, optionally followed by d.</summary>
    private static long ParseDays(string text)
    {
        var t = text.Trim().ToLowerInvariant().TrimEnd('d');
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var days) || !(days > 0) || !double.IsFinite(days))
            throw new FormatException($"--history must be a positive number of days such as 14 or 14d, not '{Quoted.Value(text)}'{DecimalComma.Hint(t)}");
        return (long)Math.Round(days * Period.DaySeconds);
    }

    /// <summary>The period an option gives, its errors named by the option: with --train and --test on one line, "'0': days
    /// are numbered from 1" did not say which of the two was wrong.</summary>
    private static Period PeriodOf(ParseResult r, Option<string> option, long first)
    {
        try
        {
            return Period.Parse(r.GetValue(option)!, first);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{option.Name}: {e.Message}", e);
        }
    }
}

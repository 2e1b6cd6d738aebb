using System.CommandLine;
using Consolidator.Datasets;
using Consolidator.Evaluation;
using Consolidator.Output;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Reporting;
using Consolidator.Solving;

namespace Consolidator.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dataset = new Argument<string>("DATASET_DIR") { Description = "Folder with hosts.csv, vms.csv and usage.csv" };
        var train = new Option<string>("--train") { Description = "Training period: days from the first sample (1..3), UTC dates (2011-04-11..2011-04-11) or timestamps (start..end, end excluded)", Required = true };
        var test = new Option<string>("--test") { Description = "Test period, in the same forms; must start after training ends", Required = true };
        var roll = new Option<bool>("--roll") { Description = "Then shift both periods a day at a time while test samples remain, and report every fold" };
        var bandwidth = new Option<double>("--bandwidth") { Description = "Host network bandwidth in Mbit/s for migration times (CloudSim: half carries a migration)", DefaultValueFactory = _ => 1000 };
        var lrMmt = new Option<bool>("--lr-mmt") { Description = "Also run the LR-MMT dynamic consolidation baseline", DefaultValueFactory = _ => true };
        var outDir = new Option<string?>("--out") { Description = "Folder to write evaluation.json into (optional)" };
        var windows = new Option<string>("--windows") { Description = "Time windows: hourly, day-night or N equal slices of the day", DefaultValueFactory = _ => "hourly" };
        var percentile = new Option<double>("--percentile") { Description = "Percentile of each window's training samples that sizes a VM", DefaultValueFactory = _ => 95 };
        var headroom = new Option<double>("--headroom") { Description = "Fraction of every host's CPU and memory kept free in the planned placement", DefaultValueFactory = _ => 0.10 };
        var weight = new Option<double>("--migration-weight") { Description = "Cost of a move in Wh-equivalent per GiB of VM memory", DefaultValueFactory = _ => 10 };
        var cpuRatio = new Option<double>("--cpu-allocation-ratio") { Description = "vCPUs a host may give out per physical core, as OpenStack Nova's placement counts them (0 = no limit)", DefaultValueFactory = _ => PlacementOptions.NovaCpuAllocationRatio };
        var ramRatio = new Option<double>("--ram-allocation-ratio") { Description = "Allocated memory (vms.csv memory_mib) a host may give out per MiB it has, as Nova counts it (0 = no limit)", DefaultValueFactory = _ => PlacementOptions.NovaRamAllocationRatio };
        var memoryFloor = new Option<bool>("--memory-floor") { Description = "Count at least the memory vms.csv allocates, in planning and in the replay", DefaultValueFactory = _ => true };
        var solver = new SolverOptionsBinder(30, "the whole command, every fold included");
        var perHost = new Option<int>("--max-migrations-per-host") { Description = "At most this many migrations touch a host in one stage (0 = no cap)", DefaultValueFactory = _ => 2 };

        var cmd = new Command("evaluate", "Plan on a training period, replay the test period's samples on the plan and on baselines (current placement, peak-sized FFD, LR-MMT), and report energy, overload, SLATAH, PDM and SLAV.")
        {
            dataset, train, test, roll, bandwidth, lrMmt, outDir, windows, percentile, headroom, weight, memoryFloor, cpuRatio, ramRatio, perHost,
        };
        solver.AddTo(cmd);
        var scripting = new ScriptingOptions();
        scripting.AddJsonTo(cmd);
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var json = scripting.Json(r);
            var plan = new PlanRequest(
                new PlacementOptions(r.GetValue(headroom), r.GetValue(weight), r.GetValue(memoryFloor), r.GetValue(cpuRatio), r.GetValue(ramRatio)),
                solver.Read(r),
                r.GetValue(perHost));
            plan.Placement.Validate();
            plan.Solver.Validate();
            var scheme = WindowScheme.Parse(r.GetValue(windows)!);
            if (!(r.GetValue(percentile) is > 0 and <= 100))
                throw new ArgumentOutOfRangeException(nameof(percentile), r.GetValue(percentile), "--percentile must be in (0, 100]");
            if (r.GetValue(outDir) is { } target) OutputSet.Check(target, OutputKind.Evaluation);

            var deadline = solver.Deadline(r);
            var progress = new ProgressDisplay(stderr);
            progress.Say("reading dataset");
            var data = DatasetReader.Read(r.GetValue(dataset)!);
            var (first, last) = TrainTestSplit.Span(data);
            var trainPeriod = Period.Parse(r.GetValue(train)!, first);
            var testPeriod = Period.Parse(r.GetValue(test)!, first);
            var folds = r.GetValue(roll) ? Period.Roll(trainPeriod, testPeriod, last + 1).ToList() : [(trainPeriod, testPeriod)];

            var results = new List<EvaluationResult>();
            for (var fold = 0; fold < folds.Count; fold++)
            {
                var (tr, te) = folds[fold];
                progress.Say($"planning on {tr}");
                var request = new EvaluationRequest(tr, te, scheme, r.GetValue(percentile), plan, r.GetValue(bandwidth), r.GetValue(lrMmt));
                // Each fold gets an equal share of what is left, with a tenth of it kept for its replays.
                var share = deadline.Remaining / (folds.Count - fold);
                results.Add(Evaluator.Evaluate(data, request, progress, deadline.EarlierBy(deadline.Remaining - 0.9 * share)));
                progress.Done();
                if (!json) EvaluationText.Write(results[^1], stdout);
            }
            if (r.GetValue(outDir) is { } dir)
            {
                Outputs.Write(stderr, dir, OutputKind.Evaluation, [OutputFile.Text("evaluation.json", w => w.Write(EvaluationJsonWriter.ToJson(results)))]);
                if (!json) stdout.WriteLine($"wrote {Path.Combine(dir, "evaluation.json")}");
            }
            if (json) stdout.WriteLine(EvaluationJsonWriter.ToJson(results));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

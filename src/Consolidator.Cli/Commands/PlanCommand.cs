using System.CommandLine;
using Consolidator.Datasets;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Reporting;
using Consolidator.Solving;

namespace Consolidator.Cli.Commands;

internal static class PlanCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dataset = new Argument<string>("DATASET_DIR") { Description = "Folder with hosts.csv, vms.csv and usage.csv" };
        var outDir = new Option<string>("--out") { Description = "Folder to write plan.json, plan.csv and the simulation into (created if missing; default out/<dataset folder name>)" };
        var windows = new Option<string>("--windows") { Description = "Time windows: hourly (24), day-night (07-19 / 19-07 UTC) or N equal slices of the day", DefaultValueFactory = _ => "hourly" };
        var percentile = new Option<double>("--percentile") { Description = "Percentile of each window's samples that sizes a VM (100 = peak)", DefaultValueFactory = _ => 95 };
        var headroom = new Option<double>("--headroom") { Description = "Fraction of every host's CPU and memory kept free in the final placement", DefaultValueFactory = _ => 0.10 };
        var weight = new Option<double>("--migration-weight") { Description = "Cost of a move in Wh-equivalent per GiB of VM memory, added to daily energy in the objective", DefaultValueFactory = _ => 10 };
        var memoryFloor = new Option<bool>("--memory-floor") { Description = "Count at least the memory vms.csv allocates (true) or only the measured memory (false)", DefaultValueFactory = _ => true };
        var timeLimit = new Option<double>("--time-limit") { Description = "Solver time limit in seconds (deterministic time with --workers 1)", DefaultValueFactory = _ => 30 };
        var seed = new Option<int>("--seed") { Description = "CP-SAT random seed", DefaultValueFactory = _ => 1 };
        var workers = new Option<int>("--workers") { Description = "CP-SAT workers; 0 = one per core; 1 = repeatable plans", DefaultValueFactory = _ => 0 };
        var perHost = new Option<int>("--max-migrations-per-host") { Description = "At most this many migrations touch a host in one stage, in or out (0 = no cap)", DefaultValueFactory = _ => 2 };
        var noSimulate = new Option<bool>("--no-simulate") { Description = "Do not replay the plan through the live-migration simulator" };
        var simulation = new SimulationOptionsBinder();

        var cmd = new Command("plan", "Profile the traces, solve the placement with CP-SAT, stage the migrations, validate, simulate the migrations, and write plan.json, plan.csv, simulation.json and simulation.csv.")
        {
            dataset, outDir, windows, percentile, headroom, weight, memoryFloor, timeLimit, seed, workers, perHost, noSimulate,
        };
        simulation.AddTo(cmd);
        cmd.SetAction(r => Guard.Run(stderr, () =>
        {
            var request = new PlanRequest(
                new PlacementOptions(r.GetValue(headroom), r.GetValue(weight), r.GetValue(memoryFloor)),
                new SolverOptions(r.GetValue(timeLimit), r.GetValue(seed), r.GetValue(workers)),
                r.GetValue(perHost),
                r.GetValue(noSimulate) ? null : simulation.Read(r));
            request.Placement.Validate();
            request.Solver.Validate();
            var scheme = WindowScheme.Parse(r.GetValue(windows)!);

            var progress = new ProgressDisplay(stderr);
            progress.Say("reading dataset");
            var data = DatasetReader.Read(r.GetValue(dataset)!);
            progress.Say($"profiling {data.Vms.Length} VMs");
            var profiles = ProfileBuilder.Build(data, scheme, r.GetValue(percentile));
            progress.Say("solving placement with CP-SAT");
            var plan = Planner.Plan(data, profiles, request, progress);
            progress.Done();

            var dir = r.GetValue(outDir) ?? Path.Combine("out", data.Name);
            List<(string Name, Action<TextWriter> Write)> files =
            [
                ("plan.json", w => w.Write(PlanJsonWriter.ToJson(plan, request))),
                ("plan.csv", w => PlanCsvWriter.Write(plan, w)),
            ];
            if (plan.Simulation is { } replay)
            {
                files.Add(("simulation.json", w => w.Write(SimulationJsonWriter.ToJson(replay, plan.Problem))));
                files.Add(("simulation.csv", w => SimulationCsvWriter.Write(replay, plan.Problem, w)));
            }
            OutputFolder.WriteAll(dir, [.. files]);
            PlanText.Write(plan, stdout);
            if (plan.Simulation is { } result) SimulationText.Write(result, plan.Problem, stdout);
            var names = files.Select(f => Path.Combine(dir, f.Name)).ToList();
            stdout.WriteLine($"wrote {string.Join(", ", names[..^1])} and {names[^1]}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

using System.CommandLine;
using Consolidator.Datasets;
using Consolidator.Output;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Reporting;
using Consolidator.Simulation;
using Consolidator.Traces;

namespace Consolidator.Cli.Commands;

internal static class SimulateCommand
{
    /// <summary>The placement problem of a plan read from <paramref name="path"/>, after the validator's checks of it as the
    /// planner checks the plans it writes (<see cref="Validation.PlanValidator.RefuseInvalid"/>): `simulate` and
    /// `export --dataset` act on a plan only once it passes.</summary>
    public static PlacementProblem CheckedProblem(string path, Dataset data, PlanFile plan)
    {
        var profiles = ProfileBuilder.Build(data, plan.Windows, plan.Profile);
        var problem = PlacementProblem.From(data, profiles, plan.Placement);
        Validation.PlanValidator.RefuseInvalid(path, problem, plan.Target, plan.Migrations);
        return problem;
    }

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dataset = new Argument<string>("DATASET_DIR") { Description = "Folder with hosts.csv, vms.csv and usage.csv the plan was made for" };
        var planPath = new Argument<string>("PLAN_JSON") { Description = "plan.json written by `consolidator plan`" };
        var outDir = new Option<string>("--out") { Description = "Folder to write simulation.json and simulation.csv into (created if missing)", Required = true };
        var simulation = new SimulationOptionsBinder();
        var cmd = new Command("simulate", "Replay a plan's migrations through the live-migration models (pre-copy, post-copy, hybrid) on shared NICs: time, downtime, data, energy, failures.")
        {
            dataset, planPath, outDir,
        };
        simulation.AddTo(cmd);
        var scripting = new ScriptingOptions(ScriptingOptions.Slo, ScriptingOptions.Overload);
        scripting.AddTo(cmd);
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var failOn = scripting.FailOn(r);
            var options = simulation.Read(r);
            var dir = r.GetValue(outDir)!;
            OutputSet.Check(dir, OutputKind.Simulation);
            var data = DatasetReader.Read(r.GetValue(dataset)!, fingerprint: true);
            var bytes = InputFiles.ReadAllBytes(r.GetValue(planPath)!);
            var plan = PlanJsonReader.Parse(bytes, r.GetValue(planPath)!, data);
            var problem = CheckedProblem(r.GetValue(planPath)!, data, plan);
            // A replay on other data than planned (the wrong folder, or the dataset edited since) was reported as the
            // plan's own, without a word: the validator accepts it whenever the ids match and it still fits.
            if (PlanDataset.IsOther(bytes, r.GetValue(planPath)!, data))
                stderr.WriteLine($"note: {Outputs.Shown(r.GetValue(dataset)!)} is not the dataset {Outputs.Shown(r.GetValue(planPath)!)} was made from (its files differ from the ones planned): the replay uses this dataset's samples");
            var result = Simulator.Run(problem, plan.Target, plan.Migrations, data.Usage, options);

            Outputs.Write(stderr, dir, OutputKind.Simulation,
            [
                OutputFile.Text("simulation.json", w => w.Write(SimulationJsonWriter.ToJson(result, problem))),
                OutputFile.Text("simulation.csv", w => SimulationCsvWriter.Write(result, problem, w)),
            ]);
            if (scripting.Json(r))
                stdout.WriteLine(SimulationJsonWriter.ToJson(result, problem));
            else
            {
                SimulationText.Write(result, problem, stdout);
                stdout.WriteLine($"wrote {Outputs.Shown(Path.Combine(dir, "simulation.json"))} and {Outputs.Shown(Path.Combine(dir, "simulation.csv"))}");
            }
            return ScriptingOptions.Verdict(failOn, result.Summary, null, stderr);
        }));
        return cmd;
    }
}

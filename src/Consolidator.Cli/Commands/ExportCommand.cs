using System.CommandLine;
using Consolidator.Datasets;
using Consolidator.Export;
using Consolidator.Output;
using Consolidator.Reporting;

namespace Consolidator.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var planPath = new Argument<string>("PLAN_JSON") { Description = "plan.json written by `consolidator plan`" };
        var to = new Option<string>("--to") { Description = "libvirt (virsh migrate), openstack (openstack server migrate) or libvirt-allocation (the host level's CPU caps per window, from allocation.csv)", Required = true };
        var simulation = new Option<string?>("--simulation")
        {
            Description = "simulation.json with the method chosen per migration (default: simulation.json beside the plan; a replayed plan without it is refused, a plan made with --no-simulate exports every migration pre-copy)",
        };
        var outFile = new Option<string?>("--out") { Description = "File to write the script to (default: stdout)" };
        var allocation = new Option<string?>("--allocation") { Description = "With --to libvirt-allocation: the allocation.csv to export (default: the one beside the plan)" };
        var dataset = new Option<string?>("--dataset")
        {
            Description = "DATASET_DIR the plan was made from, where it is now (default: the folder plan.json records). The plan is checked by the validator as `simulate` checks it (capacity in every stage, placement rules) and refused, nothing written, if it breaks one, or if the dataset's files are not the ones it was planned from",
        };
        var noCheck = new Option<bool>("--unchecked")
        {
            Description = "Write the script without checking the plan (or, with libvirt-allocation, the caps) against its dataset, for a plan whose dataset is gone; the script's header and stderr say it was not checked",
        };
        var cmd = new Command("export", "Write a plan as a reviewed dry-run script of live migrations for libvirt or OpenStack, stage by stage with a wait between stages.")
        {
            planPath, to, simulation, outFile, allocation, dataset, noCheck,
        };
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var target = ExportTargets.Parse(r.GetValue(to)!);
            // Each target reads its own second file; the other's was ignored without a word (`--to openstack --allocation
            // a.csv`, `--to libvirt-allocation --simulation s.json`: exit 0, the file never read).
            if (target == ExportTarget.LibvirtAllocation && r.GetResult(simulation) is { Implicit: false })
                throw new FormatException("--simulation applies to the migration scripts (--to libvirt or openstack); the allocation schedule migrates nothing");
            if (target != ExportTarget.LibvirtAllocation && r.GetResult(allocation) is { Implicit: false })
                throw new FormatException($"--allocation applies to --to libvirt-allocation; --to {r.GetValue(to)} writes the migrations");
            var unchecked_ = r.GetValue(noCheck);
            if (unchecked_ && r.GetValue(dataset) is not null)
                throw new FormatException("--unchecked writes the script without checking the plan, --dataset names the dataset to check it against: give one or the other");
            if (r.GetValue(outFile) is { } outPath) OutputSet.CheckFile(outPath, ShellScript.Marker);
            var path = r.GetValue(planPath)!;
            if (target == ExportTarget.LibvirtAllocation)
                return AllocationExport(path, r.GetValue(allocation), r.GetValue(outFile), unchecked_ ? null : new DatasetChoice(r.GetValue(dataset)), stdout, stderr);
            // Beside the plan as the user named it: errors name "out/simulation.json", not the full path from the root.
            var simPath = r.GetValue(simulation) ?? Beside(path, "simulation.json");
            var explicitSimulation = r.GetValue(simulation) is not null;
            ExportPlan plan;
            Traces.Dataset? data = null;
            PlanFile? checkedPlan = null;
            // Held while the files are read, so a plan run replacing the folder cannot hand over one of each.
            using (OutputSet.ReadLock(Path.GetDirectoryName(Path.GetFullPath(path))!))
            {
                var bytes = InputFiles.ReadAllBytes(path);
                plan = ExportPlanReader.Parse(bytes, path,
                    explicitSimulation || File.Exists(simPath) ? InputFiles.ReadAllBytes(simPath) : null, simPath, target);
                // The dataset the plan records (or the one named), refused when gone or changed since the plan was made.
                if (!unchecked_)
                {
                    data = PlanDataset.Read(bytes, path, r.GetValue(dataset));
                    checkedPlan = PlanJsonReader.Parse(bytes, path, data);
                }
            }
            // The script is the plan acted on: checked as `simulate` checks a plan read from a file (exit 2, the first
            // broken rules named, nothing written), or, only when asked with --unchecked, said plainly to be unchecked.
            if (checkedPlan is not null) SimulateCommand.CheckedProblem(path, data!, checkedPlan);
            var planName = Path.Combine(Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))!), Path.GetFileName(path));
            var script = ScriptExport.Write(plan, target, planName, validated: checkedPlan is not null);
            if (r.GetValue(outFile) is { } file)
            {
                OutputSet.WriteFile(file, OutputFile.Text(Path.GetFileName(file), script), ShellScript.Marker);
                stderr.WriteLine($"wrote {Outputs.Shown(file)}: {plan.MigrationCount} live migration(s) in {plan.Stages.Length} stage(s) for {ExportTargets.Name(target)} (a dry run until run with APPLY=1)");
            }
            else stdout.Write(script);
            // Said once the script is out, so an error that writes nothing stays the one line on stderr.
            if (checkedPlan is null) stderr.WriteLine($"warning: {Outputs.Shown(path)}: {ScriptExport.NotChecked}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>The dataset to check against: the one named by --dataset, or (null) the one plan.json records.</summary>
    private sealed record DatasetChoice(string? Named);

    /// <summary>The file <paramref name="name"/> in the folder of <paramref name="planPath"/>, written as the plan's path is.</summary>
    private static string Beside(string planPath, string name) => Path.Combine(Path.GetDirectoryName(planPath) ?? "", name);

    /// <summary>The host level's schedule: allocation.csv read against the plan's window scheme, and (unless
    /// <paramref name="check"/> is null: --unchecked) checked by the validator's allocation rules against the plan and its
    /// dataset, as the planner checked the schedule it wrote: a cap above a VM's vCPUs, caps summing above a host's CPU.</summary>
    private static int AllocationExport(string planPath, string? allocationPath, string? outFile, DatasetChoice? check, TextWriter stdout, TextWriter stderr)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(planPath))!;
        var csv = allocationPath ?? Beside(planPath, "allocation.csv");
        Profiles.WindowScheme windows;
        System.Collections.Immutable.ImmutableArray<AllocationRow> rows;
        Traces.Dataset? data = null;
        PlanFile? checkedPlan = null;
        using (OutputSet.ReadLock(folder))
        {
            var plan = InputFiles.ReadAllBytes(planPath);
            windows = ExportPlanReader.Windows(plan, planPath);
            rows = AllocationScript.Read(csv, windows, ExportPlanReader.HostOf(plan, planPath));
            if (check is not null)
            {
                data = PlanDataset.Read(plan, planPath, check.Named);
                checkedPlan = PlanJsonReader.Parse(plan, planPath, data);
            }
        }
        if (checkedPlan is not null)
        {
            var problem = SimulateCommand.CheckedProblem(planPath, data!, checkedPlan);
            Validation.PlanValidator.RefuseInvalidAllocation(csv, problem,
                Validation.PlanValidator.Landed(problem, checkedPlan.Target, checkedPlan.Migrations), AllocationScript.Schedule(rows, problem));
        }
        var planName = Path.Combine(Path.GetFileName(folder), Path.GetFileName(planPath));
        var script = AllocationScript.Write(windows, rows, planName, validated: checkedPlan is not null);
        if (outFile is { } file)
        {
            OutputSet.WriteFile(file, OutputFile.Text(Path.GetFileName(file), script), ShellScript.Marker);
            stderr.WriteLine($"wrote {Outputs.Shown(file)}: {rows.Length} CPU cap(s) in {rows.Select(x => x.Window).Distinct().Count()} window(s) for libvirt (a dry run until run with APPLY=1)");
        }
        else stdout.Write(script);
        if (checkedPlan is null) stderr.WriteLine($"warning: {Outputs.Shown(csv)}: {AllocationScript.NotChecked}");
        return ExitCodes.Ok;
    }
}

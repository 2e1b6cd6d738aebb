using System.CommandLine;
using Consolidator.Datasets;
using Consolidator.Export;
using Consolidator.Output;

namespace Consolidator.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var planPath = new Argument<string>("PLAN_JSON") { Description = "plan.json written by `consolidator plan`" };
        var to = new Option<string>("--to") { Description = "libvirt (virsh migrate) or openstack (openstack server migrate)", Required = true };
        var simulation = new Option<string?>("--simulation")
        {
            Description = "simulation.json with the method chosen per migration (default: simulation.json beside the plan, if there is one; otherwise every migration is pre-copy)",
        };
        var outFile = new Option<string?>("--out") { Description = "File to write the script to (default: stdout)" };
        var cmd = new Command("export", "Write a plan as a reviewed dry-run script of live migrations for libvirt or OpenStack, stage by stage with a wait between stages.")
        {
            planPath, to, simulation, outFile,
        };
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var target = ExportTargets.Parse(r.GetValue(to)!);
            if (r.GetValue(outFile) is { } outPath) OutputSet.CheckFile(outPath);
            var path = r.GetValue(planPath)!;
            var simPath = r.GetValue(simulation) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "simulation.json");
            var explicitSimulation = r.GetValue(simulation) is not null;
            ExportPlan plan;
            // Held while both files are read, so a plan run replacing the folder cannot hand over one of each.
            using (OutputSet.ReadLock(Path.GetDirectoryName(Path.GetFullPath(path))!))
                plan = ExportPlanReader.Parse(InputFiles.ReadAllBytes(path), path,
                    explicitSimulation || File.Exists(simPath) ? InputFiles.ReadAllBytes(simPath) : null, simPath);
            var planName = Path.Combine(Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))!), Path.GetFileName(path));
            var script = ScriptExport.Write(plan, target, planName);
            if (r.GetValue(outFile) is { } file)
            {
                OutputSet.WriteFile(file, OutputFile.Text(Path.GetFileName(file), script));
                stderr.WriteLine($"wrote {file}: {plan.MigrationCount} live migration(s) in {plan.Stages.Length} stage(s) for {ExportTargets.Name(target)} (a dry run until run with APPLY=1)");
            }
            else stdout.Write(script);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

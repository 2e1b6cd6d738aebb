using System.CommandLine;
using Consolidator.Datasets;
using Consolidator.Export;

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
        cmd.SetAction(r => Guard.Run(stderr, () =>
        {
            var target = ExportTargets.Parse(r.GetValue(to)!);
            var path = r.GetValue(planPath)!;
            var simPath = r.GetValue(simulation) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "simulation.json");
            var explicitSimulation = r.GetValue(simulation) is not null;
            var plan = ExportPlanReader.Parse(ReadBytes(path), path,
                explicitSimulation || File.Exists(simPath) ? ReadBytes(simPath) : null, simPath);
            var planName = Path.Combine(Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))!), Path.GetFileName(path));
            var script = ScriptExport.Write(plan, target, planName);
            if (r.GetValue(outFile) is { } file)
            {
                var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
                OutputFolder.WriteAll(dir, (Path.GetFileName(file), w => w.Write(script)));
                stderr.WriteLine($"wrote {file}: {plan.MigrationCount} live migration(s) in {plan.Stages.Length} stage(s) for {ExportTargets.Name(target)} (a dry run until run with APPLY=1)");
            }
            else stdout.Write(script);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static byte[] ReadBytes(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, 0, null, 0, null, "file not found");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, 0, null, 0, null, $"cannot read the file: {e.Message}");
        }
    }
}

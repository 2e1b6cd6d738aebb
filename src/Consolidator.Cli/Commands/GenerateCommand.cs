using System.CommandLine;
using Consolidator.Datasets;
using Consolidator.Generation;
using Consolidator.Output;

namespace Consolidator.Cli.Commands;

internal static class GenerateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var outDir = new Option<string>("--out") { Description = "Folder to write hosts.csv, vms.csv and usage.csv into", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same bytes", DefaultValueFactory = _ => 42 };
        var vms = new Option<int>("--vms") { Description = "Number of VMs", DefaultValueFactory = _ => 120 };
        var days = new Option<int>("--days") { Description = "Days of samples", DefaultValueFactory = _ => 7 };
        var step = new Option<int>("--sample-minutes") { Description = "Minutes between samples", DefaultValueFactory = _ => 15 };
        var weekend = new Option<double>("--weekend-factor") { Description = "Day-peaking VMs' daytime load at the weekend relative to working days (1 = no weekly pattern)", DefaultValueFactory = _ => 0.75 };
        var planted = new Option<int>("--planted-hosts")
        {
            Description = "Instead of a realistic data centre, a planted instance with this many identical hosts whose VMs exactly fill them hour by hour (optimum known)",
        };
        var decimals = new Option<bool>("--decimals")
        {
            Description = "With --planted-hosts: CPU demands in whole millicores written as ordinary decimals (6.922), most not exact in binary, instead of eighths of a core",
        };
        var images = new Option<int>("--images") { Description = "Disk images (0-99) in OS families of a base and two versions layered over it; every VM gets one and a disk (images.csv)" };
        var localDisks = new Option<bool>("--local-disks") { Description = "Hosts keep the VMs' disks on local storage (447-894 GiB by model) instead of shared storage" };
        var cmd = new Command("generate", "Write a synthetic dataset in the native format: day- and night-peaking VMs, heterogeneous hosts, a wasteful peak-sized current placement.")
        {
            outDir, seed, vms, days, step, weekend, planted, decimals, images, localDisks,
        };
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var dir = r.GetValue(outDir)!;
            // Each mode reads its own options; the other's were ignored without a word (`--decimals` alone wrote eighths of
            // a core, `--planted-hosts 2 --images 3` no images).
            // Given as 0, it was the realistic data centre without a word (as -5 was before); only its absence is.
            var plantedGiven = r.GetResult(planted) is { Implicit: false };
            if (!plantedGiven && r.GetResult(decimals) is { Implicit: false })
                throw new FormatException("--decimals applies to a planted instance: give --planted-hosts with it");
            if (plantedGiven && new Option[] { vms, days, step, weekend, images, localDisks }.FirstOrDefault(o => r.GetResult(o) is { Implicit: false }) is { } realistic)
                throw new FormatException($"{realistic.Name} is an option of the realistic data centre; a planted instance (--planted-hosts) has its own VMs, days, hosts and no images");
            OutputSet.Check(dir, OutputKind.Dataset);
            // Absent is no planted instance; 0 or a negative count is refused by the generator.
            if (plantedGiven)
            {
                var instance = PlantedInstance.Generate(r.GetValue(planted), r.GetValue(seed), decimals: r.GetValue(decimals));
                DatasetWriter.Write(instance.Dataset, dir);
                stdout.WriteLine($"wrote planted instance: {instance.Dataset.Vms.Length} VMs on an optimum of {instance.OptimalHosts} hosts to {Outputs.Shown(dir)}");
            }
            else
            {
                var options = new GeneratorOptions(r.GetValue(seed), r.GetValue(vms), r.GetValue(days), r.GetValue(step), r.GetValue(weekend), r.GetValue(images), r.GetValue(localDisks));
                var dataset = DatasetGenerator.Generate(options);
                DatasetWriter.Write(dataset, dir);
                stdout.WriteLine($"wrote {dataset.Vms.Length} VMs, {dataset.Hosts.Length} hosts, {dataset.Usage.Sum(u => u.Count)} usage rows"
                    + (dataset.Images.IsEmpty ? "" : $", {dataset.Images.Length} images") + $" to {Outputs.Shown(dir)}");
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

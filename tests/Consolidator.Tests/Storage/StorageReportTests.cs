using Consolidator.Generation;
using Consolidator.Inventory;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Reporting;
using Consolidator.Solving;
using Consolidator.Packing;
using Consolidator.Validation;

namespace Consolidator.Tests.Storage;

/// <summary>Issue 15's acceptance on a generated fleet: local disks and a handful of layered images; the plan keeps
/// every store within its disk and its summary and report show what images stored once per host save.</summary>
public class StorageReportTests
{
    [Fact]
    public void A_generated_fleet_with_local_disks_and_images_is_planned_within_its_disks_and_reports_the_saving()
    {
        var d = DatasetGenerator.Generate(new GeneratorOptions(Seed: 5, Vms: 40, Days: 2, SampleMinutes: 60, Images: 6, LocalDisks: true));
        Assert.Equal(6, d.Images.Length);
        Assert.All(d.Hosts, h => Assert.Equal(StorageKind.Local, h.Storage));
        var profiles = ProfileBuilder.Build(d, WindowScheme.Slices(4), 95);

        var request = new PlanRequest(new PlacementOptions(), new SolverOptions(3, 1, 1, Deterministic: true));
        var plan = Planner.Plan(d, profiles, request);

        Assert.Empty(PlanValidator.CheckPlacement(plan.Problem, plan.Target));
        var disks = plan.Problem.Disks;
        for (var h = 0; h < d.Hosts.Length; h++)
            Assert.True(disks.FootprintMib(Enumerable.Range(0, d.Vms.Length).Where(v => plan.Target[v] == h)) <= disks.CapacityMib(h));
        var s = plan.Summary.Storage!;
        Assert.True(s.SavedGiB > 0, $"saved {s.SavedGiB} GiB");
        Assert.True(s.UsedGiBAfter < s.WholeGiBAfter);
        Assert.True(s.DiskSentGiB <= s.DiskSentWholeGiB);
        Assert.Equal(d.Hosts.Length, s.LocalHosts);
        var html = PlanReport.ToHtml(plan, []);
        Assert.Contains("<h2>Storage</h2>", html);
        Assert.Contains($"Image sharing saves <b>{s.SavedGiB.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} GiB</b>", html);
        // plan.json carries the same figures; a fleet without disks has no storage object.
        var storage = System.Text.Json.Nodes.JsonNode.Parse(PlanJsonWriter.ToJson(plan, request))!["summary"]!["storage"]!;
        Assert.Equal(Math.Round(s.SavedGiB, 3), storage["saved_by_images_gib"]!.GetValue<double>());
        Assert.Equal(Math.Round(s.DiskSentGiB, 3), storage["disk_sent_gib"]!.GetValue<double>());
        Assert.Equal(d.Hosts.Length, storage["local_hosts"]!.GetValue<int>());
        var plain = DatasetGenerator.Generate(new GeneratorOptions(Seed: 5, Vms: 10, Days: 1, SampleMinutes: 60));
        var plainPlan = Planner.Plan(plain, ProfileBuilder.Build(plain, WindowScheme.Slices(4), 95), request);
        Assert.Null(System.Text.Json.Nodes.JsonNode.Parse(PlanJsonWriter.ToJson(plainPlan, request))!["summary"]!["storage"]);
    }

    [Fact]
    public void Generated_local_disks_are_written_at_rates_drawn_like_bitbrains_and_the_rates_survive_a_write_and_read()
    {
        var d = DatasetGenerator.Generate(new GeneratorOptions(Seed: 3, Vms: 200, Days: 1, SampleMinutes: 60, Images: 3, LocalDisks: true));
        var rates = d.Usage.Select(u => u.MeanDiskWriteKibPerSecond!.Value).OrderBy(x => x).ToArray();
        Assert.All(rates, r => Assert.InRange(r, 0, ImageFleet.MaxDiskWriteKibPerSecond));
        Assert.InRange(rates[rates.Length / 2], 3, 20);   // median 7.7 KiB/s, as Bitbrains Rnd's VMs
        Assert.Null(DatasetGenerator.Generate(new GeneratorOptions(Seed: 3, Vms: 5, Days: 1, Images: 3)).Usage[0].MeanDiskWriteKibPerSecond);

        using var dir = new Consolidator.Tests.Support.TempDirectory();
        Consolidator.Datasets.DatasetWriter.Write(d, dir.Path);
        var back = Consolidator.Datasets.DatasetReader.Read(dir.Path);
        // Each row carries the VM's mean; the reader averages the rows back to it (to rounding).
        Assert.All(d.Usage.Zip(back.Usage), p => Assert.Equal(p.First.MeanDiskWriteKibPerSecond!.Value, p.Second.MeanDiskWriteKibPerSecond!.Value, 9));
    }

    [Fact]
    public void Images_and_disks_leave_the_generated_vms_and_traces_as_they_were()
    {
        var plain = DatasetGenerator.Generate(new GeneratorOptions(Seed: 9, Vms: 20, Days: 1));
        var disks = DatasetGenerator.Generate(new GeneratorOptions(Seed: 9, Vms: 20, Days: 1, Images: 4, LocalDisks: true));
        Assert.Equal(plain.Vms.Select(v => (v.Id, v.Vcpus, v.MemoryMib, v.CurrentHost)), disks.Vms.Select(v => (v.Id, v.Vcpus, v.MemoryMib, v.CurrentHost)));
        Assert.Equal(plain.Usage.SelectMany(u => u.CpuCores), disks.Usage.SelectMany(u => u.CpuCores));
        Assert.All(disks.Vms, v => Assert.NotNull(v.ImageId));
        // Two families: img-01 with two versions over it, img-04 alone; a version shares 60 % with its base.
        Assert.Equal([null, "img-01", "img-01", null], disks.Images.Select(i => i.Parent));
        Assert.All(disks.Images.Where(i => i.Parent is not null), i => Assert.InRange(i.SharedWithParentGib / i.SizeGib, 0.55, 0.65));
    }
}

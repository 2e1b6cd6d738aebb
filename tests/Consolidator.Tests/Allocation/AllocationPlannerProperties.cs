using System.Collections.Immutable;
using Consolidator.Allocation;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Validation;
using CsCheck;

namespace Consolidator.Tests.Allocation;

public class AllocationPlannerProperties
{
    /// <summary>Random hosts (fractional cores included), VMs of random sizes and QoS, random per-window demand
    /// distributions (bursty and flat), and a random placement, however overcommitted.</summary>
    private static readonly Gen<(PlacementProblem Problem, Placement Placement, ProfileSet Profiles)> Cases =
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 30], Gen.Int[1, 6], Gen.Int[0, int.MaxValue]).Select((hosts, vms, windows, seed) =>
        {
            var random = new Random(seed);
            var hostList = Enumerable.Range(0, hosts).Select(h => new Host($"h{h}", Math.Round(1 + random.NextDouble() * 47, 2), 1 << 20, 100, 300)).ToImmutableArray();
            var vmList = Enumerable.Range(0, vms).Select(v => new Vm($"vm{v}", 1 + random.Next(16) + (random.Next(4) == 0 ? 0.5 : 0), 1024, null)
            {
                Qos = random.Next(3) switch { 0 => QosClass.Batch, 1 => QosClass.Interactive, _ => null },
            }).ToImmutableArray();
            var scheme = WindowScheme.Slices(new[] { 1, 2, 3, 4, 6, 8 }[windows - 1]);
            var profiles = vmList.Select(vm =>
            {
                var q = Enumerable.Range(0, scheme.Count).Select(_ =>
                {
                    var median = random.NextDouble() * vm.Vcpus * 0.3;
                    var peak = median + random.NextDouble() * vm.Vcpus * 1.2;
                    return VmProfile.QuantileLevels.Select(l => median + (peak - median) * Math.Pow((l - 50) / 50, 3)).ToArray();
                }).ToArray();
                var p95 = q.Select(x => x[3]).ToArray();
                return new VmProfile(vm.Id, (VmClass)random.Next(3), p95, [.. p95.Select(_ => 100.0)], [.. q.Select(x => x[0])], [.. p95.Select(_ => 100.0)])
                {
                    PeakCpu = [.. q.Select(x => x[^1])],
                    CpuQuantiles = q,
                };
            }).ToImmutableArray();
            var set = new ProfileSet(scheme, new ProfileOptions(), profiles);
            var problem = new PlacementProblem(hostList, vmList, scheme, new PlacementOptions(0, 0, false), (v, r, w) => 0, (v, w) => 0);
            var placement = new Placement([.. vmList.Select(_ => random.Next(hosts))]);
            return (problem, placement, set);
        });

    [Fact]
    public void Allocation_csv_is_the_same_bytes_whatever_the_blocks_it_is_rendered_in_and_whatever_the_entries_order()
    {
        Cases.Sample(c =>
        {
            var schedule = AllocationPlanner.Build(c.Problem, c.Placement, c.Profiles);
            string Csv(AllocationSchedule s, int block)
            {
                using var bytes = new MemoryStream();
                Consolidator.Reporting.AllocationCsvWriter.Write(s, c.Problem, bytes, block);
                return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
            }
            var whole = Csv(schedule, int.MaxValue);
            var lines = whole.Split('\n');
            Assert.Equal(schedule.Entries.Length + 2, lines.Length);
            Assert.Equal(string.Join(",", Consolidator.Reporting.AllocationCsvWriter.Header), lines[0]);
            var first = schedule.Entries.OrderBy(e => e.Host).ThenBy(e => e.Window).ThenBy(e => e.Vm).FirstOrDefault();
            if (!schedule.Entries.IsEmpty)
                Assert.StartsWith($"{c.Problem.Hosts[first.Host].Id},{c.Problem.Vms[first.Vm].Id},", lines[1]);
            foreach (var block in new[] { 1, 2, 7 })
                Assert.Equal(whole, Csv(schedule, block));
            foreach (var e in schedule.Entries)
                Assert.Equal((e.CapMillicores / 1000m).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), Consolidator.Reporting.AllocationCsvWriter.Cores(e.CapMillicores));
            var shuffled = new AllocationSchedule(schedule.Windows, [.. schedule.Entries.Reverse()], schedule.Qos);
            Assert.Equal(whole, Csv(shuffled, 3));
        }, iter: 100);
    }

    [Fact]
    public void Caps_are_written_as_cores_with_three_decimals_as_the_decimal_quotient_is()
    {
        foreach (var m in new[] { 0, 1, 9, 10, 999, 1000, 1001, 1500, 12_345, int.MaxValue, -1, -1500 })
            Assert.Equal((m / 1000m).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), Consolidator.Reporting.AllocationCsvWriter.Cores(m));
    }

    [Fact]
    public void No_host_hands_out_more_than_its_cores_in_any_window_and_the_validator_agrees()
    {
        Cases.Sample(c =>
        {
            var schedule = AllocationPlanner.Build(c.Problem, c.Placement, c.Profiles);
            Assert.Empty(PlanValidator.CheckAllocation(c.Problem, c.Placement, schedule));
            foreach (var g in schedule.Entries.GroupBy(e => (e.Host, e.Window)))
                Assert.True(g.Sum(e => (long)e.CapMillicores) <= (long)Math.Floor(c.Problem.Hosts[g.Key.Host].CpuCores * 1000 + 1e-9));
        }, iter: 500);
    }

    [Fact]
    public void Batch_gives_way_first_interactive_vms_get_their_peak_whenever_the_host_can_give_it()
    {
        var exercised = 0;
        Cases.Sample(c =>
        {
            var schedule = AllocationPlanner.Build(c.Problem, c.Placement, c.Profiles);
            foreach (var g in schedule.Entries.GroupBy(e => (e.Host, e.Window)))
            {
                var capacity = (long)Math.Floor(c.Problem.Hosts[g.Key.Host].CpuCores * 1000 + 1e-9);
                long Floor(int v) => (long)Math.Ceiling(c.Problem.Vms[v].Vcpus * 10 - 1e-9);
                long Peak(int v) => Math.Clamp((long)Math.Ceiling(c.Profiles.Vms[v].PeakCpu[g.Key.Window] * 1000 - 1e-9), Floor(v), (long)Math.Floor(c.Problem.Vms[v].Vcpus * 1000 + 1e-9));
                var interactive = g.Where(e => schedule.Qos[e.Vm] == QosClass.Interactive).ToArray();
                var batch = g.Where(e => schedule.Qos[e.Vm] == QosClass.Batch).ToArray();
                if (interactive.Sum(e => Peak(e.Vm)) + batch.Sum(e => Floor(e.Vm)) > capacity) continue;
                foreach (var e in interactive) Assert.True(e.CapMillicores >= Peak(e.Vm), $"{c.Problem.Vms[e.Vm].Id} got {e.CapMillicores} below its peak {Peak(e.Vm)}");
                if (batch.Length > 0 && batch.Any(e => e.CapMillicores < Peak(e.Vm))) Interlocked.Increment(ref exercised);
            }
        }, iter: 500);
        Assert.True(exercised > 0, "no sample squeezed batch VMs below their peak; the property was not exercised");
    }

    [Fact]
    public void Within_a_class_the_caps_leave_every_vm_the_same_chance_of_exceeding_them()
    {
        // Two batch VMs on a 4-core host, one bursty, one steady: the bursty one gets more cores, as the same
        // exceedance sits higher in its distribution.
        var scheme = WindowScheme.Slices(1);
        double[] Levels(double median, double peak) => [.. VmProfile.QuantileLevels.Select(l => median + (peak - median) * (l - 50) / 50)];
        var vms = ImmutableArray.Create(new Vm("bursty", 8, 1024, "h") { Qos = QosClass.Batch }, new Vm("steady", 8, 1024, "h") { Qos = QosClass.Batch });
        var profiles = new ProfileSet(scheme, new ProfileOptions(), [.. new[] { Levels(0.5, 6), Levels(1, 2) }.Select((q, i) =>
            new VmProfile(vms[i].Id, VmClass.Flat, [q[3]], [100], [q[0]], [100]) { PeakCpu = [q[^1]], CpuQuantiles = [q] })]);
        var problem = new PlacementProblem([new Host("h", 4, 1 << 20, 100, 300)], vms, scheme, new PlacementOptions(0, 0, false), (_, _, _) => 0, (_, _) => 0);
        var schedule = AllocationPlanner.Build(problem, new Placement([0, 0]), profiles);
        var bursty = schedule.Entries.Single(e => e.Vm == 0).CapMillicores;
        var steady = schedule.Entries.Single(e => e.Vm == 1).CapMillicores;
        Assert.Equal(4000, bursty + steady);
        Assert.True(bursty > steady);
        // Same exceedance: (6 - bursty) / 5.5 of the bursty VM's upper half equals (2 - steady) / 1 of the steady one's, within rounding.
        Assert.Equal((6 - bursty / 1000.0) / 5.5, (2 - steady / 1000.0) / 1.0, 2);
    }

    [Fact]
    public void The_validator_rejects_a_schedule_that_overcommits_a_host()
    {
        var scheme = WindowScheme.Slices(2);
        var vms = ImmutableArray.Create(new Vm("a", 4, 1024, "h"), new Vm("b", 4, 1024, "h"));
        var problem = new PlacementProblem([new Host("h", 6, 1 << 20, 100, 300)], vms, scheme, new PlacementOptions(0, 0, false), (_, _, _) => 0, (_, _) => 0);
        var placement = new Placement([0, 0]);
        var bad = new AllocationSchedule(scheme, [new(0, 0, 0, 4000, 4096), new(0, 1, 0, 2000, 2048), new(0, 0, 1, 4000, 4096), new(0, 1, 1, 3000, 3072)],
            [QosClass.Interactive, QosClass.Batch]);
        var violation = Assert.Single(PlanValidator.CheckAllocation(problem, placement, bad));
        Assert.Equal("allocation.capacity", violation.Rule);
        Assert.Contains("7000 millicores, over its 6000", violation.Message);
        var missing = new AllocationSchedule(scheme, [new(0, 0, 0, 1000, 1024)], [QosClass.Interactive, QosClass.Batch]);
        Assert.Contains(PlanValidator.CheckAllocation(problem, placement, missing), v => v.Rule == "allocation.missing");
    }
}

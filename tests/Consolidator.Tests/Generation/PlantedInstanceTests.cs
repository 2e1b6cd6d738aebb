using Consolidator.Tests.Support;
using Consolidator.Datasets;
using Consolidator.Generation;

namespace Consolidator.Tests.Generation;

public class PlantedInstanceTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 2)]
    [InlineData(12, 3)]
    public void Every_planted_host_is_exactly_full_in_every_hour(int k, int seed)
    {
        var p = PlantedInstance.Generate(k, seed);
        var d = p.Dataset;
        Assert.Equal($"planted-K{k}", d.Name);
        Assert.Equal(k, p.OptimalHosts);
        Assert.Equal(3 * k, d.Hosts.Length); // 2 K spare hosts beside the K planted ones
        Assert.Equal(d.Vms.Length, p.PlantedHostOfVm.Length);
        Assert.Equal(k, p.PlantedHostOfVm.Distinct().Count());
        foreach (var host in d.Hosts.Where(h => p.PlantedHostOfVm.Contains(h.Id)))
        {
            var members = Enumerable.Range(0, d.Vms.Length).Where(i => p.PlantedHostOfVm[i] == host.Id).ToList();
            Assert.InRange(members.Count, 6, 8);
            Assert.True(members.Sum(i => d.Vms[i].MemoryMib) <= host.MemoryMib / 2);
            for (var s = 0; s < 24; s++)
            {
                Assert.All(members, i => Assert.True(d.Usage[i].CpuCores[s] > 0));
                Assert.Equal(host.CpuCores, members.Sum(i => (double)d.Usage[i].CpuCores[s]), 1e-9);
            }
        }
    }

    [Fact]
    public void Vms_fit_a_host_are_unplaced_and_leak_nothing_through_their_order()
    {
        var p = PlantedInstance.Generate(10, 4);
        var d = p.Dataset;
        var host = d.Hosts[0];
        for (var i = 0; i < d.Vms.Length; i++)
        {
            var vm = d.Vms[i];
            Assert.Null(vm.CurrentHost);
            Assert.InRange(vm.Vcpus, 1, host.CpuCores);
            Assert.Equal(Math.Ceiling(d.Usage[i].CpuCores.Max()), vm.Vcpus);
            Assert.All(d.Usage[i].MemoryMib, m => Assert.Equal((double)vm.MemoryMib, m));
            Assert.True(vm.MemoryMib <= host.MemoryMib);
        }
        Assert.Equal(d.Vms.Length, d.Vms.Select(v => v.Id).Distinct().Count());
        // Grouped output would change planted host only K - 1 times along the VM order.
        var changes = Enumerable.Range(1, d.Vms.Length - 1).Count(i => p.PlantedHostOfVm[i] != p.PlantedHostOfVm[i - 1]);
        Assert.True(changes > 2 * p.OptimalHosts, $"only {changes} changes of planted host");
    }

    [Fact]
    public void Sums_stay_exact_after_a_round_trip_through_csv_text()
    {
        var p = PlantedInstance.Generate(4, 9, days: 2, sampleMinutes: 15);
        using var dir = new TempDirectory();
        DatasetWriter.Write(p.Dataset, dir.Path);
        var hostOf = p.Dataset.Vms.Select((v, i) => (v.Id, Host: p.PlantedHostOfVm[i])).ToDictionary(x => x.Id, x => x.Host);
        var sums = File.ReadLines(dir.File("usage.csv")).Skip(1)
            .Select(line => line.Split(','))
            .GroupBy(f => (Time: f[0], Host: hostOf[f[1]]))
            .Select(g => g.Sum(f => double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(4 * 2 * 96, sums.Count);
        Assert.All(sums, s => Assert.Equal(PlantedInstance.HostCores, s));
    }

    [Fact]
    public void Same_seed_gives_the_same_instance()
    {
        var a = PlantedInstance.Generate(6, 1, minVmsPerHost: 2, maxVmsPerHost: 10);
        var b = PlantedInstance.Generate(6, 1, minVmsPerHost: 2, maxVmsPerHost: 10);
        Assert.Equal(a.PlantedHostOfVm.ToArray(), b.PlantedHostOfVm.ToArray());
        Assert.Equal(a.Dataset.Vms.ToArray(), b.Dataset.Vms.ToArray());
        for (var i = 0; i < a.Dataset.Vms.Length; i++)
            Assert.Equal(a.Dataset.Usage[i].CpuCores, b.Dataset.Usage[i].CpuCores);
        Assert.All(a.PlantedHostOfVm.GroupBy(h => h), g => Assert.InRange(g.Count(), 2, 10));
    }

    [Fact]
    public void Rejects_impossible_parameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PlantedInstance.Generate(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PlantedInstance.Generate(3, 1, minVmsPerHost: 5, maxVmsPerHost: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => PlantedInstance.Generate(3, 1, maxVmsPerHost: 200));
        Assert.Throws<ArgumentOutOfRangeException>(() => PlantedInstance.Generate(3, 1, sampleMinutes: 45));
    }
}

using Consolidator.Benchmarks;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving.FullHosts;

namespace Consolidator.Tests.Benchmarks;

public class ExactMemoryInstanceTests
{
    [Theory]
    [InlineData(3, 1)]
    [InlineData(20, 2)]
    public void Fills_its_k_hosts_exactly_in_cpu_and_memory(int k, int seed)
    {
        var d = ExactMemoryInstance.Generate(k, seed);
        var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100),
            new PlacementOptions(Headroom: 0, MigrationWeightWhPerGiB: 0, CpuAllocationRatio: 0, RamAllocationRatio: 0));

        Assert.InRange(d.Vms.Length, 6 * k, 8 * k);
        Assert.Equal(3 * k, d.Hosts.Length);
        Assert.NotNull(ZeroSlack.Of(p, k));
        Assert.Null(ZeroSlack.Of(p, k + 1));
        Assert.All(d.Usage, u => Assert.Equal(Math.Round(u.CpuCores[0], 2), u.CpuCores[0]));
        Assert.All(d.Usage, u => Assert.True(u.CpuCores[0] >= 0.25 && u.MemoryMib[0] >= 1024));
    }

    [Fact]
    public void The_same_seed_gives_the_same_instance()
    {
        var a = ExactMemoryInstance.Generate(5, 7);
        var b = ExactMemoryInstance.Generate(5, 7);

        Assert.Equal(a.Usage.Select(u => (u.CpuCores[0], u.MemoryMib[0])), b.Usage.Select(u => (u.CpuCores[0], u.MemoryMib[0])));
    }
}

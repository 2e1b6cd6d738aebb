using Consolidator.Inventory;
using Consolidator.Traces;

namespace Consolidator.Tests.Support;

/// <summary>Small random datasets for property tests: 2-5 hosts of mixed sizes and power models, 2-10 VMs
/// with random hourly shapes, a random current placement that fits the hosts' physical capacity (or leaves
/// the VM unplaced when nothing fits).</summary>
public static class RandomInstances
{
    public static Dataset Make(int seed)
    {
        var rng = new Random(seed);
        var hosts = Enumerable.Range(0, rng.Next(2, 6)).Select(i => TestInstances.Host(
            $"h{i}", cores: rng.Next(1, 5) * 8, memMib: rng.Next(1, 5) * 16384, idle: rng.Next(50, 200), max: rng.Next(250, 500))).ToArray();
        var vmCount = rng.Next(2, 11);
        var peak = new double[vmCount];
        var shape = new double[vmCount, 24];
        var mem = new double[vmCount];
        for (var v = 0; v < vmCount; v++)
        {
            peak[v] = rng.Next(1, 12);
            mem[v] = rng.Next(1, 16) * 1024;
            var start = rng.Next(24);
            var span = rng.Next(1, 24);
            for (var h = 0; h < 24; h++)
                shape[v, h] = ((h - start + 24) % 24) < span ? 1 : 0.1 + 0.2 * rng.NextDouble();
        }

        var cpuLeft = hosts.Select(h => h.CpuCores).ToArray();
        var memLeft = hosts.Select(h => h.MemoryMib).ToArray();
        var vms = new Vm[vmCount];
        for (var v = 0; v < vmCount; v++)
        {
            var fits = Enumerable.Range(0, hosts.Length).Where(h => cpuLeft[h] >= peak[v] && memLeft[h] >= mem[v]).ToArray();
            string? current = null;
            if (fits.Length > 0 && rng.NextDouble() < 0.9)
            {
                var h = fits[rng.Next(fits.Length)];
                cpuLeft[h] -= peak[v];
                memLeft[h] -= mem[v];
                current = hosts[h].Id;
            }
            vms[v] = new Vm($"vm{v}", Math.Ceiling(peak[v]), mem[v], current);
        }
        return TestInstances.Make(hosts, vms, (v, h) => (peak[v] * shape[v, h], mem[v] * 0.7));
    }
}

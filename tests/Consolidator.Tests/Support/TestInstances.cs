using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Traces;

namespace Consolidator.Tests.Support;

/// <summary>Small in-memory datasets for planner tests, sampled on the hour from Monday 2026-01-05 UTC.</summary>
public static class TestInstances
{
    public static readonly long Start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <param name="usage">CPU cores and memory MiB of VM v at hour-of-day h.</param>
    public static Dataset Make(IEnumerable<Host> hosts, IEnumerable<Vm> vms, Func<int, int, (double Cpu, double Mem)> usage, int days = 1)
    {
        var vmList = vms.ToImmutableArray();
        var series = vmList.Select((_, v) =>
        {
            var n = 24 * days;
            var t = new long[n];
            var c = new double[n];
            var m = new double[n];
            for (var i = 0; i < n; i++)
            {
                t[i] = Start + i * 3600L;
                var (cpu, mem) = usage(v, i % 24);
                c[i] = (double)cpu;
                m[i] = (double)mem;
            }
            return new VmSeries(t, c, m);
        }).ToImmutableArray();
        return new Dataset("test", [.. hosts], vmList, series);
    }

    public static Host Host(string id, double cores = 16, double memMib = 65536, double idle = 100, double max = 300) =>
        new(id, cores, memMib, idle, max);

    /// <summary>Writes a dataset folder of one host and one VM already on it, two hourly samples: a plan with no live
    /// migration.</summary>
    public static string WriteOneVmAtHome(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "hosts.csv"), "host_id,cpu_cores,memory_mib,idle_watts,max_watts\nh1,16,65536,100,300\n");
        File.WriteAllText(Path.Combine(folder, "vms.csv"), "vm_id,vcpus,memory_mib,current_host\nv1,2,4096,h1\n");
        File.WriteAllText(Path.Combine(folder, "usage.csv"), "timestamp,vm_id,cpu_cores,memory_mib\n2026-01-05T00:00:00Z,v1,1,2000\n2026-01-05T01:00:00Z,v1,1,2000\n");
        return folder;
    }
}

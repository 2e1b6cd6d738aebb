using System.Collections.Immutable;
using System.Diagnostics;
using Consolidator.Randomness;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Staging;

namespace Consolidator.Simulation;

/// <summary>Replay speed on a generated plan, for the `bench` command.</summary>
public static class Benchmark
{
    /// <summary>Hosts of the generated plan; each stage moves one VM from every host to the next one.</summary>
    public const int Hosts = 100;

    /// <summary>Migrations replayed per second (method choice included) on a generated plan of
    /// <paramref name="migrations"/> live migrations: VMs of 2 to 32 GiB dirtying 5 to 150 MiB/s, 100 hosts
    /// with 10 Gbit/s NICs, stages in which every host sends one VM and receives one, default options. A
    /// small replay runs first, untimed, so that the figure excludes JIT compilation.</summary>
    public static double ReplayRate(int migrations, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(migrations, 1);
        Replay(Generate(Math.Min(migrations, Hosts), seed));
        var instance = Generate(migrations, seed);
        var clock = Stopwatch.StartNew();
        var replayed = Replay(instance);
        return replayed / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
    }

    private sealed record Instance(PlacementProblem Problem, MigrationPlan Plan, ImmutableArray<VmMigrationInputs> Vms);

    private static int Replay(Instance x)
    {
        var options = new SimulationOptions();
        var nic = Simulator.NicGoodput(x.Problem, options);
        var planned = ReplayPlan.Build(x.Problem, x.Plan, x.Vms, nic, options);
        return new Replay(x.Problem, x.Plan, planned, x.Vms, nic, options).Run().Migrations.Length;
    }

    private static Instance Generate(int migrations, int seed)
    {
        var random = SplitMix64.FromSeed(seed);
        var hosts = Enumerable.Range(0, Hosts).Select(h => new Host($"h{h}", 4096, 64 << 20, 200, 500)).ToImmutableArray();
        var vms = ImmutableArray.CreateBuilder<Vm>();
        var inputs = ImmutableArray.CreateBuilder<VmMigrationInputs>();
        for (var v = 0; v < migrations; v++)
        {
            var memory = 1024.0 * random.Next(2, 33);
            vms.Add(new Vm($"vm{v}", 4, memory, hosts[v % Hosts].Id));
            inputs.Add(new VmMigrationInputs(memory, DirtyProfile.FromRate(random.NextDouble(5, 150)), 1));
        }
        var vmList = vms.ToImmutable();
        var problem = new PlacementProblem(hosts, vmList, WindowScheme.Slices(1), new PlacementOptions(0, 0, false),
            (v, r, _) => r == Resource.Cpu ? 1 : vmList[v].MemoryMib, (_, _) => 1);
        var stages = Enumerable.Range(0, (migrations + Hosts - 1) / Hosts).Select(s => new Stage(s + 1,
            [.. Enumerable.Range(s * Hosts, Math.Min(Hosts, migrations - s * Hosts))
                .Select(v => new Migration(v, v % Hosts, (v + 1) % Hosts, MigrationKind.Move))])).ToImmutableArray();
        return new Instance(problem, new MigrationPlan(stages, []), inputs.ToImmutable());
    }
}

using System.Collections.Immutable;
using Consolidator.Heuristics;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Solving.FullHosts;
using Consolidator.Timing;
using Consolidator.Traces;
using Consolidator.Validation;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Solving;

public class FullHostCoverTests
{
    private const int Cores = 40, MemoryMib = 393216;

    /// <summary><paramref name="hosts"/> planted hosts of 40 cores and 384 GiB, each split into 6-8 VMs whose CPU
    /// (hundredths of a core) and memory (MiB) add up to exactly the host's, as docs/planted-other.py --shape flat-mem
    /// writes them; twice as many spare hosts, VMs shuffled, one window. <paramref name="memorySlack"/> MiB taken off
    /// the first VM leaves memory with slack.</summary>
    private static PlacementProblem Planted(int hosts, int seed, int memorySlack = 0)
    {
        var rng = new Random(seed);
        var vms = new List<(double Cpu, double Mem)>();
        for (var h = 0; h < hosts; h++)
        {
            var n = rng.Next(6, 9);
            var cpu = Split(rng, Cores * 100, n);
            var mem = Split(rng, MemoryMib, n);
            for (var i = 0; i < n; i++) vms.Add((cpu[i] / 100.0, mem[i]));
        }
        vms = [.. vms.OrderBy(_ => rng.Next())];
        vms[0] = (vms[0].Cpu, vms[0].Mem - memorySlack);
        var inventory = Enumerable.Range(0, 3 * hosts).Select(h => new Host($"h{h}", Cores, MemoryMib, 100, 300)).ToImmutableArray();
        var list = vms.Select((v, i) => new Vm($"vm{i}", Math.Ceiling(v.Cpu), v.Mem, null)).ToImmutableArray();
        var usage = vms.Select(v => new VmSeries([1_700_000_000], [v.Cpu], [v.Mem])).ToImmutableArray();
        var d = new Dataset("planted", inventory, list, usage);
        return PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Slices(1, "day"), 100), new PlacementOptions(0, 0));
    }

    /// <summary><paramref name="total"/> split into <paramref name="n"/> whole shares of at least a tenth of the mean.</summary>
    private static int[] Split(Random rng, int total, int n)
    {
        var weights = Enumerable.Range(0, n).Select(_ => 0.3 + rng.NextDouble()).ToArray();
        var shares = weights.Select(w => (int)(total * w / weights.Sum())).ToArray();
        shares[0] += total - shares.Sum();
        return shares;
    }

    [Fact]
    public void Covers_a_planted_instance_with_two_exact_rows_on_the_bound_s_hosts()
    {
        var p = Planted(4, 1);
        var z = ZeroSlack.Of(p, 4);
        Assert.NotNull(z);
        Assert.Equal(2, z.ExactRows);

        var outcome = FullHostCover.Run(p, z, [.. Enumerable.Range(0, p.HostCount)], 1, () => false, 1, 1);

        Assert.NotNull(outcome.Cover);
        Assert.Equal(4, outcome.Cover.ActiveHostCount);
        Assert.Empty(PlanValidator.CheckPlacement(p, outcome.Cover));
        Assert.Contains("a cover: every VM on 4 exactly full hosts", outcome.Note, StringComparison.Ordinal);
        Assert.True(outcome.Charged > 0);
    }

    [Fact]
    public void The_solver_proves_the_planted_optimum_where_first_fit_needs_more_hosts()
    {
        // Counted work, so the same on any machine.
        var p = Planted(6, 3);
        var ffd = FirstFit.Pack(p, Sizing.Temporal, Fit.First)!;
        Assert.True(ffd.ActiveHostCount > 6);

        var result = CpSatPlacementSolver.Solve(p, new SolverOptions(5, 1, 1, Deterministic: true), ffd);

        Assert.Equal(SolveStatus.Optimal, result.Status);
        Assert.Equal(6, result.Placement.ActiveHostCount);
        Assert.Empty(PlanValidator.CheckPlacement(p, result.Placement));
        Assert.Contains(result.Notes, n => n.StartsWith("full-host cover", StringComparison.Ordinal) && n.Contains("a cover", StringComparison.Ordinal));
    }

    [Fact]
    public void Does_not_enter_an_instance_with_slack()
    {
        var p = Planted(6, 3, memorySlack: 1);
        Assert.Null(ZeroSlack.Of(p, 6));
        var ffd = FirstFit.Pack(p, Sizing.Temporal, Fit.First)!;

        var result = CpSatPlacementSolver.Solve(p, new SolverOptions(2, 1, 1, Deterministic: true), ffd);

        Assert.DoesNotContain(result.Notes, n => n.StartsWith("full-host cover", StringComparison.Ordinal));
        Assert.Empty(PlanValidator.CheckPlacement(p, result.Placement));
    }

    [Fact]
    public void Stops_when_the_held_clock_has_passed_its_deadline()
    {
        var p = Planted(6, 3);
        var z = ZeroSlack.Of(p, 6)!;
        var caller = new ManualClock();
        var clock = new WorkClock(counted: false, caller: caller);
        var stop = clock.StopAfter(2);
        caller.Advance(3);

        var outcome = FullHostCover.Run(p, z, [.. Enumerable.Range(0, p.HostCount)], 2, stop, 1, 2);

        Assert.Null(outcome.Cover);
        Assert.Contains("stopped by the time limit", outcome.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Does_not_start_a_table_its_share_of_counted_work_cannot_pay_for()
    {
        var p = Planted(6, 3);
        var z = ZeroSlack.Of(p, 6)!;

        // About 124,000 subsets of at most 4 of 42 VMs, walked twice: about 0.0075 s of counted work.
        var outcome = FullHostCover.Run(p, z, [.. Enumerable.Range(0, p.HostCount)], 0.001, () => false, 1, 1);

        Assert.Null(outcome.Cover);
        Assert.Equal(0, outcome.Charged);
        Assert.Contains("not run: its table", outcome.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_table_above_its_memory_ceiling()
    {
        var p = Planted(6, 3);
        var z = ZeroSlack.Of(p, 6)!;

        // Every subset of at most 4 of about 42 VMs is about 140,000 entries (1.1 MiB); 64 KiB allows halves of 2 only.
        var small = FullHostCover.Run(p, z, [.. Enumerable.Range(0, p.HostCount)], 1, () => false, 1, 1, ceilingBytes: 64 << 10);
        Assert.Null(small.Cover);
        Assert.Contains("not run", small.Note, StringComparison.Ordinal);
        Assert.Contains("0.06 MiB", small.Note, StringComparison.Ordinal);
    }
}

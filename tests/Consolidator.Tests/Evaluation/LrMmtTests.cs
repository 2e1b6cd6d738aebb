using System.Collections.Immutable;
using Consolidator.Evaluation;
using Consolidator.Inventory;

namespace Consolidator.Tests.Evaluation;

public class LrMmtTests
{
    private const int N = LrMmtState.HistoryLength;

    /// <summary>A history of utilisation of a 10-core host, newest first, from the oldest-first values given.</summary>
    private static double[] History(params double[] oldestFirst)
    {
        var h = new double[N];
        for (var i = 0; i < oldestFirst.Length; i++) h[oldestFirst.Length - 1 - i] = oldestFirst[i] * 10;
        return h;
    }

    private static LrMmtState State(Host[] hosts, double[][] history, double[] cpu, double[] memory, int[] hostOf)
    {
        var s = new LrMmtState([.. hosts], history, cpu, memory, 1000);
        for (var v = 0; v < hostOf.Length; v++) s.Add(v, hostOf[v]);
        return s;
    }

    private static Host Host(string id, double idle = 100, double max = 200) => new(id, 10, 8192, idle, max);

    [Theory]
    [InlineData(0.08, true)]    // 0.1, 0.18, ... 0.82: the line reaches 0.9 one interval past now; x 1.2 >= 1
    [InlineData(0.05, false)]   // 0.1 ... 0.55: 0.6 x 1.2 = 0.72
    public void Local_regression_extrapolates_past_the_migration_and_applies_the_safety_parameter(double step, bool overloaded)
    {
        var rising = Enumerable.Range(0, 30).Select(i => 0.1 + step * (i - 20)).Select(u => Math.Max(u, 0.01)).ToArray();
        var s = State([Host("h")], [History(rising)], [rising[^1] * 10], [1000], [0]);
        Assert.Equal(overloaded, s.IsOverloaded(0));
    }

    [Theory]
    [InlineData(0.80, false)]   // flat: 0.8 x 1.2 = 0.96
    [InlineData(0.84, true)]    // 0.84 x 1.2 = 1.008
    public void A_flat_history_is_overloaded_once_safety_times_load_reaches_one(double u, bool overloaded)
    {
        var flat = Enumerable.Repeat(u, 30).ToArray();
        Assert.Equal(overloaded, State([Host("h")], [History(flat)], [u * 10], [1000], [0]).IsOverloaded(0));
    }

    [Fact]
    public void With_less_than_ten_values_of_history_the_static_threshold_decides()
    {
        // Five values, all high: LR would call it overloaded, but there is too little history; 0.6 <= 0.7.
        var s = State([Host("h")], [History(0.9, 0.9, 0.9, 0.9, 0.9)], [6], [1000], [0]);
        Assert.False(s.IsOverloaded(0));
        var busy = State([Host("h")], [History(0.1, 0.1, 0.1)], [7.5], [1000], [0]);
        Assert.True(busy.IsOverloaded(0));
    }

    [Fact]
    public void Minimum_migration_time_picks_the_vm_with_least_memory()
    {
        double[][] h = [new double[N], new double[N], new double[N]];
        var s = State([Host("h")], h, [1, 1, 1], [2000, 500, 500], [0, 0, 0]);
        Assert.Equal(1, s.MinimumMigrationTimeVm(0));
    }

    [Fact]
    public void Power_aware_best_fit_takes_the_smallest_power_increase_among_hosts_with_room()
    {
        // h0: steep (100-300 W), h1: gentle (100-150 W) but full of memory, h2: gentle with room.
        Host[] hosts = [Host("h0", 100, 300), Host("h1", 100, 150), Host("h2", 100, 150)];
        double[][] h = [.. Enumerable.Range(0, 4).Select(_ => History(Enumerable.Repeat(0.1, 30).ToArray()))];
        // VM 3 (500 MiB) is the newcomer; VMs 0-2 sit one per host.
        var s = new LrMmtState([.. hosts], h, [1, 1, 1, 1], [1000, 8000, 1000, 500], 1000);
        for (var v = 0; v < 3; v++) s.Add(v, v);
        Assert.Equal(2, s.FindHost(3, new HashSet<int>()));
        Assert.Equal(0, s.FindHost(3, new HashSet<int> { 2 }));
        Assert.Equal(-1, s.FindHost(3, new HashSet<int> { 0, 2 }));
    }

    [Fact]
    public void The_least_utilised_host_is_drained_when_all_its_vms_fit_elsewhere()
    {
        Host[] hosts = [Host("a"), Host("b"), Host("c")];
        double[] cpu = [4, 1, 1];
        double[][] h = [.. cpu.Select(c => History(Enumerable.Repeat(c / 10, 30).ToArray()))];
        var moves = LrMmt.Optimise(State(hosts, h, cpu, [1000, 1000, 1000], [0, 1, 2]));
        // b (10 %) drains into a, the host whose power rises least; c then drains too.
        Assert.Contains((1, 0), moves);
        Assert.Contains(moves, m => m.Vm == 2);
    }

    [Fact]
    public void A_host_is_drained_all_or_nothing()
    {
        // b's two VMs: one fits on a, the other does not (memory), so neither moves.
        Host[] hosts = [new("a", 10, 4096, 100, 200), new("b", 10, 8192, 100, 200)];
        double[] cpu = [4, 1, 1];
        double[][] h = [.. cpu.Select(c => History(Enumerable.Repeat(c / 10, 30).ToArray()))];
        var moves = LrMmt.Optimise(State(hosts, h, cpu, [1000, 3000, 3000], [0, 1, 1]));
        Assert.Empty(moves);
    }

    [Fact]
    public void An_overloaded_host_sheds_its_smallest_vms_until_it_is_not_overloaded()
    {
        Host[] hosts = [Host("a"), Host("b")];
        double[] cpu = [5, 4, 0.5];
        double[][] h = [.. cpu.Select(c => History(Enumerable.Repeat(c / 10, 30).ToArray()))];
        // a carries 9.5 of 10 cores (x 1.2 > 1); shedding the 500 MiB VM leaves 9 cores (still over), then the 1000 MiB one.
        var moves = LrMmt.Optimise(State(hosts, h, cpu, [2000, 1000, 500], [0, 0, 0]));
        Assert.Equal([2, 1], moves.Select(m => m.Vm).Order().Reverse());
        Assert.All(moves, m => Assert.Equal(1, m.To));
    }
}

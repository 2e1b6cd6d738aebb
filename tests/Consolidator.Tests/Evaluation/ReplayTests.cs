using System.Collections.Immutable;
using Consolidator.Evaluation;
using Consolidator.Inventory;
using Consolidator.Power;
using Consolidator.Traces;
using CsCheck;

namespace Consolidator.Tests.Evaluation;

public class ReplayTests
{
    private const long T0 = 1_700_000_000 - 1_700_000_000 % 86400;
    private static readonly PowerTable G4 = new([86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117]);

    private static VmSeries Series(int stepSeconds, params (double Cpu, double Mem)[] samples) =>
        new([.. samples.Select((_, k) => T0 + (long)k * stepSeconds)], [.. samples.Select(s => (double)s.Cpu)], [.. samples.Select(s => (double)s.Mem)]);

    /// <summary>The same values, each repeated for every finer step it covers.</summary>
    private static VmSeries Resampled(VmSeries coarse, int coarseStep, int fineStep)
    {
        var repeat = coarseStep / fineStep;
        var n = coarse.Count * repeat;
        return new VmSeries(
            [.. Enumerable.Range(0, n).Select(i => T0 + (long)i * fineStep)],
            [.. Enumerable.Range(0, n).Select(i => coarse.CpuCores[i / repeat])],
            [.. Enumerable.Range(0, n).Select(i => coarse.MemoryMib[i / repeat])]);
    }

    private static PolicyOutcome Replay(ImmutableArray<Host> hosts, VmSeries[] series, int[] hostOf, Period period, TimedMigration[]? migrations = null)
    {
        var timelines = series.Select(s => Timeline.Of(s, period, 0)).ToArray();
        var end = timelines.Max(t => t.End[^1]);
        return StaticReplay.Run("p", hosts, timelines, hostOf, new Period(period.From, end), migrations ?? []);
    }

    [Fact]
    public void Energy_at_five_minute_samples_equals_the_same_trace_at_one_minute_steps()
    {
        var gen = Gen.Select(Gen.Double[0, 5].Array[2, 40], Gen.Double[0, 5].Array[2, 40], Gen.Int[1, 8]);
        gen.Sample((a, b, cores) =>
        {
            var hosts = ImmutableArray.Create(new Host("h", cores, 65536, 86, 117) { PowerTable = G4 }, new Host("lin", cores, 65536, 50, 200));
            var day = new Period(T0, T0 + 86400);
            VmSeries[] coarse = [Series(300, [.. a.Select(x => (x, 1000.0))]), Series(300, [.. b.Select(x => (x, 2000.0))])];
            VmSeries[] fine = [.. coarse.Select(s => Resampled(s, 300, 60))];
            foreach (var hostOf in new[] { new[] { 0, 0 }, new[] { 1, 1 }, new[] { 0, 1 } })
            {
                var c = Replay(hosts, coarse, hostOf, day);
                var f = Replay(hosts, fine, hostOf, day);
                Assert.Equal(c.EnergyKWhPerDay, f.EnergyKWhPerDay, 1e-9);
                Assert.Equal(c.CpuOverloadFraction, f.CpuOverloadFraction, 1e-9);
                Assert.Equal(c.WorstCpuDepth, f.WorstCpuDepth, 1e-9);
                Assert.Equal(c.P99CpuDepth, f.P99CpuDepth, 1e-9);
            }
        }, iter: 100, threads: 1);
    }

    [Fact]
    public void Energy_integrates_the_table_over_each_sample_interval()
    {
        // One host of 10 cores: 5 cores for 300 s (50 %: 102 W), then 10 cores for 300 s (100 %: 117 W).
        var hosts = ImmutableArray.Create(new Host("h", 10, 65536, 86, 117) { PowerTable = G4 });
        var outcome = Replay(hosts, [Series(300, (5, 1), (10, 1))], [0], new Period(T0, T0 + 600));
        var joules = 102 * 300 + 117 * 300;
        Assert.Equal(joules / 3.6e6 / (600 / 86400.0), outcome.EnergyKWhPerDay, 9);
        Assert.Equal(1, outcome.ActiveHosts);
    }

    [Fact]
    public void A_host_draws_power_only_while_a_resident_is_on_it()
    {
        // Two VMs on one host, the first for the first hour and the second for the last hour of three: the
        // host is off (draws nothing) in the middle hour, as when a re-plan empties it for some hours.
        var hosts = ImmutableArray.Create(new Host("h", 10, 65536, 86, 117) { PowerTable = G4 });
        var day = new Period(T0, T0 + 3 * 3600);
        var vm = Timeline.Of(Series(300, [.. Enumerable.Repeat((5.0, 1.0), 36)]), day, 0);
        var totals = new ReplayTotals();
        HostReplay.Run(totals, hosts[0], [new Resident(vm, T0, T0 + 3600, QosClass.Interactive), new Resident(vm, T0 + 7200, T0 + 3 * 3600, QosClass.Interactive)], day.From, day.To);
        Assert.Equal(2 * 3600, totals.HostSeconds, 9);
        Assert.Equal(102.0 * 2 * 3600, totals.EnergyJoules, 6);
        // Idle: the table's 0 % power (86 W) for the two powered hours; cores: 10 for those hours.
        Assert.Equal(86.0 * 2 * 3600, totals.IdleJoules, 6);
        Assert.Equal(10.0 * 2 * 3600, totals.CoreSeconds, 6);
        var outcome = totals.Outcome("p", day);
        Assert.Equal(86.0 * 2 * 3600 / 3.6e6 / (3 * 3600 / 86400.0), outcome.IdleEnergyKWhPerDay, 9);
        Assert.Equal(10.0 * 2 / 3, outcome.PoweredCores, 9);
        Assert.Equal([(T0, T0 + 3600), (T0 + 7200, T0 + 3 * 3600)], HostReplay.Presence(
            [new Resident(vm, T0 + 7200, T0 + 3 * 3600, QosClass.Batch), new Resident(vm, T0, T0 + 1800, QosClass.Batch), new Resident(vm, T0 + 900, T0 + 3600, QosClass.Batch)], day.From, day.To));
    }

    [Fact]
    public void Overload_time_depth_and_slatah_are_measured_against_physical_capacity()
    {
        // 2 cores, 4096 MiB. Two VMs: 2.5 cores in one of four intervals (25 % over), memory over in another.
        var hosts = ImmutableArray.Create(new Host("h", 2, 4096, 100, 200));
        VmSeries[] vms = [Series(300, (1, 1000), (1.5, 1000), (0.5, 3500), (1, 1000)), Series(300, (0.5, 1000), (1, 1000), (0.5, 1000), (1, 1000))];
        var o = Replay(hosts, vms, [0, 0], new Period(T0, T0 + 1200));
        Assert.Equal(0.25, o.CpuOverloadFraction, 9);
        Assert.Equal(0.25, o.Slatah, 9);
        Assert.Equal(0.25, o.MemoryOverloadFraction, 9);
        Assert.Equal(0.25, o.WorstCpuDepth, 9);
        Assert.Equal(0.25, o.P99CpuDepth, 9);                 // a quarter of host-time is far more than 1 %
        Assert.Equal(4500 / 4096.0 - 1, o.WorstMemoryDepth, 9);
        // 0.5 core of 8 core-intervals asked for is missing: CloudSim's overall SLA violation.
        Assert.Equal(0.5 * 300 / ((1 + 1.5 + 0.5 + 1 + 0.5 + 1 + 0.5 + 1) * 300), o.CpuShortfall, 9);
    }

    [Fact]
    public void P99_depth_is_zero_when_at_most_one_percent_of_host_time_is_overloaded()
    {
        var hosts = ImmutableArray.Create(new Host("h", 1, 4096, 100, 200));
        var samples = Enumerable.Range(0, 200).Select(k => (k == 7 ? 3.0 : 0.5, 100.0)).ToArray();
        var o = Replay(hosts, [Series(300, samples)], [0], new Period(T0, T0 + 200 * 300));
        Assert.Equal(2, o.WorstCpuDepth, 9);
        Assert.Equal(0, o.P99CpuDepth);
        Assert.Equal(0.005, o.CpuOverloadFraction, 9);
    }

    [Fact]
    public void Pdm_is_ten_percent_of_the_cpu_a_vm_asks_for_while_it_migrates_over_all_cpu_asked_for()
    {
        var hosts = ImmutableArray.Create(new Host("a", 8, 65536, 100, 200), new Host("b", 8, 65536, 100, 200));
        VmSeries[] vms = [Series(300, (2, 1000), (2, 1000), (2, 1000), (2, 1000)), Series(300, (1, 1000), (1, 1000), (1, 1000), (1, 1000))];
        var seconds = MigrationPenalty.Seconds(1000, 1000);
        Assert.Equal(16, seconds, 9); // CloudSim: RAM / (bandwidth / 2 / 8)
        var o = Replay(hosts, vms, [1, 0], new Period(T0, T0 + 1200), [new TimedMigration(0, T0, seconds)]);
        Assert.Equal(0.1 * 2 * 16 / (3.0 * 1200), o.Pdm, 12);
        Assert.Equal(o.Slatah * o.Pdm, o.Slav, 15);
        Assert.Equal(1, o.Migrations);
    }

    [Fact]
    public void A_gap_repeats_the_last_sample_and_the_last_sample_holds_for_the_usual_interval()
    {
        var s = new VmSeries([T0, T0 + 300, T0 + 900, T0 + 1200], [1, 2, 3, 4], [0, 0, 0, 0]);
        var t = Timeline.Of(s, new Period(T0, T0 + 86400), 0);
        Assert.Equal([T0, T0 + 300, T0 + 900, T0 + 1200], t.Start);
        Assert.Equal([T0 + 300, T0 + 900, T0 + 1200, T0 + 1500], t.End);
        Assert.Equal(1 * 300 + 2 * 600 + 3 * 300 + 4 * 300, t.CpuIntegral());
        Assert.Equal(2, t.CpuAt(T0 + 600));
        Assert.Equal(0, t.CpuAt(T0 + 1500));
        // Outside the period nothing counts; the last sample in it is cut at the period's end.
        var cut = Timeline.Of(s, new Period(T0 + 300, T0 + 1000), 0);
        Assert.Equal(2 * 600 + 3 * 100, cut.CpuIntegral());
    }
}

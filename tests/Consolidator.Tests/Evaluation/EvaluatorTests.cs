using Consolidator.Evaluation;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Traces;

namespace Consolidator.Tests.Evaluation;

public class EvaluatorTests
{
    private static EvaluationRequest Request(string train, string test, long origin, double headroom = 0.1, bool dynamic = true) =>
        new(Period.Parse(train, origin), Period.Parse(test, origin), WindowScheme.Hourly(), 100,
            new PlanRequest(new PlacementOptions(headroom, 0), new SolverOptions(5, 1, 1, Deterministic: true)), dynamic: dynamic);

    /// <summary>Six VMs of 4 cores peak on six 16-core hosts, one VM each; day 2 repeats day 1 unless told.</summary>
    private static Dataset TwoDays(Func<int, int, int, double>? cpu = null)
    {
        var hosts = Enumerable.Range(0, 6).Select(h => TestInstances.Host($"h{h}")).ToArray();
        // 8 vCPUs: day 2 may double a VM's CPU to 8 cores without asking for more than the VM has.
        var vms = Enumerable.Range(0, 6).Select(v => new Vm($"vm{v}", 8, 4096, $"h{v}")).ToArray();
        var d = TestInstances.Make(hosts, vms, (_, _) => (0, 0), days: 2);
        cpu ??= (_, hour, _) => hour is >= 8 and < 18 ? 4 : 1;
        var usage = d.Usage.Select((s, v) => new VmSeries(s.UnixSeconds,
            [.. s.UnixSeconds.Select((t, i) => (double)cpu(v, i % 24, i / 24))], [.. s.MemoryMib.Select(_ => 2048.0)])).ToArray();
        return d with { Usage = [.. usage] };
    }

    [Fact]
    public void A_plan_trained_on_day_one_holds_on_an_identical_day_two_and_saves_energy()
    {
        var r = Evaluator.Evaluate(TwoDays(), Request("1", "2", TestInstances.Start));

        var planned = r.Policies.Single(p => p.Policy == Evaluator.Planned);
        var current = r.Policies.Single(p => p.Policy == Evaluator.Current);
        Assert.Equal(6, r.Vms);
        Assert.Equal(6, current.ActiveHosts);
        Assert.Equal(2, planned.ActiveHosts);         // 6 x 4 cores in 2 x 14.4 usable cores
        Assert.True(planned.EnergyKWhPerDay < 0.5 * current.EnergyKWhPerDay);
        Assert.Equal(0, planned.CpuOverloadFraction);
        Assert.True(planned.Pdm > 0);
        Assert.Equal(0, current.Pdm);
        Assert.Contains(r.Policies, p => p.Policy == Evaluator.PeakFfd);
        Assert.Contains(r.Policies, p => p.Policy == LrMmt.Name);
        // The reactive level starts from today's six hosts and empties the ones under its lower threshold.
        var reactive = r.Policies.Single(p => p.Policy == Consolidator.Evaluation.Reactive.ReactivePolicy.Name);
        Assert.True(reactive.ActiveHosts < current.ActiveHosts, $"reactive ran {reactive.ActiveHosts} hosts");
        Assert.True(reactive.Migrations > 0);
        Assert.Equal(1, r.TestDays, 6);
    }

    [Fact]
    public void The_plan_never_sees_the_test_period_so_a_heavier_day_two_overloads_it()
    {
        // Day 2 doubles every VM's CPU: a plan built on day 2 would have sized for it; one built on day 1 cannot.
        var data = TwoDays((_, hour, day) => (hour is >= 8 and < 18 ? 4 : 1) * (day == 1 ? 2 : 1));
        var r = Evaluator.Evaluate(data, Request("1", "2", TestInstances.Start, dynamic: false));

        var planned = r.Policies.Single(p => p.Policy == Evaluator.Planned);
        Assert.Equal(2, planned.ActiveHosts);
        Assert.True(planned.CpuOverloadFraction > 0.3, $"overload {planned.CpuOverloadFraction}");
        Assert.Equal(0.5, planned.WorstCpuDepth, 6);       // three VMs at 8 cores on a 16-core host
        Assert.Equal(10 / 24.0, planned.CpuOverloadFraction, 6);
        Assert.Equal(planned.CpuOverloadFraction, planned.Slatah);
        Assert.Equal(0, r.Policies.Single(p => p.Policy == Evaluator.Current).CpuOverloadFraction);
    }

    [Fact]
    public void Vms_seen_in_only_one_period_are_left_out_and_counted()
    {
        var d = TwoDays();
        // vm0 stops after day 1, vm1 starts on day 2.
        var usage = d.Usage.ToArray();
        usage[0] = Cut(usage[0], TestInstances.Start, TestInstances.Start + 86400);
        usage[1] = Cut(usage[1], TestInstances.Start + 86400, TestInstances.Start + 2 * 86400);
        var r = Evaluator.Evaluate(d with { Usage = [.. usage] }, Request("1", "2", TestInstances.Start, dynamic: false));
        Assert.Equal((4, 1, 1), (r.Vms, r.TrainOnlyVms, r.TestOnlyVms));
        Assert.Contains(r.Notes, n => n.Contains("1 VM(s) with samples only in the training period and 1 only in the test period"));
    }

    [Fact]
    public void Rules_follow_the_vms_that_are_kept()
    {
        var d = TwoDays();
        var usage = d.Usage.ToArray();
        usage[0] = Cut(usage[0], TestInstances.Start, TestInstances.Start + 86400);
        var ruled = d with { Usage = [.. usage], Rules = [new Consolidator.Rules.Spread("apart", ["vm0", "vm2", "vm3"])] };

        var r = Evaluator.Evaluate(ruled, Request("1", "2", TestInstances.Start, dynamic: false));

        Assert.Equal(5, r.Vms);
        var vms = r.Plan.Problem.Vms.Select(v => v.Id).ToList();
        Assert.NotEqual(r.Plan.Target[vms.IndexOf("vm2")], r.Plan.Target[vms.IndexOf("vm3")]);
    }

    [Fact]
    public void Overlapping_or_empty_periods_are_refused()
    {
        var d = TwoDays();
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Evaluate(d, Request("1..2", "2", TestInstances.Start)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Evaluate(d, Request("3", "4", TestInstances.Start)));
        Assert.Contains("no VM has samples in both", e.Message);
    }

    private static VmSeries Cut(VmSeries s, long from, long to)
    {
        var keep = Enumerable.Range(0, s.Count).Where(k => s.UnixSeconds[k] >= from && s.UnixSeconds[k] < to).ToArray();
        return new VmSeries([.. keep.Select(k => s.UnixSeconds[k])], [.. keep.Select(k => s.CpuCores[k])], [.. keep.Select(k => s.MemoryMib[k])]);
    }
}

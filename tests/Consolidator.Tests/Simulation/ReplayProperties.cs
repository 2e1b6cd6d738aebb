using Consolidator.Simulation;
using Consolidator.Staging;
using Consolidator.Tests.Staging;
using CsCheck;

namespace Consolidator.Tests.Simulation;

public class ReplayProperties
{
    /// <summary>A random staged plan of a random cluster, replayed under random simulator options.</summary>
    private static readonly Gen<(Scenario Scenario, SimulationOptions Options)> Cases =
        Gen.Select(RandomClusters.Scenarios, Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[1, 40], Gen.Int[0, 2], Gen.Int[0, 1],
            (s, method, concurrency, nicTenths, rules, link) => (s, new SimulationOptions(
                Method: (MethodSelection)method,
                MaxConcurrentPerHost: concurrency,
                DefaultNicGbps: nicTenths / 10.0,
                StopRules: new[] { PreCopyStopRules.Qemu, PreCopyStopRules.Xen, PreCopyStopRules.XenLegacy }[rules],
                Link: link == 0 ? LinkProfile.Tcp : LinkProfile.Rdma)));

    [Fact]
    public void Concurrent_migrations_never_use_more_than_a_nic_carries()
    {
        var shared = 0;
        Cases.Sample((s, options) =>
        {
            var plan = MigrationPlanner.Plan(s.Problem, s.Target, s.Limit);
            var r = Simulator.Run(s.Problem, s.Target, plan, [], options);

            Assert.InRange(r.Summary.PeakNicUtilisation, 0, 1 + 1e-9);
            if (r.Summary.PeakNicUtilisation > 1 - 1e-9 && HasConcurrentMigrationsOnOneNic(r)) Interlocked.Increment(ref shared);
        }, iter: 600);
        Assert.True(shared > 0, "no sample ran two migrations on one NIC at full use; the property was not exercised");
    }

    [Fact]
    public void Without_faults_every_migration_completes_in_its_stage_and_the_replay_reaches_the_plans_placement()
    {
        Cases.Sample((s, options) =>
        {
            var plan = MigrationPlanner.Plan(s.Problem, s.Target, s.Limit);
            var r = Simulator.Run(s.Problem, s.Target, plan, [], options);

            Assert.Equal(plan.Stages.Sum(st => st.Migrations.Count(m => m.Kind != MigrationKind.Place)), r.Migrations.Length);
            Assert.All(r.Migrations, m => Assert.Equal(MigrationStatus.Completed, m.Status));
            for (var k = 0; k < r.Stages.Length; k++)
            {
                var stage = r.Stages[k];
                Assert.Equal(k == 0 ? 0 : r.Stages[k - 1].EndSeconds, stage.StartSeconds);
                Assert.All(r.Migrations.Where(m => m.Stage == stage.Number), m =>
                    Assert.True(m.StartSeconds >= stage.StartSeconds && m.EndSeconds <= stage.EndSeconds));
            }
            if (plan.ReachesTarget) Assert.Equal(s.Target.HostOf.ToArray(), r.Final.HostOf.ToArray());
            Assert.Equal(r.Stages.IsEmpty ? 0 : r.Stages[^1].EndSeconds, r.Summary.TotalSeconds);
        }, iter: 400);
    }

    [Fact]
    public void Replays_are_deterministic()
    {
        Cases.Sample((s, options) =>
        {
            var plan = MigrationPlanner.Plan(s.Problem, s.Target, s.Limit);
            var faults = options with { Faults = new FaultOptions(0.3, 5, 2, 11) };
            var a = Simulator.Run(s.Problem, s.Target, plan, [], faults);
            var b = Simulator.Run(s.Problem, s.Target, plan, [], faults);
            Assert.True(a.Migrations.SequenceEqual(b.Migrations));
            Assert.Equal(a.Summary, b.Summary);
        }, iter: 200);
    }

    private static bool HasConcurrentMigrationsOnOneNic(SimulationResult r) =>
        r.Migrations.Any(a => r.Migrations.Any(b => a.Index < b.Index && a.From == b.From
            && a.StartSeconds < b.EndSeconds && b.StartSeconds < a.EndSeconds));
}

using Consolidator.Simulation;
using Consolidator.Staging;
using static Consolidator.Tests.Simulation.SmallClusters;

namespace Consolidator.Tests.Simulation;

public class FaultInjectionTests
{
    private static readonly (double, double, double?)[] ThreeHosts = [(64, 65536, 10), (64, 65536, 10), (64, 65536, 10)];

    [Fact]
    public void A_pre_copy_link_failure_leaves_the_vm_on_its_source_and_its_next_move_is_skipped()
    {
        var p = Problem(ThreeHosts, [(2, 8192, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Relay)], [new Migration(0, 1, 2, MigrationKind.Move)]);

        var r = Run(p, plan, new SimulationOptions(Method: MethodSelection.PreCopy, Faults: new FaultOptions(FailAtSeconds: 2)));

        Assert.Equal(MigrationStatus.Aborted, r.Migrations[0].Status);
        Assert.Equal(2, r.Migrations[0].EndSeconds, 9);
        Assert.Contains("during pre-copy; the VM keeps running on its source", r.Migrations[0].Note);
        Assert.Equal(0, r.Migrations[0].DowntimeSeconds);
        Assert.Equal(MigrationStatus.Skipped, r.Migrations[1].Status);
        Assert.Equal("the VM is on h0, not h1, after an earlier migration failed", r.Migrations[1].Note);
        Assert.Equal(0, r.Final[0]);
        Assert.Equal(1, r.Summary.VmsOffTarget);
        Assert.Equal((1, 1), (r.Summary.Aborted, r.Summary.Skipped));
        Assert.Equal(0, r.Summary.NonConverging);
    }

    [Fact]
    public void A_post_copy_link_failure_loses_the_vm_without_a_checkpoint()
    {
        var p = Problem(ThreeHosts, [(2, 8192, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)]);

        var r = Run(p, plan, new SimulationOptions(Method: MethodSelection.PostCopy, Faults: new FaultOptions(FailAtSeconds: 3)));

        var m = Assert.Single(r.Migrations);
        Assert.Equal(MigrationStatus.Lost, m.Status);
        Assert.Contains("no checkpoint, the VM is lost", m.Note);
        Assert.Equal(-1, r.Final[0]);
        Assert.Equal(1, r.Summary.Lost);
        Assert.True(m.DegradedSeconds > 2.9 && m.DegradedSeconds < 3);
    }

    [Fact]
    public void With_checkpoints_a_post_copy_vm_is_restored_on_its_source_losing_the_state_since_the_last_one()
    {
        var p = Problem(ThreeHosts, [(2, 8192, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)]);

        var r = Run(p, plan, new SimulationOptions(Method: MethodSelection.PostCopy,
            Faults: new FaultOptions(FailAtSeconds: 3.5, CheckpointIntervalSeconds: 2)));

        var m = Assert.Single(r.Migrations);
        Assert.Equal(MigrationStatus.Restored, m.Status);
        Assert.Equal(1.5, m.LostStateSeconds, 9);
        Assert.Contains("losing 1.5 s of state", m.Note);
        Assert.Equal(0, r.Final[0]);
        Assert.Equal(1.5, r.Summary.LostStateSeconds, 9);
    }

    [Fact]
    public void A_failed_move_that_would_have_made_room_blocks_the_later_move_that_needed_it()
    {
        // h1 holds only one 40 GiB VM: vm1 may move to h1 only after vm0 has left it.
        var p = Problem([(64, 65536, 10), (64, 40960, 10), (64, 65536, 10)], [(2, 40960, 1), (2, 40960, 0)]);
        var plan = Plan([new Migration(0, 1, 2, MigrationKind.Move)], [new Migration(1, 0, 1, MigrationKind.Move)]);

        var r = Run(p, plan, new SimulationOptions(Method: MethodSelection.PreCopy, Faults: new FaultOptions(FailAtSeconds: 1)));

        Assert.Equal(MigrationStatus.Aborted, r.Migrations[0].Status);
        Assert.Equal(MigrationStatus.Skipped, r.Migrations[1].Status);
        Assert.Equal("h1 would need 81920 MiB of memory in window 00:00-24:00, over its capacity of 40960", r.Migrations[1].Note);
        Assert.Equal([1, 0], r.Final.HostOf.ToArray());
    }

    [Fact]
    public void A_failure_after_the_last_migration_changes_nothing_not_even_the_clock()
    {
        var p = Problem(ThreeHosts, [(2, 4096, 0), (2, 4096, 1)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)], [new Migration(1, 1, 2, MigrationKind.Move)]);
        var clean = Run(p, plan, new SimulationOptions());

        var r = Run(p, plan, new SimulationOptions(Faults: new FaultOptions(FailAtSeconds: clean.Summary.TotalSeconds + 100)));

        Assert.True(clean.Migrations.SequenceEqual(r.Migrations));
        Assert.Equal(clean.Summary.TotalSeconds, r.Summary.TotalSeconds);
    }

    [Fact]
    public void A_failure_in_the_resume_after_stop_and_copy_changes_nothing()
    {
        var p = Problem(ThreeHosts, [(2, 1024, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)]);
        var clean = Run(p, plan, new SimulationOptions(Method: MethodSelection.PreCopy));
        var resumeStarts = clean.Summary.TotalSeconds - clean.Options.ResumeSeconds / 2;

        var r = Run(p, plan, new SimulationOptions(Method: MethodSelection.PreCopy, Faults: new FaultOptions(FailAtSeconds: resumeStarts)));

        Assert.Equal(MigrationStatus.Completed, r.Migrations[0].Status);
        // The failure event splits the resume into two steps: the pause may differ in its last bits.
        Assert.Equal(clean.Migrations[0].DowntimeSeconds, r.Migrations[0].DowntimeSeconds, 1e-12);
        Assert.Equal(clean.Migrations[0], r.Migrations[0] with { DowntimeSeconds = clean.Migrations[0].DowntimeSeconds });
    }

    [Fact]
    public void Link_failure_draws_are_seeded_and_follow_the_probability()
    {
        var hosts = Enumerable.Range(0, 10).Select(_ => (64.0, 655360.0, (double?)10)).ToArray();
        var vms = Enumerable.Range(0, 200).Select(v => (1.0, 1024.0, v % 10)).ToArray();
        var p = Problem(hosts, vms);
        var plan = Plan([.. Enumerable.Range(0, 20).Select(s => Enumerable.Range(s * 10, 10)
            .Select(v => new Migration(v, v % 10, (v + 1) % 10, MigrationKind.Move)).ToArray())]);
        SimulationResult Fail(double probability, int seed) =>
            Run(p, plan, new SimulationOptions(Faults: new FaultOptions(LinkFailureProbability: probability, Seed: seed)));

        var some = Fail(0.3, 7);
        var failed = some.Summary.Aborted + some.Summary.Lost + some.Summary.Restored;

        Assert.InRange(failed, 30, 90);
        var again = Fail(0.3, 7).Migrations;
        for (var k = 0; k < again.Length; k++) Assert.Equal(some.Migrations[k], again[k]);
        Assert.False(some.Migrations.SequenceEqual(Fail(0.3, 8).Migrations));
        Assert.Equal(200, Fail(0, 7).Summary.Completed);
        // Certain failure fails every migration (the moment was drawn over the predicted duration, resume included,
        // and migrations quicker than predicted completed).
        Assert.Equal(200, Fail(1, 7).Summary.Aborted);
    }

    /// <summary>Ten VMs of 1-10 GiB leave h0 together, no per-host limit: each is planned at a tenth of the NIC, but
    /// as the small ones end the others speed up, so every copy but the last ends sooner than predicted.</summary>
    private static (Consolidator.Packing.PlacementProblem, MigrationPlan) OneBusyStage()
    {
        var hosts = Enumerable.Range(0, 11).Select(_ => (64.0, 655360.0, (double?)10)).ToArray();
        var p = Problem(hosts, [.. Enumerable.Range(0, 10).Select(v => (1.0, 1024.0 * (v + 1), 0))]);
        return (p, Plan([.. Enumerable.Range(0, 10).Select(v => new Migration(v, 0, v + 1, MigrationKind.Move))]));
    }

    [Theory]
    [InlineData(MethodSelection.PreCopy, null)]
    [InlineData(MethodSelection.PostCopy, null)]
    [InlineData(MethodSelection.Hybrid, null)]
    [InlineData(MethodSelection.Auto, 5.0)]
    public void At_probability_1_every_migration_loses_its_link_while_it_copies_whatever_its_method_and_seed(MethodSelection method, double? recovery)
    {
        var (p, plan) = OneBusyStage();
        for (var seed = 1; seed <= 20; seed++)
        {
            var r = Run(p, plan, new SimulationOptions(Method: method, MaxConcurrentPerHost: 0,
                Faults: new FaultOptions(1, Seed: seed, RecoverySeconds: recovery)));
            foreach (var m in r.Migrations)
            {
                Assert.NotEqual(MigrationStatus.Completed, m.Status);
                var at = double.Parse(System.Text.RegularExpressions.Regex.Match(m.Note!, @"link failed at ([0-9.]+) s").Groups[1].Value,
                    System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(at, m.StartSeconds - 1e-3, m.EndSeconds + 1e-3);
            }
        }
    }

    [Fact]
    public void At_probability_0_no_migration_fails_and_the_run_is_the_run_without_faults()
    {
        var (p, plan) = OneBusyStage();
        var clean = Run(p, plan, new SimulationOptions(MaxConcurrentPerHost: 0));
        var r = Run(p, plan, new SimulationOptions(MaxConcurrentPerHost: 0, Faults: new FaultOptions(0, Seed: 3)));

        Assert.True(clean.Migrations.SequenceEqual(r.Migrations));
    }

    [Fact]
    public void A_drawn_failure_falls_uniformly_within_the_copy_of_a_migration_alone_on_its_link()
    {
        // One 4 GiB pre-copy migration alone on 1 Gbit/s keeps its rate, so its link fails exactly after the drawn
        // share of its copy: the second of its two draws.
        var p = Problem([(64, 655360, 1), (64, 655360, 1)], [(1, 4096, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)]);
        var options = new SimulationOptions(Method: MethodSelection.PreCopy);
        var clean = Run(p, plan, options).Migrations[0];
        // The copy ends when the resume begins; the resume and the final sync's walk of the bitmap (about 1 ms here,
        // hence the tolerance below) follow it.
        var copy = clean.EndSeconds - clean.StartSeconds - options.ResumeSeconds;

        var shares = new List<double>();
        for (var seed = 1; seed <= 200; seed++)
        {
            var m = Run(p, plan, options with { Faults = new FaultOptions(1, Seed: seed) }).Migrations[0];
            Assert.Equal(MigrationStatus.Aborted, m.Status);
            var random = Consolidator.Randomness.SplitMix64.FromSeed(seed);
            random.NextDouble();
            var drawn = random.NextDouble();
            var share = (m.EndSeconds - m.StartSeconds) / copy;
            Assert.True(Math.Abs(share - drawn) < 1e-4, $"seed {seed}: failed after {share:0.######} of the copy, drawn {drawn:0.######}");
            shares.Add(share);
        }

        Assert.All(shares, s => Assert.InRange(s, 0, 1));
        Assert.True(shares.Min() < 0.03 && shares.Max() > 0.97, $"{shares.Min()} {shares.Max()}");
    }

    [Fact]
    public void A_scripted_failure_at_second_0_fails_the_migrations_that_start_then_and_strikes_once()
    {
        // vm0 and vm1 start at 0 in stage 1; vm2 waits for vm0's slot on h0 (one per host); stage 2 would start at 0 too
        // once stage 1 has failed. Only what runs when the failure strikes fails.
        var p = Problem([(64, 65536, 10), (64, 65536, 10), (64, 65536, 10), (64, 65536, 10)], [(2, 4096, 0), (2, 4096, 1), (2, 4096, 0), (2, 4096, 3)]);
        var plan = Plan([new Migration(0, 0, 2, MigrationKind.Move), new Migration(1, 1, 3, MigrationKind.Move), new Migration(2, 0, 1, MigrationKind.Move)],
            [new Migration(3, 3, 2, MigrationKind.Move)]);

        var r = Run(p, plan, new SimulationOptions(MaxConcurrentPerHost: 1, Faults: new FaultOptions(FailAtSeconds: 0)));

        Assert.Equal(
            [MigrationStatus.Aborted, MigrationStatus.Aborted, MigrationStatus.Completed, MigrationStatus.Completed],
            r.Migrations.Select(m => m.Status).ToArray());
        Assert.Equal("link failed at 0 s during setup; the VM keeps running on its source", r.Migrations[0].Note);
        Assert.Equal(0, r.Migrations[2].StartSeconds);
        Assert.True(r.Summary.TotalSeconds > 0);
    }

    [Fact]
    public void A_scripted_failure_spares_a_migration_that_ends_at_that_moment_and_fails_one_that_starts_then()
    {
        var p = Problem(ThreeHosts, [(2, 4096, 0), (2, 4096, 1)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)], [new Migration(1, 1, 2, MigrationKind.Move)]);
        var firstEnds = Run(p, plan, new SimulationOptions()).Migrations[0].EndSeconds;

        var r = Run(p, plan, new SimulationOptions(Faults: new FaultOptions(FailAtSeconds: firstEnds)));

        Assert.Equal(MigrationStatus.Completed, r.Migrations[0].Status);
        Assert.Equal(MigrationStatus.Aborted, r.Migrations[1].Status);
        Assert.Equal(firstEnds, r.Migrations[1].StartSeconds);
        Assert.Equal(firstEnds, r.Migrations[1].EndSeconds);
    }
}

using Consolidator.Simulation;
using Consolidator.Staging;
using static Consolidator.Tests.Simulation.SmallClusters;

namespace Consolidator.Tests.Simulation;

public class ReplayTests
{
    /// <summary>Post-copy without sync costs: a migration is its device state, the resume, then every page once.</summary>
    private static readonly SimulationOptions PostCopyOnly = new(Method: MethodSelection.PostCopy, MaxConcurrentPerHost: 0, SyncSecondsPerGib: 0);

    /// <summary>Wire MiB per MiB of pages: each 4 KiB page travels with an 8-byte header.</summary>
    private const double H = 1 + PageStream.PageHeaderShare;

    [Fact]
    public void Two_migrations_leaving_one_host_share_its_nic_and_each_take_twice_as_long()
    {
        var p = Problem([(64, 65536, 10), (64, 65536, 10), (64, 65536, 10)], [(2, 8192, 0), (2, 8192, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move), new Migration(1, 0, 2, MigrationKind.Move)]);

        var r = Run(p, plan, PostCopyOnly);

        var half = Wire(10) / 2;
        var expected = (8192 + 1) * H / half + PostCopyOnly.ResumeSeconds;
        Assert.All(r.Migrations, m => Assert.Equal(expected, m.TotalSeconds, 6));
        Assert.Equal(expected, r.Summary.TotalSeconds, 6);
        Assert.Equal(1.0, r.Summary.PeakNicUtilisation, 9);
    }

    [Fact]
    public void A_cancelled_replay_stops_with_an_exception_and_returns_nothing()
    {
        // The planner stops a replay at the command's time limit this way and leaves it out of the plan.
        var p = Problem([(64, 65536, 10), (64, 65536, 10)], [(2, 4096, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)]);
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Simulator.Run(p, Target(p, plan), plan, [], PostCopyOnly, stop.Token));
        Assert.Single(Simulator.Run(p, Target(p, plan), plan, [], PostCopyOnly, CancellationToken.None).Migrations);
    }

    [Fact]
    public void A_migration_runs_at_the_slower_of_its_two_nics()
    {
        var p = Problem([(64, 65536, 10), (64, 65536, 1)], [(2, 4096, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)]);

        var m = Assert.Single(Run(p, plan, PostCopyOnly).Migrations);

        Assert.Equal(4097 * H / Wire(1) + PostCopyOnly.ResumeSeconds, m.TotalSeconds, 6);
    }

    [Fact]
    public void With_one_migration_per_host_the_second_starts_when_the_first_ends()
    {
        var p = Problem([(64, 65536, 10), (64, 65536, 10), (64, 65536, 10)], [(2, 8192, 0), (2, 4096, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move), new Migration(1, 0, 2, MigrationKind.Move)]);

        var r = Run(p, plan, PostCopyOnly with { MaxConcurrentPerHost = 1 });

        Assert.Equal(0, r.Migrations[0].StartSeconds);
        Assert.Equal(r.Migrations[0].EndSeconds, r.Migrations[1].StartSeconds, 9);
        Assert.Equal(4097 * H / Wire(10) + PostCopyOnly.ResumeSeconds, r.Migrations[1].TotalSeconds, 6);
    }

    [Fact]
    public void A_stage_starts_when_the_previous_one_has_ended()
    {
        var p = Problem([(64, 65536, 10), (64, 65536, 10), (64, 65536, 10)], [(2, 8192, 0), (2, 2048, 2)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)], [new Migration(1, 2, 0, MigrationKind.Move)]);

        var r = Run(p, plan, new SimulationOptions());

        Assert.Equal(2, r.Stages.Length);
        Assert.Equal(r.Stages[0].EndSeconds, r.Stages[1].StartSeconds);
        Assert.Equal(r.Migrations[0].EndSeconds, r.Migrations[1].StartSeconds);
        Assert.Equal(r.Stages[0].MakespanSeconds + r.Stages[1].MakespanSeconds, r.Summary.TotalSeconds, 9);
        Assert.Equal([1, 0], r.Final.HostOf.ToArray());
        Assert.Equal(0, r.Summary.VmsOffTarget);
    }

    [Fact]
    public void A_new_migration_slows_the_one_already_running_on_the_same_nic()
    {
        var p = Problem([(64, 65536, 10), (64, 65536, 10), (64, 65536, 10)], [(2, 16384, 0), (2, 1024, 2)]);
        // vm1 arrives on h0's receiving side while vm0 leaves on its sending side: full duplex, no slowdown.
        var duplex = Run(p, Plan([new Migration(0, 0, 1, MigrationKind.Move), new Migration(1, 2, 0, MigrationKind.Move)]), PostCopyOnly);
        var alone = Run(p, Plan([new Migration(0, 0, 1, MigrationKind.Move)]), PostCopyOnly);
        Assert.Equal(alone.Migrations[0].TotalSeconds, duplex.Migrations[0].TotalSeconds, 9);

        // vm1 also sent by h0 halves vm0's rate while it runs; when it ends vm0 gets the whole NIC again.
        var q = Problem([(64, 65536, 10), (64, 65536, 10), (64, 65536, 10)], [(2, 16384, 0), (2, 1024, 0)]);
        var shared = Run(q, Plan([new Migration(0, 0, 1, MigrationKind.Move), new Migration(1, 0, 2, MigrationKind.Move)]), PostCopyOnly);
        // Both run at half rate until vm1's 1025 MiB are across; vm0 has then sent 1025 MiB less than alone.
        Assert.Equal(2 * 1025 * H / Wire(10) + PostCopyOnly.ResumeSeconds, shared.Migrations[1].TotalSeconds, 6);
        Assert.Equal(alone.Migrations[0].TotalSeconds + 1025 * H / Wire(10), shared.Migrations[0].TotalSeconds, 6);
    }

    [Fact]
    public void First_placements_take_no_time_and_are_counted_on_their_stage()
    {
        var p = Problem([(64, 65536, 10), (64, 65536, 10)], [(2, 4096, -1), (2, 4096, 0)]);
        var plan = Plan([new Migration(0, -1, 1, MigrationKind.Place), new Migration(1, 0, 1, MigrationKind.Move)]);

        var r = Run(p, plan, new SimulationOptions());

        var m = Assert.Single(r.Migrations);
        Assert.Equal(1, m.Vm);
        Assert.Equal(1, r.Stages[0].Placements);
        Assert.Equal([1, 1], r.Final.HostOf.ToArray());
    }
}

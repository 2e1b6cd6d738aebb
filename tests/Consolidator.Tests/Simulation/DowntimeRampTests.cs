using Consolidator.Simulation;

namespace Consolidator.Tests.Simulation;

/// <summary>KubeVirt's dynamic downtime tuning (VEP 291) and the writable working set it exists for: a guest that rewrites a
/// small hot set faster than a pass keeps it dirty in QEMU's bitmap, so pre-copy plateaus there and converges only once
/// the downtime-limit's threshold clears the plateau; a dirty-log sync adds only the pages not dirty in the bitmap already.</summary>
public class DowntimeRampTests
{
    /// <summary>An 8 GiB guest on 1 Gbit/s rewriting a 60 MiB working set ten times a second, dirtying 10 MiB/s elsewhere: its
    /// plateau is the working set plus the cold pages dirtied while it crosses, 60 / (1 - 10 / 111) = 66 MiB, ~0.6 s of link.</summary>
    private static readonly VmMigrationInputs Plateauing = new(8192, DirtyProfile.OverWorkingSet(60, 600, 10), 1, 0);

    private static readonly double Link = LinkProfile.Tcp.GoodputMibPerSecond(1);

    private static (MigrationOutcome Outcome, double LimitAtStop) Run(SimulationOptions options)
    {
        var process = new MigrationProcess(Plateauing, MigrationMethod.PreCopy, options, Link);
        while (!process.IsDone)
        {
            process.Advance(process.NextDelay(Link), Link);
            process.Step(Link);
        }
        return (LiveMigration.Outcome(process), process.QemuDowntimeLimitSeconds);
    }

    [Fact]
    public void A_working_set_rewritten_faster_than_a_pass_is_not_added_again_at_every_check()
    {
        // Before a sync counted only the pages not already dirty, the 60 MiB came back whole at each check on top of the
        // bitmap that still held them, and this guest never converged at any limit (1.05 s: suspended at its 1200 s timeout).
        var low = Run(new SimulationOptions(QemuDowntimeLimitSeconds: 0.3)).Outcome;
        var high = Run(new SimulationOptions(QemuDowntimeLimitSeconds: 1.05)).Outcome;

        Assert.False(low.Converged, $"a 300 ms threshold (33 MiB) is below the 66 MiB plateau: {low.TotalSeconds} s");
        Assert.True(high.Converged, $"a 1.05 s threshold (116 MiB) clears it: {high.TotalSeconds} s, {high.Rounds} syncs");
        Assert.True(high.TotalSeconds < 120, $"it stops soon after the first pass (~74 s): {high.TotalSeconds} s");
    }

    [Fact]
    public void The_ramp_converges_the_plateau_at_the_first_level_that_clears_it()
    {
        var (ramped, limit) = Run(new SimulationOptions(QemuDowntimeLimitSeconds: 0.3, DowntimeRamp: DowntimeRamp.KubeVirtDefault));

        Assert.True(ramped.Converged, $"{ramped.TotalSeconds} s");
        // 66 MiB needs a limit of ~0.6 s; the levels are 150, 300, 450, 600 ... 1050 ms.
        Assert.InRange(limit, 0.6 - 1e-9, 0.75 + 1e-9);
        Assert.InRange(ramped.QemuDowntimeSeconds, 0.3, limit);
        // The ramp starts at iteration 3 (after the second pass) and rises every 10 s: not before three rises.
        Assert.True(ramped.TotalSeconds > 74 + 30, $"{ramped.TotalSeconds} s");
    }

    [Fact]
    public void The_ramp_rises_in_equal_steps_from_its_start_to_its_ceiling()
    {
        var ramp = DowntimeRamp.KubeVirtDefault;
        Assert.Equal(0.15, ramp.LimitAt(double.NaN), 9);
        Assert.Equal(0.15, ramp.LimitAt(9.99), 9);
        Assert.Equal(0.30, ramp.LimitAt(10), 9);
        Assert.Equal(0.60, ramp.LimitAt(35), 9);
        Assert.Equal(1.05, ramp.LimitAt(60), 9);
        Assert.Equal(1.05, ramp.LimitAt(1e6), 9);
        Assert.Equal(10, ramp.NextStepAt(0), 9);
        Assert.Equal(40, ramp.NextStepAt(35), 9);
        Assert.Equal(double.PositiveInfinity, ramp.NextStepAt(60));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulationOptions(DowntimeRamp: ramp with { Steps = 1 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulationOptions(DowntimeRamp: ramp with { CeilingSeconds = 0.1 }).Validate());
    }
}

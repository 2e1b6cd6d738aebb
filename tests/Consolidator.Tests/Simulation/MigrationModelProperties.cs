using Consolidator.Simulation;
using CsCheck;

namespace Consolidator.Tests.Simulation;

public class MigrationModelProperties
{
    /// <summary>A VM of 256 MiB to 64 GiB with a two-class dirty profile and some zero pages, and a wire
    /// bandwidth of 10 to 5000 MiB/s.</summary>
    private static readonly Gen<(VmMigrationInputs Vm, double Wire)> Cases =
        Gen.Select(Gen.Int[1, 256], Gen.Int[0, 400], Gen.Int[1, 40], Gen.Int[0, 200], Gen.Int[0, 90], Gen.Int[10, 5000],
            (quarterGib, hot, rewriteTenths, cold, zeroPercent, wire) =>
                (new VmMigrationInputs(quarterGib * 256.0, new DirtyProfile(hot, rewriteTenths / 10.0, cold), 1, quarterGib * 256.0 * zeroPercent / 100),
                    (double)wire));

    /// <summary>The same without zero pages: with them, the data share of the final copy depends on how many
    /// syncs the end game took, which is not monotone in the dirty rate (a known limit, see docs/simulator.md).</summary>
    private static readonly Gen<(VmMigrationInputs Vm, double Wire)> DataOnly = Cases.Select(c => (c.Vm with { ZeroMib = 0 }, c.Wire));

    private static readonly SimulationOptions Options = new();

    /// <summary>The defaults plus a first pass that ends in a run of data (the lab guest's: its struct page array and
    /// 3.1 MiB more at the top of its RAM).</summary>
    private static readonly SimulationOptions WithRun = Options with { EndOfPassDataMibPerGib = 16, EndOfPassDataMib = 3.1 };

    private static SimulationOptions Of(bool run) => run ? WithRun : Options;

    /// <summary>Rounding slack on comparisons of downtimes computed along different paths.</summary>
    private const double Slack = 1e-4;

    [Fact]
    public void A_smaller_cpu_share_never_shortens_a_migration_of_a_guest_that_does_not_dirty()
    {
        // The migration thread's CPU work (syncs, zero checks, sends) takes 1/share as long; with nothing dirtied,
        // nothing else changes, whether that work overlaps the wire or adds to it.
        Gen.Select(Cases, Gen.Int[5, 100], Gen.Int[101, 400], Gen.Bool).Sample((c, sharePercent, slowerPercent, adds) =>
        {
            var options = Options with { SyncSecondsPerDirtyGib = 0.4, SendCpuSecondsPerGib = 0.3, ZeroScanMibPerSecond = 1000, CpuWaitIdlesLink = adds };
            var vm = c.Vm with { Dirty = new DirtyProfile(0, 2, 0), CpuShare = sharePercent / 100.0 };
            var slower = vm with { CpuShare = vm.CpuShare * 100 / slowerPercent };
            foreach (var method in new[] { MigrationMethod.PreCopy, MigrationMethod.PostCopy })
            {
                var fast = LiveMigration.Run(vm, method, c.Wire, options);
                var slow = LiveMigration.Run(slower, method, c.Wire, options);
                Assert.True(slow.TotalSeconds >= fast.TotalSeconds * (1 - 1e-9),
                    $"{method}: {fast.TotalSeconds} s at CPU share {vm.CpuShare} but {slow.TotalSeconds} s at {slower.CpuShare}");
                Assert.True(slow.PageMib >= vm.DataMib - 1e-6, $"{method}: sent {slow.PageMib} MiB of {vm.DataMib} MiB of data at CPU share {slower.CpuShare}");
            }
        }, iter: 300);
    }

    [Fact]
    public void A_slower_destination_never_shortens_a_pre_copy_on_either_end_and_its_load_bounds_the_first_pass()
    {
        // The destination loads every page of the stream at its own CPU share (QEMU 7.2 ram_load_precopy, measured in
        // the lab at 1.9-2.1 s per GiB of data under TCG): the stream goes no faster than that load, whichever end is
        // slower, but for what the sockets' buffers hold.
        Gen.Select(Cases, Gen.Int[5, 100], Gen.Int[101, 400], Gen.Bool).Sample((c, sharePercent, slowerPercent, adds) =>
        {
            var options = Options with { DestinationLoadCpuSecondsPerGib = 2.1, ZeroScanMibPerSecond = 1000, CpuWaitIdlesLink = adds };
            var vm = c.Vm with { Dirty = new DirtyProfile(0, 2, 0), DestinationCpuShare = sharePercent / 100.0 };
            var slower = vm with { DestinationCpuShare = vm.DestinationCpuShare * 100 / slowerPercent };
            var fast = LiveMigration.Run(vm, MigrationMethod.PreCopy, c.Wire, options);
            var slow = LiveMigration.Run(slower, MigrationMethod.PreCopy, c.Wire, options);
            // QEMU's own total ends on the source, whose writes a slower loader only holds back (the sockets' buffers
            // fill sooner; QEMU 7.2 migration.c 3715-3717 takes the threshold from the bytes the source got out,
            // bandwidth = transferred / time_spent, so it falls too): it never ends sooner.
            Assert.True(slow.TotalSeconds >= fast.TotalSeconds * (1 - 1e-9),
                $"QEMU's total {fast.TotalSeconds} s at destination share {vm.DestinationCpuShare} but {slow.TotalSeconds} s at {slower.DestinationCpuShare}; {fast.Rounds} / {slow.Rounds} syncs, converged {fast.Converged} / {slow.Converged}");
            Assert.True(slow.TotalSeconds + slow.LoadLagSeconds >= (fast.TotalSeconds + fast.LoadLagSeconds) * (1 - 1e-9),
                $"{fast.TotalSeconds} + {fast.LoadLagSeconds} s at destination share {vm.DestinationCpuShare} but {slow.TotalSeconds} + {slow.LoadLagSeconds} s at {slower.DestinationCpuShare}; {fast.Rounds} / {slow.Rounds} syncs, converged {fast.Converged} / {slow.Converged}");
            // The source runs ahead of the loading by the sockets' buffers at most: the destination is done no sooner.
            var load = vm.MemoryMib * options.DestinationLoadCpuSecondsPerGib / 1024 / slower.DestinationCpuShare;
            Assert.True(slow.TotalSeconds + slow.LoadLagSeconds >= load * (1 - 1e-9),
                $"{slow.TotalSeconds} s and {slow.LoadLagSeconds} s of loading after, but loading {vm.MemoryMib} MiB takes {load} s");
            Assert.True(slow.DowntimeSeconds >= slow.LoadLagSeconds, $"{slow.DowntimeSeconds} s stopped, {slow.LoadLagSeconds} s of loading after the source");
            var unbound = LiveMigration.Run(vm, MigrationMethod.PreCopy, c.Wire, options with { DestinationLoadCpuSecondsPerGib = 0 });
            Assert.True(fast.TotalSeconds >= unbound.TotalSeconds * (1 - 1e-9), $"{fast.TotalSeconds} s with the load, {unbound.TotalSeconds} s without");
        }, iter: 300);
    }

    [Fact]
    public void A_guest_suspended_during_its_first_pass_still_sends_every_data_page_while_stopped()
    {
        // libvirt's --timeout with the suspend action fires before the first pass is through: the pages it has
        // not reached yet cross while the guest is paused (CI's smoke-suspend: 4.0 s of downtime after 3 s).
        Gen.Select(Cases, Gen.Int[1, 5]).Sample((c, timeout) =>
        {
            var vm = c.Vm with { Dirty = DirtyProfile.OverWorkingSet(96, 64, 0) };
            var options = Options with { PreCopyTimeoutSeconds = timeout };
            var r = LiveMigration.Run(vm, MigrationMethod.PreCopy, c.Wire, options);
            Assert.True(r.PageMib >= vm.DataMib - 1e-6, $"sent {r.PageMib} MiB of {vm.DataMib} MiB of data");
            var unsentAtTimeout = vm.DataMib - c.Wire * timeout;
            Assert.True(r.DowntimeSeconds >= unsentAtTimeout / c.Wire * (1 - 1e-9),
                $"{r.DowntimeSeconds} s stopped with at least {unsentAtTimeout} MiB of the first pass left at {c.Wire} MiB/s");
        }, iter: 300);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pre_copy_sends_every_data_page_and_stops_the_vm_once(bool run)
    {
        Cases.Sample((vm, wire) =>
        {
            var r = LiveMigration.Run(vm, MigrationMethod.PreCopy, wire, Of(run));
            Assert.True(r.PageMib >= vm.DataMib - 1e-6, $"sent {r.PageMib} MiB of {vm.DataMib} MiB of data");
            Assert.True(r.DowntimeSeconds > 0 && r.TotalSeconds >= r.DowntimeSeconds);
            Assert.True(r.Rounds >= 2, "setup syncs once and the stop needs another");
        }, iter: 1000);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pre_copy_downtime_never_rises_with_bandwidth(bool run)
    {
        Gen.Select(DataOnly, Gen.Int[101, 400]).Sample((c, percent) =>
        {
            var slow = LiveMigration.Run(c.Vm, MigrationMethod.PreCopy, c.Wire, Of(run));
            var fast = LiveMigration.Run(c.Vm, MigrationMethod.PreCopy, c.Wire * percent / 100.0, Of(run));
            Assert.True(fast.DowntimeSeconds <= slow.DowntimeSeconds * (1 + Slack),
                $"downtime {slow.DowntimeSeconds} s at {c.Wire} MiB/s but {fast.DowntimeSeconds} s at {c.Wire * percent / 100.0} MiB/s");
        }, iter: 1000);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pre_copy_downtime_never_falls_as_the_guest_dirties_faster(bool run) => DowntimeNeverFallsAsTheGuestDirtiesFaster(run, seed: null, iter: 1000);

    [Fact]
    public void Pre_copy_downtime_never_falls_as_a_guest_whose_hot_set_exceeds_its_memory_dirties_faster()
    {
        // The counterexample that seed found (1 run in 10): a 256 MiB guest with a 360 MiB hot set rewritten in 0.1 s
        // and 22 MiB/s of cold pages, at 4483 MiB/s with the end-of-pass run. Its first check added the cold pages on
        // top of a bitmap the hot set already covered: 257.1 MiB pending, and 0.07203 s of downtime against 0.07103 s
        // dirtying 3.06 times faster (whose hot set filled the memory, capped at 256).
        DowntimeNeverFallsAsTheGuestDirtiesFaster(run: true, seed: "fkUaOdOkeWd2", iter: 1);
        // Both runs find the whole memory dirty at that check: the stop copies the same.
        var vm = new VmMigrationInputs(256, new DirtyProfile(360, 0.1, 22), 1);
        var slow = LiveMigration.Run(vm, MigrationMethod.PreCopy, 4483, WithRun);
        var fast = LiveMigration.Run(vm with { Dirty = new DirtyProfile(360, 0.1 / 3.06, 22 * 3.06) }, MigrationMethod.PreCopy, 4483, WithRun);
        Assert.Equal(fast.PendingAtStopMib, slow.PendingAtStopMib, 6);
    }

    private static void DowntimeNeverFallsAsTheGuestDirtiesFaster(bool run, string? seed, int iter)
    {
        Gen.Select(DataOnly, Gen.Int[101, 400]).Sample((c, percent) =>
        {
            var k = percent / 100.0;
            var faster = c.Vm with { Dirty = new DirtyProfile(c.Vm.Dirty.HotSetMib, c.Vm.Dirty.HotRewriteSeconds / k, c.Vm.Dirty.ColdRateMibPerSecond * k) };
            var slow = LiveMigration.Run(c.Vm, MigrationMethod.PreCopy, c.Wire, Of(run));
            var fast = LiveMigration.Run(faster, MigrationMethod.PreCopy, c.Wire, Of(run));
            Assert.True(slow.PendingAtStopMib <= c.Vm.MemoryMib + 1e-9 && fast.PendingAtStopMib <= c.Vm.MemoryMib + 1e-9,
                $"{slow.PendingAtStopMib} / {fast.PendingAtStopMib} MiB pending at the stop of a {c.Vm.MemoryMib} MiB guest");
            Assert.True(fast.DowntimeSeconds >= slow.DowntimeSeconds * (1 - Slack),
                $"downtime {slow.DowntimeSeconds} s dirtying {c.Vm.Dirty.RateMibPerSecond} MiB/s but {fast.DowntimeSeconds} s dirtying {faster.Dirty.RateMibPerSecond} MiB/s");
        }, seed: seed, iter: iter);
    }

    [Fact]
    public void An_idle_guest_whose_pass_ends_in_a_run_of_data_stops_no_longer_on_a_faster_link_and_sends_every_data_page()
    {
        // The idle guest stops at its first check, in the run of data its pass ends with: the stop copies what of the
        // run the median check finds unsent, less the socket queue's room, at most the threshold's worth; what the
        // check finds already sent crossed before the stop.
        Gen.Select(Cases, Gen.Int[101, 400]).Sample((c, percent) =>
        {
            var vm = c.Vm with { Dirty = new DirtyProfile(0, 2, 0) };
            var slow = LiveMigration.Run(vm, MigrationMethod.PreCopy, c.Wire, WithRun);
            var fast = LiveMigration.Run(vm, MigrationMethod.PreCopy, c.Wire * percent / 100.0, WithRun);
            Assert.True(fast.DowntimeSeconds <= slow.DowntimeSeconds * (1 + Slack),
                $"downtime {slow.DowntimeSeconds} s at {c.Wire} MiB/s but {fast.DowntimeSeconds} s at {c.Wire * percent / 100.0} MiB/s");
            Assert.True(slow.PageMib >= vm.DataMib - 1e-6, $"sent {slow.PageMib} MiB of {vm.DataMib} MiB of data");
        }, iter: 500);
    }

    [Fact]
    public void An_end_game_whose_checks_stop_with_small_odds_converges_after_the_median_check_instead_of_waiting_for_its_timeout()
    {
        // 100 MiB/s uncapped: a check's band is one 50 ms iteration, 5 MiB. A guest rewriting 512 MiB at 70 MiB/s
        // dirties 3.5 MiB between two checks: more than half the band, so no single check has even odds (30 %), but
        // two checks stop half of QEMU's runs. At 120 MiB/s (faster than the link) no check ever can.
        var vm = new VmMigrationInputs(1024, DirtyProfile.OverWorkingSet(512, 70, 0), 1);
        var r = LiveMigration.Run(vm, MigrationMethod.PreCopy, 100, Options);
        var never = LiveMigration.Run(vm with { Dirty = DirtyProfile.OverWorkingSet(512, 120, 0) }, MigrationMethod.PreCopy, 100, Options);

        Assert.True(r.Converged);
        Assert.True(r.TotalSeconds < 60, $"{r.TotalSeconds} s");
        Assert.InRange(r.DowntimeSeconds, 0.01, Options.MaxDowntimeSeconds);
        Assert.False(never.Converged);
        Assert.Equal(150, never.TimeoutSeconds!.Value, 6);
    }

    [Fact]
    public void A_sync_at_a_larger_cpu_share_than_the_migrations_never_slows_it()
    {
        Gen.Select(Cases, Gen.Int[5, 100]).Sample((c, sharePercent) =>
        {
            var options = Options with { SyncSecondsPerGib = 0.02, SyncSecondsPerDirtyGib = 0.1 };
            var idle = c.Vm with { CpuShare = sharePercent / 100.0, Dirty = new DirtyProfile(0, 2, 0) };
            var a = LiveMigration.Run(idle, MigrationMethod.PreCopy, c.Wire, options);
            var b = LiveMigration.Run(idle with { SyncCpuShare = Math.Min(1, 2 * idle.CpuShare) }, MigrationMethod.PreCopy, c.Wire, options);
            Assert.True(b.TotalSeconds <= a.TotalSeconds * (1 + 1e-9), $"{b.TotalSeconds} s with the faster syncs, {a.TotalSeconds} s without");
        }, iter: 200);
    }

    [Fact]
    public void Qemus_downtime_figure_leaves_out_the_room_the_syncs_around_the_stop_free_in_a_full_queue()
    {
        // QEMU 7.2 writes nothing during ram_save_pending's sync (before downtime_start) and ram_save_complete's
        // (after it) while the link drains the full socket queue; qemu_fflush returns once the socket has taken the
        // final copy's last byte. So a queue of Q MiB shortens QEMU's figure by the link time of the room those two
        // syncs made, at most Q at the link's rate, and never the pause itself (the queue must still cross).
        // Link-bound: up to 1000 MiB/s, under TCP's 10 Gbit/s per stream.
        Gen.Select(DataOnly, Gen.Int[10, 1000], Gen.Int[1, 8]).Sample((c, wire, queueMib) =>
        {
            var sync = Options with { SyncSecondsPerGib = 0.02, QemuDowntimeLimitSeconds = 0.1 };
            var none = LiveMigration.Run(c.Vm, MigrationMethod.PreCopy, wire, sync with { Link = LinkProfile.Tcp with { InFlightMib = 0 } });
            var queued = LiveMigration.Run(c.Vm, MigrationMethod.PreCopy, wire, sync with { Link = LinkProfile.Tcp with { InFlightMib = queueMib } });
            if (!none.Converged || !queued.Converged) return;
            var walk = 0.02 * c.Vm.MemoryMib / 1024;
            var room = none.QemuDowntimeSeconds - queued.QemuDowntimeSeconds;
            Assert.True(room >= -1e-9 && room <= (double)queueMib / wire + 1e-9, $"{room * 1000} ms of room from a {queueMib} MiB queue at {wire} MiB/s");
            var copy = none.QemuDowntimeSeconds - walk;
            Assert.True(room >= Math.Min(Math.Min((double)queueMib / wire, 2 * walk), copy) - 1e-6,
                $"{room * 1000} ms of room, but the two syncs took {2 * walk * 1000} ms and the copy {copy * 1000} ms");
            Assert.True(queued.QemuDowntimeSeconds <= queued.DowntimeSeconds + 1e-9, $"QEMU's figure {queued.QemuDowntimeSeconds} s, the pause {queued.DowntimeSeconds} s");
        }, iter: 300);
    }

    [Fact]
    public void An_idle_vm_of_mostly_zero_pages_stops_for_a_fraction_of_the_target()
    {
        // QEMU counts zero pages whole against the threshold but sends them as 9-byte markers: the final copy
        // of a mostly-empty guest is mostly zero pages (issue 14: an idle VM came out 17x too long).
        var idle = new VmMigrationInputs(8192, DirtyProfile.Idle, 1, ZeroMib: 7680);
        var r = LiveMigration.Run(idle, MigrationMethod.PreCopy, LinkProfile.Tcp.GoodputMibPerSecond(10), Options);

        Assert.True(r.Converged);
        Assert.InRange(r.DowntimeSeconds, 0.001, 0.1);
        Assert.InRange(r.WireMib, 512, 600);
    }

    [Fact]
    public void A_vm_dirtying_faster_than_the_link_does_not_converge_under_pre_copy_and_auto_moves_it_post_copy()
    {
        Gen.Select(Gen.Int[1, 64], Gen.Int[10, 2000], Gen.Int[101, 300]).Sample((gib, wire, percent) =>
        {
            var vm = new VmMigrationInputs(gib * 1024.0, DirtyProfile.FromRate(wire * percent / 100.0), 1);
            var stopOnly = Options with { Slo = SloDowntime.Stop };

            var pre = LiveMigration.Run(vm, MigrationMethod.PreCopy, wire, stopOnly);
            var choice = MethodChoice.Choose(vm, wire, stopOnly);

            Assert.False(pre.Converged);
            Assert.True(pre.DowntimeSeconds > Options.MaxDowntimeSeconds);
            Assert.Equal(PreCopyStopRules.Qemu.TimeoutSecondsPerGib!.Value * gib, pre.TimeoutSeconds!.Value, 1e-6);
            Assert.NotEqual(MigrationMethod.PreCopy, choice.Method);
            Assert.Contains("pre-copy does not converge", choice.Reason);
        }, iter: 300);
    }

    [Fact]
    public void A_vm_dirtying_far_faster_than_the_link_does_not_converge_either_however_fast()
    {
        // A hot set larger than the memory (1.1 s of the rate: 4.4 GiB at 4 GiB/s) was counted dirty in the bitmap beyond
        // the memory, so the overlap of the next sync swallowed what the guest dirtied: a 4 GiB guest dirtying 100 GiB/s
        // "converged" in 3 syncs with a 289 ms stop at 1100 MiB/s.
        Gen.Select(Gen.Int[1, 64], Gen.Int[10, 2000], Gen.Double[0.01, 4], Gen.Int[0, 90]).Sample((gib, wire, decades, zeroPercent) =>
        {
            var vm = new VmMigrationInputs(gib * 1024.0, DirtyProfile.FromRate(wire * 1.01 * Math.Pow(10, decades)), 1, gib * 1024.0 * zeroPercent / 100);

            var pre = LiveMigration.Run(vm, MigrationMethod.PreCopy, wire, Options);

            Assert.False(pre.Converged, $"{gib} GiB dirtying {vm.Dirty.RateMibPerSecond:0} MiB/s at {wire} MiB/s converged after {pre.Rounds} syncs, {pre.DowntimeSeconds * 1000:0} ms");
            Assert.True(pre.DowntimeSeconds > Options.MaxDowntimeSeconds);
        }, iter: 300);
    }

    [Fact]
    public void Auto_keeps_pre_copy_when_it_converges_within_the_target()
    {
        var vm = new VmMigrationInputs(4096, DirtyProfile.FromRate(20), 1);

        var choice = MethodChoice.Choose(vm, 1000, Options);

        Assert.Equal(MigrationMethod.PreCopy, choice.Method);
        Assert.True(choice.Predicted.Converged);
        Assert.InRange(choice.Predicted.DowntimeSeconds, 0.2, Options.MaxDowntimeSeconds);
    }

    [Fact]
    public void Post_copy_moves_each_page_once_and_stops_the_vm_only_for_its_state()
    {
        var o = Options with { SyncSecondsPerGib = 0 };
        Cases.Sample((vm, wire) =>
        {
            var r = LiveMigration.Run(vm, MigrationMethod.PostCopy, wire, o);
            var perMib = (1 + PageStream.PageHeaderShare) / Math.Min(wire, o.StreamsCapMibPerSecond);
            // Relative tolerances: rounding to a number of decimals fails at a rounding boundary (53.8329375).
            Assert.Equal(vm.DataMib + vm.DeviceStateMib, r.PageMib, 1e-9 * (vm.DataMib + 1));
            Assert.Equal(vm.DeviceStateMib * perMib + o.ResumeSeconds, r.DowntimeSeconds, 1e-9);
            var degraded = Math.Max(vm.DataMib * perMib, vm.ZeroMib / o.ZeroScanMibPerSecond);
            Assert.Equal(degraded, r.DegradedSeconds, 1e-9 * (degraded + 1));
            Assert.True(r.FaultStallSeconds <= r.DegradedSeconds + 1e-9);
        }, iter: 500);
    }

    [Fact]
    public void Post_copy_faults_on_the_working_set_not_on_the_hot_set()
    {
        var hotOnly = new VmMigrationInputs(8192, DirtyProfile.FromRate(10), 1);
        var bigWorkingSet = hotOnly with { WorkingSetMib = 512 };
        var link = LinkProfile.Tcp with { InFlightMib = 0.1 };
        var o = Options with { Link = link };

        var small = LiveMigration.Run(hotOnly, MigrationMethod.PostCopy, 1000, o);
        var large = LiveMigration.Run(bigWorkingSet, MigrationMethod.PostCopy, 1000, o);

        var perFault = link.FaultRoundTripSeconds + (link.InFlightMib + PageStream.PageMib) / 1000;
        Assert.Equal(o.FaultShare * 512 / PageStream.PageMib * perFault, large.FaultStallSeconds, 6);
        Assert.True(large.FaultStallSeconds > 10 * small.FaultStallSeconds);
        Assert.Equal(large.DowntimeSeconds + large.FaultStallSeconds, large.SloDowntimeSeconds(SloDowntime.StopAndStalls), 9);
        Assert.Equal(large.DowntimeSeconds, large.SloDowntimeSeconds(SloDowntime.Stop), 9);
    }

    [Fact]
    public void Hybrid_sends_one_full_pass_then_pulls_what_is_still_dirty()
    {
        var vm = new VmMigrationInputs(8192, DirtyProfile.FromRate(300), 1);

        var r = LiveMigration.Run(vm, MigrationMethod.Hybrid, 250, Options);

        Assert.Equal(2, r.Rounds);
        Assert.InRange(r.PendingAtStopMib, 300, 8192);
        // The switch comes at the sync that finds pass 1's remainder below the threshold, so the pages pulled
        // are that remainder plus what was dirtied; all but the remainder crossed in pass 1.
        Assert.InRange(r.PageMib, 8192 + 1 + r.PendingAtStopMib - 250 * Options.QemuDowntimeLimit, 8192 + 1 + r.PendingAtStopMib + 1e-6);
        Assert.True(r.DowntimeSeconds < 0.1);
    }

    [Fact]
    public void Compression_shrinks_the_wire_data_by_its_ratio_and_costs_a_core_per_thread()
    {
        var vm = new VmMigrationInputs(4096, DirtyProfile.FromRate(10), 1);
        var o = Options with { SyncSecondsPerGib = 0 };
        var plain = LiveMigration.Run(vm, MigrationMethod.PostCopy, 100, o);
        var compressed = LiveMigration.Run(vm, MigrationMethod.PostCopy, 100, o with { Compression = new PageCompression(2, 1000) });
        var cpuBound = LiveMigration.Run(vm, MigrationMethod.PostCopy, 100, o with { Compression = new PageCompression(2, 75, Threads: 2) });

        Assert.InRange(compressed.WireMib, plain.WireMib / 2, plain.WireMib / 2 + 1);
        Assert.Equal(plain.DegradedSeconds / 2, compressed.DegradedSeconds, 3);
        Assert.Equal(4096 / 150.0, cpuBound.DegradedSeconds, 3);
        Assert.Equal(4097 / 75.0, new PageCompression(2, 75, 2).CpuSeconds(4097), 9);
    }

    [Fact]
    public void Xen_stops_after_five_iterations_and_sends_at_least_its_writable_working_set()
    {
        var vm = new VmMigrationInputs(8192, DirtyProfile.FromRate(90), 1);
        var r = LiveMigration.Run(vm, MigrationMethod.PreCopy, 100, Options with { StopRules = PreCopyStopRules.Xen });

        Assert.Equal(5, r.Rounds);
        Assert.False(r.Converged);
        Assert.True(r.PendingAtStopMib >= vm.Dirty.HotSetMib);
    }

    [Fact]
    public void Xen_legacy_stops_a_diabolical_workload_once_its_rate_is_at_the_maximum_and_dirtying_does_not_shrink()
    {
        // A guest dirtying far faster than 500 Mbit/s: the rate climbs to its maximum, then the next iteration
        // that sends more than the one before ends pre-copy, long before 30 iterations or 3x memory.
        var vm = new VmMigrationInputs(1024, DirtyProfile.FromRate(200), 1);
        var r = LiveMigration.Run(vm, MigrationMethod.PreCopy, 1000, Options with { StopRules = PreCopyStopRules.XenLegacy });

        Assert.False(r.Converged);
        Assert.True(r.Rounds <= 3, $"{r.Rounds} iterations");
        Assert.True(r.PageMib <= 3 * vm.MemoryMib + vm.DeviceStateMib, $"{r.PageMib} MiB sent");
    }

    [Fact]
    public void Tcp_is_capped_per_stream_and_rdma_beats_it_on_a_fast_link()
    {
        var vm = new VmMigrationInputs(16384, DirtyProfile.Idle, 1);
        var fast = LinkProfile.Tcp.GoodputMibPerSecond(40);
        var tcp = LiveMigration.Run(vm, MigrationMethod.PreCopy, fast, Options);
        var multifd = LiveMigration.Run(vm, MigrationMethod.PreCopy, fast, Options with { Streams = 4 });
        var rdma = LiveMigration.Run(vm, MigrationMethod.PreCopy, LinkProfile.Rdma.GoodputMibPerSecond(40), Options with { Link = LinkProfile.Rdma });

        Assert.True(rdma.TotalSeconds < 0.7 * tcp.TotalSeconds, $"RDMA {rdma.TotalSeconds} s, TCP {tcp.TotalSeconds} s");
        Assert.True(multifd.TotalSeconds < 0.5 * tcp.TotalSeconds);
    }

    [Fact]
    public void Every_migration_ends_even_at_a_tiny_rate()
    {
        var vm = new VmMigrationInputs(8192, DirtyProfile.FromRate(50), 1);
        foreach (var method in new[] { MigrationMethod.PreCopy, MigrationMethod.PostCopy, MigrationMethod.Hybrid })
        {
            var r = LiveMigration.Run(vm, method, 1e-9, Options);
            Assert.True(double.IsFinite(r.TotalSeconds) && r.TotalSeconds > SimulationOptions.LongestMigrationSeconds);
        }
    }
}

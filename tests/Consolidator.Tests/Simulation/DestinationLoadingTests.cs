using Consolidator.Simulation;

namespace Consolidator.Tests.Simulation;

/// <summary>Issue 14: the destination loads the pre-copy stream behind the sockets' buffers (QEMU 7.2 ram.c: a zero page
/// is 9 wire bytes, loaded with buffer_is_zero over the destination's own page). The source runs ahead of a slower loader
/// until the buffers are full; QEMU's figures end on the source, the VM resumes once the destination has loaded it all.</summary>
public class DestinationLoadingTests
{
    /// <summary>A 1 GiB idle guest at 400 Mbit/s, on the lab's shape: 930 MiB of zero pages, its data at the bottom
    /// and in the end-of-pass run at the top.</summary>
    private static readonly VmMigrationInputs Idle = new(1024, new DirtyProfile(0, 1, 0), 0.25, ZeroMib: 930, DestinationCpuShare: 0.25);

    private static readonly SimulationOptions Lab = new(
        MaxDowntimeSeconds: 0.3, QemuDowntimeLimitSeconds: 0.3, DeviceStateMib: 0.25, ResumeSeconds: 0.0005, ZeroScanMibPerSecond: 1388,
        CpuWaitIdlesLink: true, DestinationLoadCpuSecondsPerGib: 2.1, DestinationZeroLoadCpuSecondsPerGib: 1.6,
        EndOfPassDataMibPerGib: 16, EndOfPassDataMib: 3.1);

    private const double Wire = 48;

    [Fact]
    public void The_source_runs_ahead_of_a_slow_loader_through_an_idle_guests_zero_pages()
    {
        // Loading takes (930 x 1.6 + 94 x 2.1) / 1024 / 0.25 = 6.6 s; the source needs ~2 s of wire and ~0.7 s of scan.
        var load = (930 * 1.6 + 94 * 2.1) / 1024 / 0.25;
        var ahead = LiveMigration.Run(Idle, MigrationMethod.PreCopy, Wire, Lab);
        var lockstep = LiveMigration.Run(Idle, MigrationMethod.PreCopy, Wire, Lab with { ReceiveBufferMib = 0 });

        Assert.True(lockstep.TotalSeconds >= load, $"without buffers the stream waits for every load: {lockstep.TotalSeconds} s");
        // The end-of-pass run (19 MiB) exceeds the 16 MiB the buffers hold behind the zeros: the source waits for the rest,
        // and ends ahead of the loading by the 16 MiB of data still in the buffers, no more (0.13 s to load).
        var buffered = Lab.ReceiveBufferMib * 2.1 / 1024 / 0.25;
        Assert.True(ahead.TotalSeconds < lockstep.TotalSeconds - 0.1, $"QEMU's total ends on the source, ahead of the loading: {ahead.TotalSeconds} s against {lockstep.TotalSeconds} s in lockstep");
        Assert.True(ahead.TotalSeconds + ahead.LoadLagSeconds >= load * (1 - 1e-9), $"{ahead.TotalSeconds} + {ahead.LoadLagSeconds} s");
        // The stop's final sync and the resume (QEMU's figures count them) overlap most of the buffers' loading; the rest is after.
        Assert.True(ahead.LoadLagSeconds > 0, $"the destination still loads after the source is done: {ahead.LoadLagSeconds} s");
        Assert.True(ahead.LoadLagSeconds <= buffered + (Idle.DeviceStateMib + 1) * 2.1 / 1024 / 0.25,
            $"the source can be ahead by what the buffers hold and the stop's pages: {ahead.LoadLagSeconds} s of loading after it, {buffered} s in the buffers");
        Assert.True(ahead.DowntimeSeconds >= ahead.QemuDowntimeSeconds + ahead.LoadLagSeconds - 1e-9,
            $"the VM resumes only once the loading is done: {ahead.DowntimeSeconds} s against QEMU's {ahead.QemuDowntimeSeconds} s");
        Assert.Equal(lockstep.WireMib, ahead.WireMib, 3);
    }

    [Fact]
    public void Zero_pages_cheap_to_load_never_hold_the_stream_back()
    {
        // The rerun's machine: 0.24 s per GiB of zero pages at the destination, 1.9 per GiB of data.
        var fast = Lab with { DestinationZeroLoadCpuSecondsPerGib = 0.24, DestinationLoadCpuSecondsPerGib = 1.9 };
        var unloaded = Lab with { DestinationZeroLoadCpuSecondsPerGib = 0, DestinationLoadCpuSecondsPerGib = 0 };
        var vm = Idle with { DestinationCpuShare = 0.75 };

        var loaded = LiveMigration.Run(vm, MigrationMethod.PreCopy, Wire, fast);
        var free = LiveMigration.Run(vm, MigrationMethod.PreCopy, Wire, unloaded);

        Assert.Equal(free.TotalSeconds, loaded.TotalSeconds, 3);
        Assert.Equal(0, loaded.LoadLagSeconds, 3);
    }

    [Fact]
    public void Data_pages_fill_the_buffers_at_once_so_a_slow_loader_sets_a_data_guests_pace()
    {
        // 512 MiB of data and no zero pages: the buffers hold 16 MiB of it, so the source can be no more than that ahead.
        var vm = new VmMigrationInputs(512, new DirtyProfile(0, 1, 0), 0.25, DestinationCpuShare: 0.1);
        var load = 512 * 2.1 / 1024 / 0.1;

        var run = LiveMigration.Run(vm, MigrationMethod.PreCopy, Wire, Lab);

        Assert.True(run.TotalSeconds >= load - 16 * 2.1 / 1024 / 0.1 - 1e-6, $"{run.TotalSeconds} s against {load} s of load");
        Assert.True(run.TotalSeconds + run.LoadLagSeconds >= load * (1 - 1e-9));
    }

    [Fact]
    public void A_slow_loader_holds_the_source_for_the_whole_pass_not_only_until_the_buffers_first_drain()
    {
        // CsCheck's counterexample to "a slower destination never shortens QEMU's total" (27 GiB of data at 192 MiB/s):
        // the source's pace over each interval was read after the destination had loaded that interval's pages, so the
        // buffers looked free and the source sent at the wire's pace, queueing hundreds of MiB beyond the 16 the buffers
        // hold (at 5 % of a core: QEMU's total 365 s, then 770 s of loading; at 3.3 %, 150 s, then 1552 s).
        var options = new SimulationOptions(DestinationLoadCpuSecondsPerGib: 2.1, ZeroScanMibPerSecond: 1000);
        var vm = new VmMigrationInputs(27 * 1024, new DirtyProfile(0, 2, 0), 1, DestinationCpuShare: 0.05);
        var slower = vm with { DestinationCpuShare = 0.05 / 1.5 };
        var fast = LiveMigration.Run(vm, MigrationMethod.PreCopy, 192, options);
        var slow = LiveMigration.Run(slower, MigrationMethod.PreCopy, 192, options);

        foreach (var (run, share) in new[] { (fast, 0.05), (slow, 0.05 / 1.5) })
        {
            var perMib = 2.1 / 1024 / share;
            Assert.True(run.LoadLagSeconds <= (options.ReceiveBufferMib + vm.DeviceStateMib) * perMib * (1 + 1e-9),
                $"at {share} of a core the destination loaded {run.LoadLagSeconds} s after the source's last byte; the buffers hold {options.ReceiveBufferMib * perMib} s");
            Assert.True(run.TotalSeconds >= (vm.MemoryMib - options.ReceiveBufferMib) * perMib * (1 - 1e-9), $"{run.TotalSeconds} s at {share} of a core");
        }
        Assert.True(slow.TotalSeconds > fast.TotalSeconds, $"QEMU's total {fast.TotalSeconds} s at 5 % of a core, {slow.TotalSeconds} s at 3.3 %");
    }
}

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
        Assert.True(ahead.TotalSeconds < load - 1, $"QEMU's total ends on the source, ahead of the loading: {ahead.TotalSeconds} s against {load} s of load");
        // The end-of-pass run (19 MiB) exceeds the 16 MiB the buffers hold behind the zeros: the source waits for the rest.
        Assert.True(ahead.TotalSeconds + ahead.LoadLagSeconds >= load * (1 - 1e-9), $"{ahead.TotalSeconds} + {ahead.LoadLagSeconds} s");
        Assert.True(ahead.LoadLagSeconds > 0.1, $"the destination still loads after the source is done: {ahead.LoadLagSeconds} s");
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
}

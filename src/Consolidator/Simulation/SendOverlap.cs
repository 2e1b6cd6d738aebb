namespace Consolidator.Simulation;

/// <summary>How the migration thread's CPU time sending data pages meets the wire's time: a replaceable strategy of
/// <see cref="PageStream.SourceSeconds"/>. Null in <see cref="SimulationOptions.SendOverlap"/>: the older rule, where
/// the send's CPU and the zero-page checks together add to the wire (<see cref="SimulationOptions.CpuWaitIdlesLink"/>)
/// or overlap it.</summary>
public abstract record SendOverlap
{
    /// <summary>Seconds the source needs for pages whose data take <paramref name="wireSeconds"/> on the wire and
    /// <paramref name="sendCpuSeconds"/> of a core to send, at <paramref name="cpuShare"/> of a core, with a socket
    /// queue the wire drains in <paramref name="drainSeconds"/> (the zero-page checks are the caller's: no data is queued
    /// while they run).</summary>
    public abstract double Seconds(double wireSeconds, double sendCpuSeconds, double cpuShare, double drainSeconds);

    /// <summary>A share of a core as every strategy reads it: at least a thousandth (a thread never runs at none), at most one.</summary>
    private protected static double Share(double cpuShare) => Math.Clamp(cpuShare, 1e-3, 1);

    /// <summary>The send overlaps the wire while the socket's queue holds data, and the wire idles only for the part of
    /// each of the thread's waits for a core that outlasts the queue. QEMU 7.2's migration thread writes its pages with
    /// a blocking sendmsg (migrate_fd_connect sets the outgoing channel blocking, migration/migration.c 4262; qemu_fflush
    /// writes 32 pages' iovecs at a time through qio_channel_writev_all, migration/qemu-file.c 291-302, after
    /// save_normal_page queued each, migration/ram.c 1342-1357): while the kernel's send buffer is full the thread sleeps
    /// and the wire works, so a thread with a core to spare costs the round nothing beyond the wire (the round takes the
    /// larger of the two). A thread held to a share waits for its core in episodes; the queue (socket buffer and the
    /// link's queue: <see cref="LinkProfile.InFlightMib"/>) keeps the wire busy for its drain time of each, the rest of
    /// the episode the wire idles, and that idle time adds to the round. The queue's size is the link's, not a constant of
    /// this strategy: Linux autotunes a TCP send buffer from 16 KiB up to net.ipv4.tcp_wmem's max, 4 MiB by default
    /// (Documentation/networking/ip-sysctl.rst; 4096 16384 4194304 on the lab's kernel), and the lab's fitted queue,
    /// socket buffer and tbf queue together, is 1.82 MiB (<see cref="Calibration.LabEnvironment.InFlightMib"/>).</summary>
    /// <param name="PeriodSeconds">The length of the scheduling cycle a starved thread waits through, (1 - share) of it
    /// at a time. 0.1 s: the CFS bandwidth period (cpu.cfs_period_us default 100000, the kernel's
    /// Documentation/scheduler/sched-bwc.rst), which a thread held to a quota waits out once a period; a thread short of a
    /// core only through its neighbours' load waits in shorter episodes, so for it this over-states the idle
    /// time.</param>
    public sealed record SocketBuffer(double PeriodSeconds = 0.1) : SendOverlap
    {
        public override double Seconds(double wireSeconds, double sendCpuSeconds, double cpuShare, double drainSeconds)
        {
            var share = Share(cpuShare);
            var runnable = sendCpuSeconds / share;
            var waiting = runnable - sendCpuSeconds;
            var episode = (1 - share) * PeriodSeconds;
            var uncovered = episode > drainSeconds ? 1 - drainSeconds / episode : 0;
            return Math.Max(wireSeconds + waiting * uncovered, runnable);
        }
    }

    /// <summary>The send's CPU time at its share adds to the wire whole: no overlap at all (the bound the measured CPU
    /// sets from above; an ablation beside <see cref="SocketBuffer"/>).</summary>
    public sealed record Adds : SendOverlap
    {
        public override double Seconds(double wireSeconds, double sendCpuSeconds, double cpuShare, double drainSeconds) =>
            wireSeconds + sendCpuSeconds / Share(cpuShare);
    }

    /// <summary>The round takes the larger of the wire and the send at its share: full overlap (the bound from
    /// below; an ablation beside <see cref="SocketBuffer"/>).</summary>
    public sealed record Overlaps : SendOverlap
    {
        public override double Seconds(double wireSeconds, double sendCpuSeconds, double cpuShare, double drainSeconds) =>
            Math.Max(wireSeconds, sendCpuSeconds / Share(cpuShare));
    }
}

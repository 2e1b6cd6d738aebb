namespace Consolidator.Calibration;

/// <summary>One real QEMU live migration measured by the lab (lab/qemu), as a row of
/// datasets/calibration/qemu-*.csv: what was asked, what the guest actually did, and what QEMU reported
/// (query-migrate on the source, postcopy-blocktime on the destination).</summary>
/// <param name="Scenario">The lab scenario (several migrations of one scenario ran at once on one link).</param>
/// <param name="Migration">1-based index of the migration within its scenario.</param>
/// <param name="Concurrent">Migrations of the scenario that started together on the shared link.</param>
/// <param name="Method">precopy, postcopy (switch at once) or hybrid (switch after the first full pass).</param>
/// <param name="Capability">none, xbzrle, compress (multi-thread zlib) or multifd.</param>
/// <param name="MemoryMib">Guest memory (-m).</param>
/// <param name="RamTotalMib">QEMU's ram.total: guest memory plus firmware and option ROMs.</param>
/// <param name="LinkMbit">Line rate of the shaped loopback (tc tbf) the migration crossed; null: unshaped.</param>
/// <param name="MaxBandwidthMibPerSecond">QEMU's max-bandwidth; null: unlimited.</param>
/// <param name="DowntimeLimitMs">QEMU's downtime-limit.</param>
/// <param name="SuspendAfterSeconds">The harness paused the guest this long after the start (libvirt's
/// --timeout with the suspend action); null: never.</param>
/// <param name="RequestedDirtyMibPerSecond">The rate the guest program was asked for.</param>
/// <param name="WssMib">Working set the guest program writes over, cyclically.</param>
/// <param name="GuestDirtyMibPerSecond">The rate the guest program achieved while it ran, from its own counters.</param>
/// <param name="QemuDirtyRateMibPerSecond">QEMU's calc-dirty-rate over 1 s just before the migration.</param>
/// <param name="TotalMs">QEMU's total-time.</param>
/// <param name="DowntimeMs">QEMU's downtime; with a suspend, the time from the suspend to the end.</param>
/// <param name="SetupMs">QEMU's setup-time.</param>
/// <param name="SwitchoverMs">Post-copy and hybrid: time from the start to the switch to post-copy.</param>
/// <param name="TransferredMib">ram.transferred: RAM bytes on the wire (headers and zero-page markers included).</param>
/// <param name="NormalPages">ram.normal: full pages sent (re-sends included).</param>
/// <param name="ZeroPages">ram.duplicate: zero pages found (sent as markers).</param>
/// <param name="DirtySyncs">ram.dirty-sync-count.</param>
/// <param name="PostcopyRequests">ram.postcopy-requests: pages the destination faulted on and asked for.</param>
/// <param name="PostcopyBlocktimeMs">Destination's postcopy-blocktime: time vCPUs waited on faults.</param>
/// <param name="GuestAlive">The guest kept counting on the destination after the migration.</param>
/// <param name="HostLoad">The machine's 1-minute load average when the scenario started (a shared machine:
/// other jobs' load slows the TCG guest and the migration thread).</param>
/// <param name="MigrationCpuSeconds">CPU time the source's migration thread (QEMU's "live_migration") ran during
/// the migration, from its /proc/PID/task/TID/schedstat; null in recordings made before it was recorded.</param>
/// <param name="MigrationWaitSeconds">Time that thread was runnable but waited for a CPU (schedstat's run-queue
/// delay) during the migration; null as above.</param>
/// <param name="SourceVcpuCpuSeconds">CPU time of the source's vCPU thread ("CPU 0/TCG") from the start of the
/// migration to its end (schedstat, as every figure below); null in recordings made before every thread was recorded.</param>
/// <param name="SourceVcpuWaitSeconds">Run-queue wait of that thread over the same time.</param>
/// <param name="SourceOtherCpuSeconds">CPU time of the source's other threads (main loop, RCU, workers), neither vCPU
/// nor migration thread.</param>
/// <param name="SourceOtherWaitSeconds">Their run-queue wait.</param>
/// <param name="DestinationVcpuCpuSeconds">CPU time of the destination's vCPU thread (it runs the guest after a
/// post-copy switch).</param>
/// <param name="DestinationVcpuWaitSeconds">Its run-queue wait.</param>
/// <param name="DestinationOtherCpuSeconds">CPU time of the destination's other threads: the main loop, which loads
/// the incoming stream (process_incoming_migration_co), and the post-copy listen and fault threads.</param>
/// <param name="DestinationOtherWaitSeconds">Their run-queue wait.</param>
/// <param name="Run">Which run of its scenario in the recording (1 for the first; `bench --lab-repeat` appends
/// more): the runs of one scenario are repeats of the same setting, whose spread the calibration shows.</param>
/// <param name="StopWindowMs">The stretch over which the figures below were taken: from the source's last
/// schedstat sample before the VM stopped (QEMU's total-time less its downtime, since the migration started) to
/// its last sample before the migration ended (samples every 50 ms); null in recordings made before.</param>
/// <param name="StopMigrationCpuMs">CPU time of the source's migration thread over that stretch, which runs the
/// whole stop (migration_completion: vm_stop, the last sync, ram_save_complete, device state).</param>
/// <param name="StopMigrationWaitMs">Its run-queue wait over the stretch: time the stop waited for a CPU.</param>
/// <param name="StopVcpuCpuMs">CPU time of the source's vCPU thread over the stretch (it must run to stop).</param>
/// <param name="StopVcpuWaitMs">Its run-queue wait.</param>
/// <param name="StopOtherCpuMs">CPU time of the source's other threads (main loop, RCU) over the stretch.</param>
/// <param name="StopOtherWaitMs">Their run-queue wait.</param>
/// <param name="DowntimeMib">What the source sent while the VM was stopped (query-migrate's ram.downtime-bytes, QEMU 7.1
/// and later: the pages of the final copy; the device state is not counted); null in recordings made before.</param>
/// <param name="TcpTimeouts">TCP retransmission timeouts in the scenario's network namespace over its migrations (the
/// kernel's TcpExt TCPTimeouts, per namespace, so shared by the migrations of one run): a stop that waits on the link
/// after a loss waits at least the 200 ms minimum timeout; null in recordings made before.</param>
/// <param name="TcpRetransmits">Segments retransmitted there over the same time (Tcp RetransSegs).</param>
/// <param name="TcpCongestionControl">The TCP congestion control of the scenario's network namespace
/// (net.ipv4.tcp_congestion_control read inside it: a new namespace takes the host's default), which decides how
/// concurrent streams split the shaped link from moment to moment; null in recordings made before 2026-12-07 10:40 UTC
/// (the host's was bbr then too).</param>
/// <param name="SwitchSync">Hybrid: the dirty-sync-count at which the harness started post-copy (2, after the first
/// full pass, as the QEMU wiki advises, unless the scenario says otherwise); null: 2 for a hybrid row, none otherwise.</param>
/// <param name="PredictedTotalMs">The simulator's total time for this migration as predicted before the run, from the
/// scenario's settings and the recording's earlier rows only (<see cref="LabPrediction"/>); null where none was made.</param>
/// <param name="PredictedDowntimeMs">Its downtime (QEMU's figure), predicted likewise.</param>
/// <param name="PredictedMib">Its data (ram.transferred), predicted likewise.</param>
public sealed record LabMeasurement(
    string Scenario,
    int Migration,
    int Concurrent,
    string Method,
    string Capability,
    double MemoryMib,
    double RamTotalMib,
    double? LinkMbit,
    double? MaxBandwidthMibPerSecond,
    double DowntimeLimitMs,
    double? SuspendAfterSeconds,
    double RequestedDirtyMibPerSecond,
    double WssMib,
    double GuestDirtyMibPerSecond,
    double? QemuDirtyRateMibPerSecond,
    string Status,
    double TotalMs,
    double DowntimeMs,
    double SetupMs,
    double? SwitchoverMs,
    double TransferredMib,
    long NormalPages,
    long ZeroPages,
    long DirtySyncs,
    long PostcopyRequests,
    double? PostcopyBlocktimeMs,
    bool GuestAlive,
    string QemuVersion,
    string Machine,
    string Date,
    double? HostLoad = null,
    double? MigrationCpuSeconds = null,
    double? MigrationWaitSeconds = null,
    double? SourceVcpuCpuSeconds = null,
    double? SourceVcpuWaitSeconds = null,
    double? SourceOtherCpuSeconds = null,
    double? SourceOtherWaitSeconds = null,
    double? DestinationVcpuCpuSeconds = null,
    double? DestinationVcpuWaitSeconds = null,
    double? DestinationOtherCpuSeconds = null,
    double? DestinationOtherWaitSeconds = null,
    int Run = 1,
    double? StopWindowMs = null,
    double? StopMigrationCpuMs = null,
    double? StopMigrationWaitMs = null,
    double? StopVcpuCpuMs = null,
    double? StopVcpuWaitMs = null,
    double? StopOtherCpuMs = null,
    double? StopOtherWaitMs = null,
    double? DowntimeMib = null,
    long? TcpTimeouts = null,
    long? TcpRetransmits = null,
    string? TcpCongestionControl = null,
    int? SwitchSync = null,
    double? PredictedTotalMs = null,
    double? PredictedDowntimeMs = null,
    double? PredictedMib = null)
{
    /// <summary>The share of a core the migration thread got while it wanted one: its CPU time over its CPU
    /// time plus its run-queue wait (Linux schedstat). 1 on an idle machine; on 2 cores shared with other
    /// jobs it falls with their number. Null when the recording has no schedstat figures. The destination's
    /// loading threads got about the same share in the tcg-threads recording (0.19-0.57 against 0.16-0.50), and
    /// replaying with the two ends' combined share fitted no more rows (22 of 28 against 24), so the source's
    /// migration thread stands for the pipeline.</summary>
    public double? MigrationCpuShare => MigrationCpuSeconds is { } run && MigrationWaitSeconds is { } wait && run > 0
        ? run / (run + wait) : null;

    /// <summary>Share of QEMU's RAM that was zero pages (ram.duplicate / ram.total); the guest's dirtier only
    /// writes data, so zero pages are found once, in the first pass.</summary>
    public double ZeroFraction => RamTotalMib > 0 ? Math.Clamp(ZeroPages * 4096.0 / (RamTotalMib * 1048576), 0, 1) : 0;
}

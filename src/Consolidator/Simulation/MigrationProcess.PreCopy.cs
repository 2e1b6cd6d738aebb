namespace Consolidator.Simulation;

/// <remarks>
/// Pre-copy follows QEMU 7.2's loop (migration/migration.c migration_iteration_run, migration/ram.c
/// ram_save_pending and ram_save_iterate), checked against real migrations in lab/qemu:
/// <list type="bullet">
/// <item>Pages leave in address order: data pages at the wire rate (8-byte header each), zero pages as 9-byte
/// markers at the rate the migration thread checks them; the socket buffer lets the two overlap, so a mix of
/// pages takes the longer of its wire time and its scan time (<see cref="PageStream"/>).</item>
/// <item>When the VM stops is the hypervisor's stop rule: QEMU's downtime target
/// (MigrationProcess.QemuStopRule.cs) or Xen's iterations (MigrationProcess.XenStopRule.cs).</item>
/// <item>QEMU never gives up; libvirt's --timeout with the suspend action pauses the guest, whose remaining
/// pages then drain at the live rate until they fit the threshold, and the copy completes.</item>
/// </list>
/// </remarks>
internal sealed partial class MigrationProcess
{
    /// <summary>No pre-copy syncs this often in practice; past it the model forces the stop (a guard).</summary>
    private const int MaxSyncs = 10_000_000;

    private readonly double _timeoutAt;

    /// <summary>Seconds of the current QEMU iteration: the time since the last sync.</summary>
    private double _roundSeconds;

    /// <summary>Seconds until pre-copy changes phase: the timeout, the bitmap's end, or the stop rule's next check.</summary>
    private double RoundsDelay(double wire)
    {
        var v = Progress(Math.Min(wire, LiveCap));
        // A step of KubeVirt's downtime ramp moves the threshold: a phase change.
        var toTimeout = Math.Min(_timeoutAt - Elapsed, ToNextLimitStep);
        var bitmap = _nz + _z;
        // The end-of-pass run of data crosses at its own rate: a phase change at its start.
        var toEmpty = (_tail > Epsilon && MixMib > Epsilon ? MixMib : bitmap) / v;
        if (!double.IsNaN(_stuckRate)) return Math.Max(0, Math.Min(toTimeout, _stuckStopAt - Elapsed));
        if (!_rules.UsesDowntimeTarget) return Math.Max(0, Math.Min(toTimeout, toEmpty));
        // QEMU checks once per iteration: the next sync comes when the bitmap is below the level and
        // at least one iteration has passed since the last one, or when the bitmap is empty.
        var toLevel = Math.Max((bitmap - Math.Max(0, Level(wire))) / v, Iteration(wire) - _roundSeconds);
        return Math.Max(0, Math.Min(toTimeout, Math.Min(toEmpty, toLevel)));
    }

    private void AdvanceRounds(double seconds, double wire)
    {
        if (!double.IsNaN(_stuckRate))
        {
            // Stuck: the link stays busy re-sending what the guest keeps dirtying; the bitmap holds.
            var cycled = seconds * Progress(Math.Min(wire, LiveCap));
            MovedMib += cycled;
            WireMib += cycled * (1 + PageStream.PageHeaderShare) / _o.Compress.Ratio;
            return;
        }
        _sinceSync += seconds;
        _roundSeconds += seconds;
        _iterationSeconds += seconds;
        _iterationMib += Send(seconds, Math.Min(wire, LiveCap));
    }

    private bool StepPreCopy(double wire)
    {
        switch (Phase)
        {
            case Phase.Rounds when Elapsed >= _timeoutAt - SnapSeconds:
                Suspend(wire);
                return true;
            case Phase.Rounds when !double.IsNaN(_stuckRate) && Elapsed >= _stuckStopAt - SnapSeconds:
                // The cycle's checks each stop it with chance _stopChance: by now half of QEMU's runs have stopped.
                StopInBand(wire, NewlyDirtied(Math.Max(0, Elapsed - _lastSyncAt)).Added);
                return true;
            case Phase.Rounds when _rules.UsesDowntimeTarget && (_nz + _z <= Epsilon
                || (_nz + _z <= Math.Max(0, Level(wire)) + Epsilon && _roundSeconds >= Iteration(wire) - SnapSeconds)):
                Phase = Phase.Sync;
                _timer = _syncSeconds = _stream.SyncSeconds(Dirtied(_sinceSync));
                return true;
            case Phase.Rounds when !_rules.UsesDowntimeTarget && _nz + _z <= Epsilon:
                EndXenIteration(wire);
                return true;
            case Phase.Sync when _timer <= SnapSeconds:
                QemuSync(wire);
                return true;
            default:
                return false;
        }
    }

    /// <summary>libvirt's timeout fired: the guest is paused, QEMU keeps sending what is dirty at the live
    /// rate until it fits the threshold, then completes. What is dirty then is taken as the pre-copy cycle's
    /// steady state (the largest D with D = dirtied in the time to send D) rather than wherever in the cycle
    /// the timeout fell, so that a faster link never lengthens the suspension.</summary>
    private void Suspend(double wire)
    {
        var (unsentData, unsentZero, firstPass) = (_nz, _z, Syncs <= 1);
        _tail = 0;
        _sinceSync = 0;
        // What the guest dirties are data pages: the steady state is set by the rate data pages cross at.
        var live = Math.Min(wire, LiveCap);
        var v = 1 / _stream.SendSeconds(1, 0, _stream.PageRate(live), loads: true);
        var threshold = _rules.UsesDowntimeTarget ? Threshold(wire) : 0;
        // The cycle's steady state: a sync adds what was dirtied while the last batch was sent, one iteration
        // and the sync itself at least; a pre-copy that did not converge never got below the threshold.
        var floor = (_rules.UsesDowntimeTarget ? Iteration(wire) : 0) + _stream.SyncSeconds(0);
        var steady = _vm.MemoryMib;
        for (var k = 0; k < 200 && double.IsFinite(v); k++)
        {
            var next = Dirtied(Math.Max(steady / v, floor));
            if (steady - next < Epsilon) break;
            steady = next;
        }
        // A timeout during the first pass also leaves the pages that pass has not reached yet, data and zero
        // (QEMU keeps walking its bitmap after the stop); the guest's hot set, dirtied again behind the pass,
        // adds to them (seen in CI's smoke-suspend: 256 MiB guest suspended 3 s in, 4.0 s of downtime).
        (_nz, _z) = firstPass
            ? (Math.Min(_vm.MemoryMib - unsentZero, Math.Max(unsentData + steady, threshold)), unsentZero)
            : (Math.Min(_vm.MemoryMib, Math.Max(steady, threshold)), 0);
        Stop(converged: false, wire);
        _cappedLeft = Math.Max(0, _nz + _z - _vm.DeviceStateMib - threshold);
    }
}

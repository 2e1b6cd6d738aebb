namespace Consolidator.Simulation;

/// <remarks>
/// The stop: the VM is paused, the last dirty pages and the device state cross (or, for post-copy's switch, the
/// device state alone), then the destination resumes it. The final copy and post-copy run without the
/// max-bandwidth limit (QEMU sets the rate limit to INT64_MAX: <see cref="PageStream.FinalCap"/>).
/// </remarks>
internal sealed partial class MigrationProcess
{
    private double _pausedAt = double.NaN;

    /// <summary>MiB a libvirt suspension still sends at the live rate before the final copy (see Suspend).</summary>
    private double _cappedLeft;

    private double _finalSync, _backlog, _queueCredit, _queuedAt;
    private double _checkSyncSeconds;

    private double StoppedDelay(double wire)
    {
        if (Phase == Phase.Switchover) return _nz * (1 + PageStream.PageHeaderShare) / Math.Min(wire, FinalCap);
        if (_backlog > 0) return _backlog / Math.Min(wire, FinalCap);
        if (_cappedLeft > 0) return _cappedLeft / Progress(Math.Min(wire, LiveCap));
        return (_nz + _z) / Progress(Math.Min(wire, FinalCap));
    }

    private void AdvanceStopped(double seconds, double wire)
    {
        if (Phase == Phase.Switchover)
        {
            var state = Math.Min(_nz, seconds * Math.Min(wire, FinalCap) / (1 + PageStream.PageHeaderShare));
            _nz -= state;
            MovedMib += state;
            WireMib += state * (1 + PageStream.PageHeaderShare);
        }
        else if (_backlog > 0)
        {
            _backlog -= seconds * Math.Min(wire, FinalCap);
            if (_backlog < Epsilon) _backlog = 0;
        }
        else if (_cappedLeft > 0)
        {
            _cappedLeft -= Send(seconds, Math.Min(wire, LiveCap));
            if (_cappedLeft < Epsilon) _cappedLeft = 0;
        }
        else Send(seconds, Math.Min(wire, FinalCap));
    }

    private bool StepStopped(double wire)
    {
        switch (Phase)
        {
            case Phase.StopAndCopy when _cappedLeft <= 0 && _backlog <= 0 && _nz + _z <= Epsilon:
            case Phase.Switchover when _nz <= Epsilon:
                Phase = Phase.Resume;
                _timer = _o.ResumeSeconds + _finalSync;
                _queuedAt = Elapsed - _queueCredit;
                return true;
            case Phase.Resume when _timer <= SnapSeconds:
                FinishLoading();
                DowntimeSeconds = Elapsed - _pausedAt + LoadLagSeconds;
                QemuDowntimeSeconds = Math.Max(0, _queuedAt - _pausedAt) + _finalSync;
                if (_pulls) BeginPull(wire);
                else Phase = Phase.Done;
                return true;
            default:
                return false;
        }
    }

    private void Stop(bool converged, double wire)
    {
        Forced = !converged;
        _tail = 0;
        if (_rules.HoldsWritableWorkingSet) _nz = Math.Max(_nz, Math.Min(_vm.Dirty.HotSetMib, _vm.MemoryMib));
        PendingAtStopMib = _nz + _z;
        _nz += _vm.DeviceStateMib;
        Phase = Phase.StopAndCopy;
        Pause(wire, _nz + _z);
    }

    /// <summary>The VM stops. What was queued on the stream before (the socket buffer and the NIC queue, full
    /// when the link set the pace, empty under a max-bandwidth below it) must reach the destination first, so
    /// it lengthens the pause; QEMU's own downtime figure ends when its last byte is queued, so it leaves out
    /// whatever still fitted in an empty queue, and the destination's activation.</summary>
    /// <remarks>QEMU 7.2 writes nothing during the two syncs around the stop: ram_save_pending's (ram.c 3447-3465,
    /// the check's own, before migration_completion stamps downtime_start, migration.c 3324) and ram_save_complete's
    /// (ram.c 3404, after it). The link keeps draining the full queue meanwhile, so the final copy's first bytes go
    /// into the room those syncs made, and qemu_fflush (qemu-file.c 291-315) returns once the socket has taken the
    /// last one: QEMU's figure is the final sync plus the copy less that room's worth of link time. The pause itself
    /// (<see cref="DowntimeSeconds"/>) still waits for the whole queue and the copy to cross, as before.</remarks>
    private void Pause(double wire, double toSendMib)
    {
        _pausedAt = Elapsed;
        _finalSync = _stream.SyncSeconds(Dirtied(_sinceSync));
        var queue = _o.Transport.InFlightMib;
        var saturated = LiveCap >= wire * (1 - 1e-9);
        var rate = Math.Min(wire, FinalCap);
        var full = saturated && Method != MigrationMethod.PostCopy;
        // Only a stream the link held back has its queue full; under a max-bandwidth below the link QEMU's own
        // rate limit left it as the replay found it (the room is then counted below, as before).
        var linkBound = _o.MaxBandwidthMibPerSecond is not { } cap || cap > wire * (1 + 1e-9);
        var room = full && linkBound && _rules.UsesDowntimeTarget ? Math.Min(queue / rate, _checkSyncSeconds + _finalSync) : 0;
        _backlog = full ? queue : 0;
        _queueCredit = full ? queue / rate + room : Math.Min(queue, toSendMib) * (1 + PageStream.PageHeaderShare) / rate;
    }
}

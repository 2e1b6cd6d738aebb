namespace Consolidator.Simulation;

/// <remarks>
/// Post-copy (Hines and Gopalan, VEE 2009; QEMU postcopy-ram): stop, send the device state, resume on the
/// destination, then each remaining page crosses once while the VM faults on the part of its working set that
/// has not arrived; each fault waits a round trip plus the data queued ahead of it. A hybrid migration switches
/// to it after its pre-copy rounds. A link failure aborts a pre-copy, loses a post-copy VM, or pauses post-copy
/// until migrate-recover resumes it.
/// </remarks>
internal sealed partial class MigrationProcess
{
    /// <summary>The bitmap left on the source at the switch: what post-copy pulls once the VM resumes.</summary>
    private double _pullNz, _pullZ;
    private bool _pulls;
    private double _degradedSince = double.NaN;
    private double _pauseStall;

    private void Switchover(double wire)
    {
        _tail = 0;
        _pullNz = _nz;
        _pullZ = _z;
        PendingAtStopMib = _nz + _z;
        _nz = _vm.DeviceStateMib;
        _z = 0;
        _pulls = true;
        Phase = Phase.Switchover;
        Pause(wire, _nz);
    }

    private void BeginPull(double wire)
    {
        Phase = Phase.PostCopy;
        _nz = _pullNz;
        _z = _pullZ;
        _degradedSince = Elapsed;
        // Working-set pages not on the destination yet fault when touched; pre-paging catches the rest.
        var faults = _o.FaultShare * Math.Min(_vm.WorkingSet, _pullNz + _pullZ) / PageStream.PageMib;
        var rate = Math.Min(wire, FinalCap);
        var perFault = _o.Transport.FaultRoundTripSeconds + (_o.Transport.InFlightMib + PageStream.PageMib) / rate;
        FaultStallSeconds = faults * perFault;
    }

    private bool StepPostCopy(double wire)
    {
        switch (Phase)
        {
            case Phase.PostCopyPaused when _timer <= SnapSeconds:
                Phase = Phase.PostCopy;
                return true;
            case Phase.PostCopy when _nz + _z <= Epsilon:
                DegradedSeconds = Elapsed - _degradedSince;
                FaultStallSeconds = Math.Min(DegradedSeconds, FaultStallSeconds + _pauseStall);
                Phase = Phase.Done;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Ends the migration, or pauses it, because its link failed now; says what became of the VM.</summary>
    /// <param name="recoverySeconds">Post-copy: the link comes back and migrate-recover resumes after this long
    /// (null: no recovery, the VM is lost).</param>
    public FailureEffect Fail(double? recoverySeconds)
    {
        if (CopyDone) return FailureEffect.None;
        if (InPostCopy && recoverySeconds is { } pause)
        {
            // QEMU postcopy-paused: the VM keeps running on the destination and blocks on missing pages; what
            // was in flight is lost and sent again once migrate-recover resumes the stream.
            Phase = Phase.PostCopyPaused;
            _timer += pause;
            _nz += _o.Transport.InFlightMib * _nz / Math.Max(Epsilon, _nz + _z);
            Recovered = true;
            return FailureEffect.Paused;
        }
        var effect = InPostCopy ? FailureEffect.VmLost : FailureEffect.Aborted;
        if (IsPaused) DowntimeSeconds = Elapsed - _pausedAt + _o.ResumeSeconds;
        if (InPostCopy)
        {
            DegradedSeconds = Elapsed - _degradedSince;
            // The stall estimate made at the switch covered the whole pull; the VM ran degraded only this long.
            FaultStallSeconds = Math.Min(FaultStallSeconds + _pauseStall, DegradedSeconds);
        }
        Phase = Phase.Done;
        return effect;
    }
}

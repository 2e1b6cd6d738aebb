namespace Consolidator.Simulation;

/// <summary>One live migration as a state machine driven by the wire bandwidth it gets, so that the same model
/// runs alone at a fixed rate (<see cref="LiveMigration"/>) and inside the discrete-event replay, where the
/// rate changes whenever another migration on the same NIC starts, ends or changes phase.</summary>
/// <remarks>
/// This file holds the state every phase shares (the dirty bitmap, the clock, what crossed) and moves the machine
/// from phase to phase; each phase's rules are in its own part: the pre-copy loop (MigrationProcess.PreCopy.cs) and
/// its stop rules (MigrationProcess.QemuStopRule.cs, MigrationProcess.XenStopRule.cs), the stop and final copy
/// (MigrationProcess.Stop.cs), post-copy (MigrationProcess.PostCopy.cs). How pages cross the stream is
/// <see cref="PageStream"/>'s.
/// </remarks>
internal sealed partial class MigrationProcess
{
    /// <summary>MiB below which what is left counts as nothing: about a byte.</summary>
    private const double Epsilon = 1e-6;

    /// <summary>A phase due within this many seconds is due now (the replay's absolute clock rounds).</summary>
    private const double SnapSeconds = 1e-7;

    private readonly VmMigrationInputs _vm;
    private readonly SimulationOptions _o;
    private readonly PreCopyStopRules _rules;
    private readonly PageStream _stream;

    /// <summary>The dirty bitmap still to send: data pages and zero pages, MiB.</summary>
    private double _nz, _z;

    /// <summary>Data pages at the end of the first pass still unsent, MiB (part of <see cref="_nz"/>): the top of a
    /// Linux guest's RAM (<see cref="SimulationOptions.EndOfPassDataMibPerGib"/>). The rest of the bitmap is sent
    /// first at its own mix; 0 once the first sync after the setup mixes what the guest dirtied into the pass.</summary>
    private double _tail;

    /// <summary>The end-of-pass run of data as the pass began it, MiB.</summary>
    private readonly double _run;

    /// <summary>Time the guest has dirtied memory since the last dirty-log sync.</summary>
    private double _sinceSync;

    /// <summary>What is left of a phase that takes a set time (setup, a sync, the resume, a post-copy pause).</summary>
    private double _timer;

    private double _lastShare = 1;

    /// <param name="plannedWireMibPerSecond">The wire rate the migration was planned at.</param>
    public MigrationProcess(VmMigrationInputs vm, MigrationMethod method, SimulationOptions options, double plannedWireMibPerSecond)
    {
        _vm = vm;
        _o = options;
        _rules = options.Rules;
        _stream = new PageStream(vm, options);
        Method = method;
        _z = _rules.SkipsZeroPages ? Math.Clamp(vm.ZeroMib, 0, vm.MemoryMib) : 0;
        _nz = vm.MemoryMib - _z;
        _tail = method != MigrationMethod.PostCopy && _rules.UsesDowntimeTarget
            ? Math.Min(_nz, vm.MemoryMib * options.EndOfPassDataMibPerGib / 1024 + options.EndOfPassDataMib) : 0;
        _run = _tail;
        _hotDirty = Math.Min(vm.Dirty.HotSetMib, _nz);
        TimeoutSeconds = options.TimeoutSeconds(method, vm.MemoryMib);
        _timeoutAt = TimeoutSeconds ?? double.PositiveInfinity;
        // QEMU's estimate of the final copy leaves out what the link still holds when the VM stops (see Pause),
        // which reaches the destination first, and the last dirty-log sync's walk of the bitmap: an operator's
        // limit leaves room for both as for the resume.
        var queued = method != MigrationMethod.PostCopy && LiveCap >= plannedWireMibPerSecond * (1 - 1e-9)
            ? _o.Transport.InFlightMib / Math.Min(plannedWireMibPerSecond, FinalCap) : 0;
        _fixedLimit = options.QemuDowntimeLimitFor(double.IsFinite(queued) ? queued : 0, _stream.SyncSeconds(0));
        // Setup marks every page dirty and syncs the dirty log once (QEMU's dirty-sync-count 1).
        Phase = Phase.Setup;
        _timer = _stream.SyncSeconds(vm.MemoryMib, vm.Cpu) + (_o.Transport.SetupSecondsPerGib + _o.SetupCpuSecondsPerGib / vm.Cpu) * vm.MemoryMib / 1024;
        Syncs = 1;
    }

    public MigrationMethod Method { get; }
    public Phase Phase { get; private set; }

    private readonly double _fixedLimit;

    /// <summary>When KubeVirt's downtime ramp began (QEMU's iteration count reached its start); NaN before.</summary>
    private double _rampStartedAt = double.NaN;

    /// <summary>QEMU's downtime-limit for this migration now: the options' value, else the SLO less the resume and
    /// the time the link needs for the queue the stop finds full (what the export sets per migration); under a
    /// <see cref="DowntimeRamp"/>, the ramp's step in force.</summary>
    public double QemuDowntimeLimitSeconds => _o.DowntimeRamp is { } ramp ? ramp.LimitAt(Elapsed - _rampStartedAt) : _fixedLimit;

    /// <summary>Seconds until the ramp next raises the limit (infinity without a ramp, before it began, or at its ceiling).</summary>
    private double ToNextLimitStep => _o.DowntimeRamp is { } ramp && !double.IsNaN(_rampStartedAt)
        ? ramp.NextStepAt(Elapsed - _rampStartedAt) - (Elapsed - _rampStartedAt) : double.PositiveInfinity;

    /// <summary>Dirty-log syncs (QEMU's dirty-sync-count, 1 after setup) or, under Xen, iterations begun.</summary>
    public int Syncs { get; private set; }

    public double Elapsed { get; private set; }

    /// <summary>Page and state data moved (before compression; zero pages excluded), MiB.</summary>
    public double MovedMib { get; private set; }

    /// <summary>Data on the wire: pages after compression, headers and zero-page markers, MiB.</summary>
    public double WireMib { get; private set; }

    public double DowntimeSeconds { get; private set; }

    /// <summary>The downtime QEMU itself reports (query-migrate's downtime, measured on the source): from the
    /// stop until the last byte is queued on the stream, with the final sync; what the calibration compares.</summary>
    public double QemuDowntimeSeconds { get; private set; }
    public double DegradedSeconds { get; private set; }
    public double FaultStallSeconds { get; private set; }

    /// <summary>The libvirt timeout after which the guest is suspended (null: none).</summary>
    public double? TimeoutSeconds { get; }

    /// <summary>A cap (timeout, iterations, data, Xen's not-shrinking rule) forced the stop: the migration did
    /// not converge. False while pre-copy is still running, and for post-copy.</summary>
    public bool Forced { get; private set; }

    /// <summary>Dirty memory left when the VM was stopped (pre-copy) or switched (hybrid), in MiB.</summary>
    public double PendingAtStopMib { get; private set; }

    /// <summary>Post-copy was paused by a link failure and recovered.</summary>
    public bool Recovered { get; private set; }

    /// <summary>The migration holds a share of its NICs: it sends, or syncs between sends (a sync is short and
    /// letting go of the share for it would only churn the allocation).</summary>
    public bool Transfers => Phase is Phase.Rounds or Phase.Sync or Phase.StopAndCopy or Phase.Switchover or Phase.PostCopy;
    public bool IsDone => Phase == Phase.Done;

    /// <summary>The migration no longer needs its link: done, or resuming after a final copy with nothing left to pull
    /// (a link failure then changes nothing).</summary>
    public bool CopyDone => IsDone || (Phase == Phase.Resume && !_pulls);

    /// <summary>Seconds until <see cref="CopyDone"/> if the wire rate stayed <paramref name="wire"/> MiB/s from now on:
    /// the same models run ahead on a copy of this state (what <see cref="LiveMigration.Run"/> does from the start).</summary>
    public double CopySecondsLeft(double wire)
    {
        if (CopyDone) return 0;
        var ahead = Copy();
        for (var step = 0; !ahead.CopyDone; step++)
        {
            if (step > 1_000_000) throw new InvalidOperationException("the migration model did not finish; this is a bug");
            ahead.Advance(ahead.NextDelay(wire), wire);
            ahead.Step(wire);
        }
        return ahead.Elapsed - Elapsed;
    }

    /// <summary>An independent copy of this state (every field is a value but the loading queue).</summary>
    public MigrationProcess Copy()
    {
        var copy = (MigrationProcess)MemberwiseClone();
        copy._loading = [.. _loading];
        return copy;
    }
    public bool InPostCopy => Phase is Phase.PostCopy or Phase.PostCopyPaused;
    public bool IsPaused => !double.IsNaN(_pausedAt) && Phase is Phase.StopAndCopy or Phase.Switchover or Phase.Resume;

    /// <summary>The most wire MiB/s this migration can use now, whatever its NIC share.</summary>
    public double WireCap => Phase switch
    {
        Phase.Rounds or Phase.Sync => LiveCap,
        Phase.StopAndCopy => _cappedLeft > 0 && _backlog <= 0 ? LiveCap : FinalCap,
        Phase.Switchover or Phase.PostCopy => FinalCap,
        _ => 0,
    };

    private double LiveCap => _stream.LiveCap(_xenRateMbit);

    private double FinalCap => _stream.FinalCap;

    /// <summary>Seconds until this process next changes phase at wire rate <paramref name="wire"/> (MiB/s).</summary>
    public double NextDelay(double wire) => Phase switch
    {
        Phase.Setup or Phase.Sync or Phase.Resume or Phase.PostCopyPaused => Math.Max(0, _timer),
        Phase.Rounds => Math.Min(RoundsDelay(wire), LoadingDelay(wire)),
        Phase.StopAndCopy => Math.Min(StoppedDelay(wire), LoadingDelay(wire)),
        Phase.Switchover => StoppedDelay(wire),
        Phase.PostCopy => (_nz + _z) / Progress(Math.Min(wire, FinalCap)),
        _ => double.PositiveInfinity,
    };

    /// <summary>Lets <paramref name="seconds"/> pass at wire rate <paramref name="wire"/>.</summary>
    public void Advance(double seconds, double wire)
    {
        if (!(seconds > 0) || IsDone) return;
        Elapsed += seconds;
        _heldAtStart = Buffers();
        Load(seconds);
        AdvancePhase(seconds, wire);
        _heldAtStart = null;
    }

    private void AdvancePhase(double seconds, double wire)
    {
        switch (Phase)
        {
            case Phase.Setup or Phase.Sync:
                _timer -= seconds;
                _sinceSync += seconds;
                return;
            case Phase.Resume:
                _timer -= seconds;
                return;
            case Phase.PostCopyPaused:
                _timer -= seconds;
                _pauseStall += seconds;
                return;
            case Phase.Rounds:
                AdvanceRounds(seconds, wire);
                return;
            case Phase.StopAndCopy or Phase.Switchover:
                AdvanceStopped(seconds, wire);
                return;
            default:
                Send(seconds, Math.Min(wire, FinalCap));
                return;
        }
    }

    /// <summary>Makes every transition that is due now; <paramref name="wire"/> is the current wire rate,
    /// which sets QEMU's threshold.</summary>
    public void Step(double wire)
    {
        LeaveStuckCycleAtAnotherRate(wire);
        for (var guard = 0; guard < 32; guard++)
        {
            var due = NextDelay(wire);
            if (due <= SnapSeconds) Advance(due, wire);
            if (!StepOnce(wire)) return;
        }
    }

    private bool StepOnce(double wire)
    {
        switch (Phase)
        {
            case Phase.Setup when _timer <= SnapSeconds:
                if (Method == MigrationMethod.PostCopy) Switchover(wire);
                else Phase = Phase.Rounds;
                return true;
            case Phase.Rounds or Phase.Sync:
                return StepPreCopy(wire);
            case Phase.StopAndCopy or Phase.Switchover or Phase.Resume:
                return StepStopped(wire);
            case Phase.PostCopy or Phase.PostCopyPaused:
                return StepPostCopy(wire);
            default:
                return false;
        }
    }

    /// <summary>Data share of the pages the pass sends next: the bitmap's mix, or the end-of-pass run of data once the
    /// rest is sent; of the last ones sent when it is empty (QEMU's bandwidth estimate reflects the pages of its last
    /// window).</summary>
    private double NonZeroShare => MixMib > Epsilon ? Math.Max(0, _nz - _tail) / MixMib : _nz > Epsilon ? 1 : _lastShare;

    /// <summary>Data share of the whole bitmap, what QEMU's ~100 ms windows average over (the threshold's bandwidth);
    /// of the last pages sent when it is empty.</summary>
    private double BitmapShare => _nz + _z > Epsilon ? _nz / (_nz + _z) : _lastShare;

    /// <summary>The bitmap's pages before the end-of-pass run of data.</summary>
    private double MixMib => Math.Max(0, _nz - _tail) + _z;

    /// <summary>MiB of bitmap (pages counted whole) cleared per second at this wire rate, for the current mix of
    /// data and zero pages (<see cref="PageStream.SendSeconds"/>): pages leave in address order, data pages at the
    /// wire rate, zero pages at the rate the migration thread checks them.</summary>
    private double Progress(double wire) => Phase == Phase.PostCopy ? _stream.Progress(wire, NonZeroShare, loads: false) : Pace(wire, NonZeroShare);

    /// <summary>Pre-copy's progress for pages whose data share is <paramref name="dataShare"/>.</summary>
    private double Progress(double wire, double dataShare) => Pace(wire, dataShare);

    /// <summary>Sends for <paramref name="seconds"/> from the bitmap; returns the MiB of bitmap cleared.</summary>
    private double Send(double seconds, double wire)
    {
        var bitmap = _nz + _z;
        if (bitmap <= 0) return 0;
        // One share at a time: the mix, then the end-of-pass run (RoundsDelay stops at the boundary).
        var inRun = _tail > Epsilon && MixMib <= Epsilon;
        var cleared = Math.Min(_tail > Epsilon && !inRun ? MixMib : bitmap, seconds * Progress(wire));
        var f = NonZeroShare;
        _lastShare = f;
        var (nz, z) = (cleared * f, cleared * (1 - f));
        // The hot set's dirty pages leave with the data pages, in proportion (they lie among them).
        _hotDirty = _nz > Epsilon ? _hotDirty * Math.Max(0, _nz - nz) / _nz : 0;
        _nz = Math.Max(0, _nz - nz);
        _z = Math.Max(0, _z - z);
        if (inRun) _tail = Math.Max(0, _tail - nz);
        _tail = Math.Min(_tail, _nz);
        MovedMib += nz;
        WireMib += _stream.WireMib(nz, z);
        if (Phase is Phase.Rounds or Phase.StopAndCopy) Queue(nz, z);
        return cleared;
    }

    private double Dirtied(double seconds) => _vm.Dirty.Dirtied(seconds, _vm.MemoryMib);
}

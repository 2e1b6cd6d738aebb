namespace Consolidator.Simulation;

/// <summary>One live migration as a state machine driven by the bandwidth it gets, so that the same model
/// runs alone at a fixed rate (<see cref="LiveMigration"/>) and inside the discrete-event replay, where the
/// rate changes whenever another migration on the same NIC starts or ends.</summary>
/// <remarks>
/// Pre-copy follows the geometric-series structure of Liu et al. (HPDC 2011) and Akoush et al. (MASCOTS
/// 2010): round 0 sends all memory, round i the pages dirtied during round i-1, with the dirtied volume taken
/// from the two-class <see cref="DirtyProfile"/> (a page dirtied twice in a round is sent once: the WWS
/// refinement). The stop test follows QEMU's switchover rule and is evaluated continuously, as QEMU does
/// between chunks: the VM stops as soon as the pages still to send in this round plus those dirtied since
/// the round began fit the stop threshold. So a converged QEMU migration stops the VM for exactly its
/// downtime target plus the state and the fixed resume time, and a faster link never lengthens downtime.
/// Post-copy follows Hines and Gopalan (VEE 2009): stop once, send the device state, resume on the
/// destination, then each page crosses exactly once (demand faults plus background push).
/// </remarks>
internal sealed class MigrationProcess
{
    /// <summary>4 KiB, in MiB.</summary>
    public const double PageMib = 1.0 / 256;

    /// <summary>Hines and Gopalan (VEE 2009): adaptive pre-paging brings network page faults down to
    /// about 21 % of the VM's working set.</summary>
    public const double FaultShareOfWorkingSet = 0.21;

    /// <summary>MiB (or seconds) below which what is left counts as nothing: about a byte.</summary>
    private const double Epsilon = 1e-6;

    /// <summary>A phase due within this many seconds is due now. The replay keeps absolute time, whose
    /// rounding can leave a sliver of a phase behind; closing it here keeps the event loop from spinning.</summary>
    private const double SnapSeconds = 1e-7;

    private readonly VmMigrationInputs _vm;
    private readonly SimulationOptions _options;
    private double _remaining;
    private double _roundElapsed;
    private double _resumeLeft;
    private double _pullAfterResume;
    private bool _postCopyPath;
    private double _pausedAt = double.NaN;
    private double _degradedSince = double.NaN;

    public MigrationProcess(VmMigrationInputs vm, MigrationMethod method, SimulationOptions options)
    {
        _vm = vm;
        _options = options;
        Method = method;
        if (method == MigrationMethod.PostCopy)
        {
            BeginSwitchover(vm.MemoryMib);
        }
        else
        {
            Phase = Phase.Rounds;
            _remaining = vm.MemoryMib;
            Rounds = 1;
        }
    }

    public MigrationMethod Method { get; }
    public Phase Phase { get; private set; }
    public int Rounds { get; private set; }
    public double Elapsed { get; private set; }
    /// <summary>Page and state data moved so far (before compression), in MiB.</summary>
    public double MovedMib { get; private set; }
    public double DowntimeSeconds { get; private set; }
    public double DegradedSeconds { get; private set; }
    public double FaultStallSeconds { get; private set; }
    /// <summary>A cap (rounds or data) forced pre-copy to stop before the rest fit the stop threshold: the
    /// migration did not converge. False while pre-copy is still running, and for post-copy.</summary>
    public bool Forced { get; private set; }
    /// <summary>Dirty pages left when the VM was stopped (pre-copy) or switched (hybrid), in MiB.</summary>
    public double PendingAtStopMib { get; private set; }
    public bool Transfers => Phase is Phase.Rounds or Phase.StopAndCopy or Phase.Switchover or Phase.PostCopy;
    public bool IsDone => Phase == Phase.Done;
    /// <summary>The VM runs on the destination while its memory is still split between the hosts.</summary>
    public bool InPostCopy => Phase == Phase.PostCopy;
    public bool IsPaused => !double.IsNaN(_pausedAt) && Phase is Phase.StopAndCopy or Phase.Switchover or Phase.Resume;

    /// <summary>Seconds until this process next changes phase at page rate <paramref name="rate"/> (MiB/s).</summary>
    public double NextDelay(double rate) => Phase switch
    {
        Phase.Rounds => Math.Min(_remaining / rate, CrossingDelay(rate) ?? double.PositiveInfinity),
        Phase.StopAndCopy or Phase.Switchover or Phase.PostCopy => _remaining / rate,
        Phase.Resume => _resumeLeft,
        _ => double.PositiveInfinity,
    };

    /// <summary>Lets <paramref name="seconds"/> pass at page rate <paramref name="rate"/>.</summary>
    public void Advance(double seconds, double rate)
    {
        if (seconds <= 0 || IsDone) return;
        Elapsed += seconds;
        if (Phase == Phase.Resume)
        {
            _resumeLeft -= seconds;
            return;
        }
        var moved = Math.Min(_remaining, rate * seconds);
        _remaining -= moved;
        MovedMib += moved;
        if (Phase == Phase.Rounds) _roundElapsed += seconds;
    }

    /// <summary>Makes every transition that is due now; <paramref name="rate"/> is the current page rate,
    /// which sets QEMU's stop threshold.</summary>
    public void Step(double rate)
    {
        for (var guard = 0; guard < 16; guard++)
        {
            var due = NextDelay(rate);
            if (due <= SnapSeconds) Advance(due, rate);
            if (!StepOnce(rate)) return;
        }
    }

    private bool StepOnce(double rate)
    {
        switch (Phase)
        {
            case Phase.Rounds:
                var pending = _remaining + Dirtied(_roundElapsed);
                if (pending <= Threshold(rate) + Epsilon)
                {
                    BeginStop(pending, converged: true);
                    return true;
                }
                if (_remaining > Epsilon) return false;
                EndRound();
                return true;
            case Phase.StopAndCopy or Phase.Switchover when _remaining <= Epsilon:
                Phase = Phase.Resume;
                _resumeLeft = _options.ResumeSeconds;
                return true;
            case Phase.Resume when _resumeLeft <= Epsilon:
                DowntimeSeconds = Elapsed - _pausedAt;
                if (_postCopyPath && _pullAfterResume > 0) BeginPull(rate);
                else Phase = Phase.Done;
                return true;
            case Phase.PostCopy when _remaining <= Epsilon:
                DegradedSeconds = Elapsed - _degradedSince;
                Phase = Phase.Done;
                return true;
            default:
                return false;
        }
    }

    private void EndRound()
    {
        var dirty = Dirtied(_roundElapsed);
        var rules = _options.Rules;
        if (Method == MigrationMethod.Hybrid && Rounds >= _options.HybridRounds)
        {
            PendingAtStopMib = dirty;
            BeginSwitchover(dirty);
        }
        else if (Rounds >= rules.MaxRounds || MovedMib + dirty > rules.MaxDataFactor * _vm.MemoryMib)
        {
            BeginStop(dirty, converged: false);
        }
        else
        {
            Rounds++;
            _remaining = dirty;
            _roundElapsed = 0;
        }
    }

    private void BeginStop(double pending, bool converged)
    {
        Phase = Phase.StopAndCopy;
        Forced = !converged;
        PendingAtStopMib = pending;
        _remaining = pending + _vm.DeviceStateMib;
        _pausedAt = Elapsed;
    }

    private void BeginSwitchover(double toPull)
    {
        Phase = Phase.Switchover;
        _postCopyPath = true;
        _pullAfterResume = toPull;
        _remaining = _vm.DeviceStateMib;
        _pausedAt = Elapsed;
    }

    private void BeginPull(double rate)
    {
        Phase = Phase.PostCopy;
        _remaining = _pullAfterResume;
        _degradedSince = Elapsed;
        // Only working-set pages not yet on the destination fault; pre-paging catches the rest.
        var faults = FaultShareOfWorkingSet * Math.Min(_vm.Dirty.HotSetMib, _pullAfterResume) / PageMib;
        FaultStallSeconds = faults * (_options.Transport.FaultRoundTripSeconds + (rate > 0 ? PageMib / rate : 0));
    }

    /// <summary>Ends the migration because its link failed now; says what became of the VM.</summary>
    public FailureEffect Fail()
    {
        if (IsDone) return FailureEffect.None;
        var wasPaused = IsPaused;
        var effect = Phase switch
        {
            // Everything reached the destination before the resume; the link is no longer needed.
            Phase.Resume when !_postCopyPath => FailureEffect.None,
            Phase.PostCopy => FailureEffect.VmLost,
            _ => FailureEffect.Aborted,
        };
        if (effect == FailureEffect.None) return effect;
        if (wasPaused) DowntimeSeconds = Elapsed - _pausedAt + _options.ResumeSeconds;
        if (Phase == Phase.PostCopy) DegradedSeconds = Elapsed - _degradedSince;
        Phase = Phase.Done;
        return effect;
    }

    private double Dirtied(double seconds) => _vm.Dirty.Dirtied(seconds, _vm.MemoryMib);

    private double Threshold(double rate) =>
        _options.Rules.StopThresholdMib(rate, _options.MaxDowntimeSeconds, _options.ResumeSeconds, _vm.DeviceStateMib);

    /// <summary>When, within the current round, pending data (still to send plus dirtied since the round
    /// began) first fits the stop threshold at this rate; null when not before the round ends. Pending data
    /// is piecewise linear in time (linear sending, piecewise-linear dirtying), so the crossing is exact.</summary>
    private double? CrossingDelay(double rate)
    {
        var end = _remaining / rate;
        var threshold = Threshold(rate);
        var points = new List<double> { 0, end };
        foreach (var b in _vm.Dirty.Breakpoints(_vm.MemoryMib))
        {
            var x = b - _roundElapsed;
            if (x > 0 && x < end) points.Add(x);
        }
        points.Sort();
        double Pending(double x) => _remaining - rate * x + Dirtied(_roundElapsed + x);
        var a = points[0];
        var pa = Pending(a);
        if (pa <= threshold) return a;
        for (var k = 1; k < points.Count; k++)
        {
            var e = points[k];
            var pe = Pending(e);
            if (pe <= threshold) return a + (pa - threshold) / (pa - pe) * (e - a);
            (a, pa) = (e, pe);
        }
        return null;
    }
}

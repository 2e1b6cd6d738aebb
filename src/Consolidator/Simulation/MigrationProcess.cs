namespace Consolidator.Simulation;

/// <summary>One live migration as a state machine driven by the wire bandwidth it gets, so that the same model
/// runs alone at a fixed rate (<see cref="LiveMigration"/>) and inside the discrete-event replay, where the
/// rate changes whenever another migration on the same NIC starts, ends or changes phase.</summary>
/// <remarks>
/// Pre-copy follows QEMU 7.2's loop (migration/migration.c migration_iteration_run, migration/ram.c
/// ram_save_pending and ram_save_iterate), checked against real migrations in lab/qemu:
/// <list type="bullet">
/// <item>Setup marks every page dirty and syncs the dirty log once (dirty-sync-count 1).</item>
/// <item>Pages leave in address order: data pages at the wire rate (8-byte header each), zero pages as 9-byte
/// markers at the rate the migration thread checks them; the socket buffer lets the two overlap, so a mix of
/// pages takes the longer of its wire time and its scan time.</item>
/// <item>QEMU measures its bandwidth as wire bytes per ~100 ms window and sets threshold = bandwidth x
/// downtime-limit, compared with the dirty pages still in the bitmap counted whole (zero pages too). Once
/// those fall below it, every iteration syncs the dirty log, adding what the guest dirtied since the last sync,
/// and stops the VM if the total is still below it. An iteration lasts one 100 ms window under max-bandwidth
/// (BUFFER_DELAY) or 50 ms otherwise (MAX_WAIT), so the check finds the bitmap on average half an iteration
/// below the threshold: the VM stops when what the guest dirtied since the last sync fits in that slack.</item>
/// <item>The final copy and post-copy run without the max-bandwidth limit (the rate limit is set to INT64_MAX).</item>
/// <item>QEMU never gives up; libvirt's --timeout with the suspend action pauses the guest, whose remaining
/// pages then drain at the live rate until they fit the threshold, and the copy completes.</item>
/// </list>
/// Xen iterates over whole passes and stops under 50 pages or at its caps (<see cref="PreCopyStopRules"/>).
/// Post-copy (Hines and Gopalan, VEE 2009; QEMU postcopy-ram): stop, send the device state, resume on the
/// destination, then each remaining page crosses once while the VM faults on the part of its working set that
/// has not arrived; each fault waits a round trip plus the data queued ahead of it.
/// </remarks>
internal sealed class MigrationProcess
{
    /// <summary>4 KiB, in MiB.</summary>
    public const double PageMib = 1.0 / 256;

    /// <summary>ram.c save_page_header: 8 bytes of header per 4 KiB page sent whole.</summary>
    public const double PageHeaderShare = 8.0 / 4096;

    /// <summary>ram.c save_zero_page: the header and one byte stand for a zero page.</summary>
    public const double ZeroPageWireShare = 9.0 / 4096;

    /// <summary>migration.c BUFFER_DELAY (100 ms): a rate-limited iteration fills one window.</summary>
    public const double CappedIterationSeconds = 0.1;

    /// <summary>ram.c MAX_WAIT (50 ms): an iteration that is not rate-limited returns after this long.</summary>
    public const double UncappedIterationSeconds = 0.05;

    /// <summary>MiB below which what is left counts as nothing: about a byte.</summary>
    private const double Epsilon = 1e-6;

    /// <summary>A phase due within this many seconds is due now (the replay's absolute clock rounds).</summary>
    private const double SnapSeconds = 1e-7;

    /// <summary>No pre-copy syncs this often in practice; past it the model forces the stop (a guard).</summary>
    private const int MaxSyncs = 10_000_000;

    /// <summary>Syncs in a row that left the bitmap no smaller: the pre-copy cycle is stuck (dirtying keeps
    /// pace with sending) and will stay so at this rate until the timeout.</summary>
    private const int StuckSyncs = 8;

    private readonly VmMigrationInputs _vm;
    private readonly SimulationOptions _o;
    private readonly PreCopyStopRules _rules;
    private readonly double _timeoutAt;
    private double _nz, _z;
    private double _sinceSync;
    private double _timer;
    private double _cappedLeft;
    private double _pullNz, _pullZ;
    private bool _pulls;
    private double _pausedAt = double.NaN, _degradedSince = double.NaN;
    private double _xenRateMbit = PreCopyStopRules.XenStartMbit;
    private double _lastIterationMib = double.PositiveInfinity, _iterationMib, _iterationSeconds;
    private double _pauseStall;
    private double _roundSeconds;
    private double _lastAfterSync = double.PositiveInfinity;
    private int _notShrinking;
    private double _stuckRate = double.NaN;
    private double _lastShare = 1;
    private double _finalSync, _backlog, _queueCredit, _queuedAt;
    private double _syncSeconds, _checkSyncSeconds;
    private double _stillRunning = 1, _stopChance, _lastSyncAt, _stuckStopAt = double.PositiveInfinity;

    /// <param name="plannedWireMibPerSecond">The wire rate the migration was planned at.</param>
    public MigrationProcess(VmMigrationInputs vm, MigrationMethod method, SimulationOptions options, double plannedWireMibPerSecond)
    {
        _vm = vm;
        _o = options;
        _rules = options.Rules;
        Method = method;
        _z = _rules.SkipsZeroPages ? Math.Clamp(vm.ZeroMib, 0, vm.MemoryMib) : 0;
        _nz = vm.MemoryMib - _z;
        TimeoutSeconds = method == MigrationMethod.PostCopy ? null
            : options.PreCopyTimeoutSeconds ?? (_rules.TimeoutSecondsPerGib is { } k ? k * vm.MemoryMib / 1024 : null);
        _timeoutAt = TimeoutSeconds ?? double.PositiveInfinity;
        // QEMU's estimate of the final copy leaves out what the link still holds when the VM stops (see Pause),
        // which reaches the destination first, and the last dirty-log sync's walk of the bitmap: an operator's
        // limit leaves room for both as for the resume.
        var queued = method != MigrationMethod.PostCopy && LiveCap >= plannedWireMibPerSecond * (1 - 1e-9)
            ? _o.Transport.InFlightMib / Math.Min(plannedWireMibPerSecond, FinalCap) : 0;
        QemuDowntimeLimitSeconds = options.QemuDowntimeLimitSeconds
            ?? Math.Max(0.001, options.MaxDowntimeSeconds - options.ResumeSeconds - (double.IsFinite(queued) ? queued : 0) - SyncSeconds(0));
        Phase = Phase.Setup;
        _timer = SyncSeconds(vm.MemoryMib, vm.Cpu) + (_o.Transport.SetupSecondsPerGib + _o.SetupCpuSecondsPerGib / vm.Cpu) * vm.MemoryMib / 1024;
        Syncs = 1;
    }

    public MigrationMethod Method { get; }
    public Phase Phase { get; private set; }

    /// <summary>QEMU's downtime-limit for this migration: the options' value, else the SLO less the resume and
    /// the time the link needs for the queue the stop finds full (what the export sets per migration).</summary>
    public double QemuDowntimeLimitSeconds { get; }

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

    /// <summary>One dirty-log sync that finds <paramref name="dirtyMib"/> dirty: a walk of the whole bitmap, plus
    /// a cost per dirty page (under TCG, a TLB reset per page; nothing under KVM), at the CPU share of a sync after
    /// the setup (<see cref="VmMigrationInputs.SyncCpu"/>) unless <paramref name="cpu"/> says otherwise.</summary>
    private double SyncSeconds(double dirtyMib, double? cpu = null) =>
        (_o.SyncSecondsPerGib * _vm.MemoryMib + _o.SyncSecondsPerDirtyGib * dirtyMib) / 1024 / (cpu ?? _vm.SyncCpu);

    private double CompressionWireCap => _o.Compress.PageRateCap * (1 + PageHeaderShare) / _o.Compress.Ratio;

    private double LiveCap => Math.Min(Math.Min(_o.StreamsCapMibPerSecond, _o.MaxBandwidthMibPerSecond ?? double.PositiveInfinity),
        Math.Min(CompressionWireCap, _rules.AdaptiveRate ? _xenRateMbit * 1e6 / 8 / (1 << 20) : double.PositiveInfinity));

    private double FinalCap => Math.Min(Math.Min(_o.StreamsCapMibPerSecond, CompressionWireCap),
        _rules.AdaptiveRate ? PreCopyStopRules.XenMaxMbit * 1e6 / 8 / (1 << 20) : double.PositiveInfinity);

    /// <summary>Seconds one pass over the memory takes at <paramref name="wire"/> MiB/s.</summary>
    public static double PassSeconds(VmMigrationInputs vm, SimulationOptions o, double wire)
    {
        var zero = o.Rules.SkipsZeroPages ? Math.Clamp(vm.ZeroMib, 0, vm.MemoryMib) : 0;
        var live = Math.Min(wire, Math.Min(o.StreamsCapMibPerSecond, o.MaxBandwidthMibPerSecond ?? double.PositiveInfinity));
        var pageRate = Math.Min(live * o.Compress.Ratio / (1 + PageHeaderShare), o.Compress.PageRateCap);
        return SendSeconds(vm.MemoryMib - zero, zero, pageRate, vm, o, loads: true);
    }

    /// <summary>Seconds to clear <paramref name="dataMib"/> of data pages and <paramref name="zeroMib"/> of zero
    /// pages from the bitmap: the wire carries the data pages at <paramref name="pageRate"/>, and the migration
    /// thread does its CPU work (buffer_is_zero on every page, the send of each data page) at the CPU share
    /// CPU share it gets. The two overlap while the socket buffer holds data
    /// (<see cref="SimulationOptions.CpuWaitIdlesLink"/> false) or add up (true). In pre-copy
    /// (<paramref name="loads"/>) the destination loads every page at its own CPU share meanwhile, behind the
    /// sockets' buffers: the stream goes no faster than that load.</summary>
    private static double SendSeconds(double dataMib, double zeroMib, double pageRate, VmMigrationInputs vm, SimulationOptions o, bool loads)
    {
        var wire = dataMib / pageRate;
        var work = (zeroMib / o.ZeroScanMibPerSecond + dataMib * o.SendCpuSecondsPerGib / 1024) / vm.Cpu;
        var source = o.CpuWaitIdlesLink ? wire + work : Math.Max(wire, work);
        var load = loads ? (dataMib + zeroMib) * o.DestinationLoadCpuSecondsPerGib / 1024 / vm.DestinationCpu : 0;
        return Math.Max(source, load);
    }

    /// <summary>Seconds until this process next changes phase at wire rate <paramref name="wire"/> (MiB/s).</summary>
    public double NextDelay(double wire)
    {
        switch (Phase)
        {
            case Phase.Setup or Phase.Sync or Phase.Resume or Phase.PostCopyPaused:
                return Math.Max(0, _timer);
            case Phase.Rounds:
                var v = Progress(Math.Min(wire, LiveCap));
                var toTimeout = _timeoutAt - Elapsed;
                var bitmap = _nz + _z;
                var toEmpty = bitmap / v;
                if (!double.IsNaN(_stuckRate)) return Math.Max(0, Math.Min(toTimeout, _stuckStopAt - Elapsed));
                if (!_rules.UsesDowntimeTarget) return Math.Max(0, Math.Min(toTimeout, toEmpty));
                // QEMU checks once per iteration: the next sync comes when the bitmap is below the level and
                // at least one iteration has passed since the last one, or when the bitmap is empty.
                var toLevel = Math.Max((bitmap - Math.Max(0, Level(wire))) / v, Iteration(wire) - _roundSeconds);
                return Math.Max(0, Math.Min(toTimeout, Math.Min(toEmpty, toLevel)));
            case Phase.StopAndCopy:
                if (_backlog > 0) return _backlog / Math.Min(wire, FinalCap);
                if (_cappedLeft > 0) return _cappedLeft / Progress(Math.Min(wire, LiveCap));
                return (_nz + _z) / Progress(Math.Min(wire, FinalCap));
            case Phase.Switchover:
                return _nz * (1 + PageHeaderShare) / Math.Min(wire, FinalCap);
            case Phase.PostCopy:
                return (_nz + _z) / Progress(Math.Min(wire, FinalCap));
            default:
                return double.PositiveInfinity;
        }
    }

    /// <summary>Lets <paramref name="seconds"/> pass at wire rate <paramref name="wire"/>.</summary>
    public void Advance(double seconds, double wire)
    {
        if (!(seconds > 0) || IsDone) return;
        Elapsed += seconds;
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
            case Phase.Rounds when !double.IsNaN(_stuckRate):
                // Stuck: the link stays busy re-sending what the guest keeps dirtying; the bitmap holds.
                var cycled = seconds * Progress(Math.Min(wire, LiveCap));
                MovedMib += cycled;
                WireMib += cycled * (1 + PageHeaderShare) / _o.Compress.Ratio;
                return;
            case Phase.Rounds:
                _sinceSync += seconds;
                _roundSeconds += seconds;
                _iterationSeconds += seconds;
                _iterationMib += Send(seconds, Math.Min(wire, LiveCap));
                return;
            case Phase.StopAndCopy when _backlog > 0:
                _backlog -= seconds * Math.Min(wire, FinalCap);
                if (_backlog < Epsilon) _backlog = 0;
                return;
            case Phase.StopAndCopy when _cappedLeft > 0:
                _cappedLeft -= Send(seconds, Math.Min(wire, LiveCap));
                if (_cappedLeft < Epsilon) _cappedLeft = 0;
                return;
            case Phase.Switchover:
                var state = Math.Min(_nz, seconds * Math.Min(wire, FinalCap) / (1 + PageHeaderShare));
                _nz -= state;
                MovedMib += state;
                WireMib += state * (1 + PageHeaderShare);
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
        // A stuck cycle holds only at the rate it was found stuck at; at another rate it may converge.
        if (!double.IsNaN(_stuckRate) && Math.Abs(wire - _stuckRate) > 0.01 * _stuckRate)
        {
            _stuckRate = double.NaN;
            _stuckStopAt = double.PositiveInfinity;
            _notShrinking = 0;
            _lastAfterSync = double.PositiveInfinity;
            _sinceSync = _roundSeconds = 0;
        }
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
            case Phase.Rounds when Elapsed >= _timeoutAt - SnapSeconds:
                Suspend(wire);
                return true;
            case Phase.Rounds when !double.IsNaN(_stuckRate) && Elapsed >= _stuckStopAt - SnapSeconds:
                // The cycle's checks each stop it with chance _stopChance: by now half of QEMU's runs have stopped.
                StopInBand(wire, Dirtied(Math.Max(0, Elapsed - _lastSyncAt)));
                return true;
            case Phase.Rounds when _rules.UsesDowntimeTarget && (_nz + _z <= Epsilon
                || (_nz + _z <= Math.Max(0, Level(wire)) + Epsilon && _roundSeconds >= Iteration(wire) - SnapSeconds)):
                Phase = Phase.Sync;
                _timer = _syncSeconds = SyncSeconds(Dirtied(_sinceSync));
                return true;
            case Phase.Rounds when !_rules.UsesDowntimeTarget && _nz + _z <= Epsilon:
                EndXenIteration(wire);
                return true;
            case Phase.Sync when _timer <= SnapSeconds:
                QemuSync(wire);
                return true;
            case Phase.StopAndCopy when _cappedLeft <= 0 && _backlog <= 0 && _nz + _z <= Epsilon:
            case Phase.Switchover when _nz <= Epsilon:
                Phase = Phase.Resume;
                _timer = _o.ResumeSeconds + _finalSync;
                _queuedAt = Elapsed - _queueCredit;
                return true;
            case Phase.Resume when _timer <= SnapSeconds:
                DowntimeSeconds = Elapsed - _pausedAt;
                QemuDowntimeSeconds = Math.Max(0, _queuedAt - _pausedAt) + _finalSync;
                if (_pulls) BeginPull(wire);
                else Phase = Phase.Done;
                return true;
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

    /// <summary>QEMU threshold at wire rate <paramref name="wire"/>: the wire bytes per second QEMU measures
    /// for the current mix of pages, times the downtime limit, in MiB of pages.</summary>
    private double Threshold(double wire)
    {
        var live = Math.Min(wire, LiveCap);
        var (f, v) = (NonZeroShare, Progress(live));
        var wirePerMib = f * (1 + PageHeaderShare) / _o.Compress.Ratio + (1 - f) * ZeroPageWireShare;
        var bandwidth = double.IsInfinity(v) ? live : v * wirePerMib;
        return bandwidth * QemuDowntimeLimitSeconds;
    }

    /// <summary>The bitmap size at which QEMU's check, on average, first finds it below the threshold.</summary>
    private double Level(double wire)
    {
        var v = Progress(Math.Min(wire, LiveCap));
        return Threshold(wire) - (double.IsInfinity(v) ? 0 : v * Iteration(wire) / 2);
    }

    /// <summary>One iteration of QEMU's loop: a 100 ms window when max-bandwidth binds, else 50 ms.</summary>
    private double Iteration(double wire) =>
        _o.MaxBandwidthMibPerSecond is { } cap && cap <= wire ? CappedIterationSeconds : UncappedIterationSeconds;

    /// <summary>Data share of the pages in the bitmap; of the last ones sent when it is empty (QEMU's
    /// bandwidth estimate reflects the pages of its last window).</summary>
    private double NonZeroShare => _nz + _z > Epsilon ? _nz / (_nz + _z) : _lastShare;

    /// <summary>MiB of bitmap (pages counted whole) cleared per second at this wire rate, for the current mix of
    /// data and zero pages (<see cref="SendSeconds"/>).</summary>
    private double Progress(double wire)
    {
        var f = NonZeroShare;
        var pageRate = Math.Min(wire * _o.Compress.Ratio / (1 + PageHeaderShare), _o.Compress.PageRateCap);
        var seconds = SendSeconds(f, 1 - f, pageRate, _vm, _o, loads: Phase != Phase.PostCopy);
        return seconds > 0 ? 1 / seconds : double.PositiveInfinity;
    }

    /// <summary>Sends for <paramref name="seconds"/> from the bitmap; returns the MiB of bitmap cleared.</summary>
    private double Send(double seconds, double wire)
    {
        var bitmap = _nz + _z;
        if (bitmap <= 0) return 0;
        var cleared = Math.Min(bitmap, seconds * Progress(wire));
        var f = NonZeroShare;
        _lastShare = f;
        var (nz, z) = (cleared * f, cleared * (1 - f));
        _nz = Math.Max(0, _nz - nz);
        _z = Math.Max(0, _z - z);
        MovedMib += nz;
        WireMib += nz * (1 + PageHeaderShare) / _o.Compress.Ratio + z * ZeroPageWireShare;
        return cleared;
    }

    private double Dirtied(double seconds) => _vm.Dirty.Dirtied(seconds, _vm.MemoryMib);

    private void QemuSync(double wire)
    {
        var dirtied = Dirtied(_sinceSync);
        var pending = _nz + _z + dirtied;
        var threshold = Threshold(wire);
        Syncs++;
        // This check stops the VM in QEMU when what the sync adds fits under the threshold from where the bitmap
        // stood at the check: anywhere in the last iteration's worth of pages below it (its phase is uniform, and
        // the iteration's wall time varies with the load). The chance is the share of that band the dirtied pages
        // leave free; the model stops at the first check by which half of the runs would have stopped.
        var band = Math.Min(threshold, Progress(Math.Min(wire, LiveCap)) * Iteration(wire));
        _stopChance = band > Epsilon ? Math.Clamp((band - dirtied) / band, 0, 1) : 0;
        var stops = pending <= Epsilon || pending < threshold;
        if (!stops && _rules.UsesDowntimeTarget && Method != MigrationMethod.Hybrid)
        {
            _stillRunning *= 1 - _stopChance;
            stops = _stillRunning <= 0.5;
        }
        if (stops)
            StopInBand(wire, dirtied);
        else if (Method == MigrationMethod.Hybrid && Syncs > _o.HybridRounds)
        {
            _nz += dirtied;
            Switchover(wire);
        }
        else if (Syncs >= MaxSyncs)
        {
            _nz += dirtied;
            Stop(converged: false, wire);
        }
        else
        {
            _nz += dirtied;
            var cycle = Elapsed - _lastSyncAt;
            _lastSyncAt = Elapsed;
            _sinceSync = 0;
            _roundSeconds = 0;
            Phase = Phase.Rounds;
            var after = _nz + _z;
            _notShrinking = after >= _lastAfterSync * (1 - 1e-6) ? _notShrinking + 1 : 0;
            _lastAfterSync = Math.Min(_lastAfterSync, after);
            if (_notShrinking >= StuckSyncs && double.IsFinite(_timeoutAt))
            {
                _stuckRate = wire;
                // The cycle repeats at this rate: each of its checks stops the VM with the same chance, so half of
                // the runs have stopped after n more cycles; none ever does when the chance is nil.
                var n = _stopChance > 0 ? Math.Ceiling(Math.Log(0.5 / _stillRunning) / Math.Log(1 - Math.Min(_stopChance, 1 - 1e-12))) : double.PositiveInfinity;
                _stuckStopAt = Elapsed + Math.Max(1, n) * cycle;
            }
        }
    }

    /// <summary>QEMU stops the VM at a check that finds the dirty pages below the threshold; where in the last
    /// iteration that check falls is a matter of phase, uniform between the check level and the threshold. The
    /// model takes the middle rather than what this sync happened to add, so that a faster link never lengthens
    /// the downtime and faster dirtying never shortens it (the property real runs show on average, not run by run).</summary>
    private void StopInBand(double wire, double dirtied)
    {
        var threshold = Threshold(wire);
        var pending = _nz + _z + dirtied;
        var level = Math.Max(0, Level(wire));
        var midpoint = Math.Min(_vm.MemoryMib, level + (threshold - level) / 2);
        // Its make-up is that of what is pending: the bitmap's mix plus the freshly dirtied data pages.
        var f = pending > Epsilon ? (_nz + dirtied) / pending : 1;
        (_nz, _z) = (midpoint * f, midpoint * (1 - f));
        // Every check syncs first (ram_save_pending), before the stop begins: the last sync stands for it.
        _checkSyncSeconds = _syncSeconds;
        Stop(converged: true, wire);
    }

    private void EndXenIteration(double wire)
    {
        var dirtied = Dirtied(_sinceSync);
        var sentThis = _iterationMib;
        if (_rules.AdaptiveRate && _iterationSeconds > 0)
        {
            // Xen legacy: the next iteration runs 50 Mbit/s above the dirtying rate just observed, up to 500.
            // The shadow log's dirty_count counts clean-to-dirty transitions, the guest's own rate, which
            // the pages left dirty at the iteration's end understate once they fill the memory.
            var dirtyMbit = _vm.Dirty.RateMibPerSecond * (1 << 20) * 8 / 1e6;
            if (dirtyMbit > _xenRateMbit) _xenRateMbit = Math.Min(PreCopyStopRules.XenMaxMbit, dirtyMbit + PreCopyStopRules.XenStepMbit);
        }
        // xc_domain_save.c compares sent_this_iter > sent_last_iter; an iteration that sends as much as the
        // last one is not shrinking either, which is what matters once dirtying fills the memory.
        var atMaxAndGrowing = _rules.AdaptiveRate && _xenRateMbit >= PreCopyStopRules.XenMaxMbit && sentThis >= _lastIterationMib - Epsilon;
        _nz = dirtied;
        if (dirtied < _rules.ThresholdMib) Stop(converged: true, wire);
        else if (Method == MigrationMethod.Hybrid && Syncs >= _o.HybridRounds) Switchover(wire);
        else if (Syncs >= (_rules.MaxRounds ?? int.MaxValue) || MovedMib + dirtied > _rules.MaxDataFactor * _vm.MemoryMib || atMaxAndGrowing || Syncs >= MaxSyncs)
            Stop(converged: false, wire);
        else
        {
            Syncs++;
            _lastIterationMib = sentThis;
            _iterationMib = 0;
            _iterationSeconds = 0;
            _sinceSync = 0;
        }
    }

    /// <summary>libvirt's timeout fired: the guest is paused, QEMU keeps sending what is dirty at the live
    /// rate until it fits the threshold, then completes. What is dirty then is taken as the pre-copy cycle's
    /// steady state (the largest D with D = dirtied in the time to send D) rather than wherever in the cycle
    /// the timeout fell, so that a faster link never lengthens the suspension.</summary>
    private void Suspend(double wire)
    {
        var (unsentData, unsentZero, firstPass) = (_nz, _z, Syncs <= 1);
        _sinceSync = 0;
        // What the guest dirties are data pages: the steady state is set by the rate data pages cross at.
        var live = Math.Min(wire, LiveCap);
        var v = 1 / SendSeconds(1, 0, Math.Min(live * _o.Compress.Ratio / (1 + PageHeaderShare), _o.Compress.PageRateCap), _vm, _o, loads: true);
        var threshold = _rules.UsesDowntimeTarget ? Threshold(wire) : 0;
        // The cycle's steady state: a sync adds what was dirtied while the last batch was sent, one iteration
        // and the sync itself at least; a pre-copy that did not converge never got below the threshold.
        var floor = (_rules.UsesDowntimeTarget ? Iteration(wire) : 0) + SyncSeconds(0);
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

    private void Stop(bool converged, double wire)
    {
        Forced = !converged;
        if (_rules.HoldsWritableWorkingSet) _nz = Math.Max(_nz, Math.Min(_vm.Dirty.HotSetMib, _vm.MemoryMib));
        PendingAtStopMib = _nz + _z;
        _nz += _vm.DeviceStateMib;
        Phase = Phase.StopAndCopy;
        Pause(wire, _nz + _z);
    }

    private void Switchover(double wire)
    {
        _pullNz = _nz;
        _pullZ = _z;
        PendingAtStopMib = _nz + _z;
        _nz = _vm.DeviceStateMib;
        _z = 0;
        _pulls = true;
        Phase = Phase.Switchover;
        Pause(wire, _nz);
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
        _finalSync = SyncSeconds(Dirtied(_sinceSync));
        var queue = _o.Transport.InFlightMib;
        var saturated = LiveCap >= wire * (1 - 1e-9);
        var rate = Math.Min(wire, FinalCap);
        var full = saturated && Method != MigrationMethod.PostCopy;
        // Only a stream the link held back has its queue full; under a max-bandwidth below the link QEMU's own
        // rate limit left it as the replay found it (the room is then counted below, as before).
        var linkBound = _o.MaxBandwidthMibPerSecond is not { } cap || cap > wire * (1 + 1e-9);
        var room = full && linkBound && _rules.UsesDowntimeTarget ? Math.Min(queue / rate, _checkSyncSeconds + _finalSync) : 0;
        _backlog = full ? queue : 0;
        _queueCredit = full ? queue / rate + room : Math.Min(queue, toSendMib) * (1 + PageHeaderShare) / rate;
    }

    private void BeginPull(double wire)
    {
        Phase = Phase.PostCopy;
        _nz = _pullNz;
        _z = _pullZ;
        _degradedSince = Elapsed;
        // Working-set pages not on the destination yet fault when touched; pre-paging catches the rest.
        var faults = _o.FaultShare * Math.Min(_vm.WorkingSet, _pullNz + _pullZ) / PageMib;
        var rate = Math.Min(wire, FinalCap);
        var perFault = _o.Transport.FaultRoundTripSeconds + (_o.Transport.InFlightMib + PageMib) / rate;
        FaultStallSeconds = faults * perFault;
    }

    /// <summary>Ends the migration, or pauses it, because its link failed now; says what became of the VM.</summary>
    /// <param name="recoverySeconds">Post-copy: the link comes back and migrate-recover resumes after this long
    /// (null: no recovery, the VM is lost).</param>
    public FailureEffect Fail(double? recoverySeconds)
    {
        if (IsDone) return FailureEffect.None;
        if (Phase == Phase.Resume && !_pulls) return FailureEffect.None;
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

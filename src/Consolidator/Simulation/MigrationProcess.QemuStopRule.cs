namespace Consolidator.Simulation;

/// <remarks>
/// QEMU's stop rule (<see cref="PreCopyStopRules.UsesDowntimeTarget"/>; QEMU 7.2 migration/migration.c
/// migration_iteration_run, migration/ram.c ram_save_pending): QEMU measures its bandwidth as wire bytes per
/// ~100 ms window and sets threshold = bandwidth x downtime-limit, compared with the dirty pages still in the bitmap
/// counted whole (zero pages too). Once those fall below it, every iteration syncs the dirty log, adding what the
/// guest dirtied since the last sync, and stops the VM if the total is still below it. An iteration lasts one
/// 100 ms window under max-bandwidth (BUFFER_DELAY) or 50 ms otherwise (MAX_WAIT), so the check finds the bitmap on
/// average half an iteration below the threshold: the VM stops when what the guest dirtied since the last sync fits
/// in that slack.
/// </remarks>
internal sealed partial class MigrationProcess
{
    /// <summary>migration.c BUFFER_DELAY (100 ms): a rate-limited iteration fills one window.</summary>
    private const double CappedIterationSeconds = 0.1;

    /// <summary>ram.c MAX_WAIT (50 ms): an iteration that is not rate-limited returns after this long.</summary>
    private const double UncappedIterationSeconds = 0.05;

    /// <summary>Syncs in a row that left the bitmap no smaller: the pre-copy cycle is stuck (dirtying keeps
    /// pace with sending) and will stay so at this rate until the timeout.</summary>
    private const int StuckSyncs = 8;

    private double _lastAfterSync = double.PositiveInfinity;
    private int _notShrinking;
    private double _stuckRate = double.NaN;
    private double _syncSeconds;
    private double _stillRunning = 1, _stopChance, _lastSyncAt, _stuckStopAt = double.PositiveInfinity;

    private double _stuckLimit = double.NaN;

    /// <summary>Pages of the guest's hot set that are dirty in the bitmap, MiB: all of it after the setup (every page is
    /// dirty), leaving with the data pages sent, back with each sync.</summary>
    private double _hotDirty;

    /// <summary>What a dirty-log sync adds to the bitmap: the pages the guest dirtied since the last sync that are not dirty
    /// in it already (QEMU 7.2 migration_bitmap_sync counts only the bits it newly sets, ram.c
    /// ramblock_sync_dirty_bitmap), and of them the hot set's. Where the guest rewrote its hot set and part of it is still
    /// waiting in the bitmap, the two overlap by at least what does not fit in the hot set (exact once the whole set was
    /// rewritten; none while the rewritten pages and the waiting ones fit side by side, as a guest cycling over its working
    /// set leaves them). A guest rewriting a small hot set faster than a pass thus keeps it dirty in the bitmap, the
    /// writable working set of Clark et al. (NSDI 2005), instead of adding it again at every check.</summary>
    private (double Added, double Hot) NewlyDirtied(double seconds)
    {
        var hot = Math.Min(HotSet, _vm.Dirty.HotRateMibPerSecond * seconds);
        var overlap = Math.Max(0, hot + _hotDirty - HotSet);
        // Only clean pages can be newly dirty: never more than the memory the bitmap does not hold already. A hot set
        // as large as the memory left the cold pages nowhere to go, yet they were added on top (256 MiB guest, hot set
        // 360 MiB rewritten in 0.1 s, 22 MiB/s cold: 257.1 MiB pending at the first check, so dirtying slower stopped
        // 1.1 MiB longer than dirtying 3.06 times faster, which the memory's cap held at 256).
        var clean = Math.Max(0, _vm.MemoryMib - _nz - _z);
        return (Math.Min(clean, Math.Max(0, Dirtied(seconds) - overlap)), hot);
    }

    /// <summary>The hot set within the guest's memory: a rate known alone gives a hot set of 1.1 s of it
    /// (<see cref="DirtyProfile.FromRate"/>), more than a small guest holds at a few GiB/s. Counted beyond the memory,
    /// the hot pages dirty in the bitmap outgrew the bitmap and the next sync's overlap swallowed everything the guest
    /// dirtied: a 4 GiB guest dirtying 100 GiB/s converged in 3 syncs.</summary>
    private double HotSet => Math.Min(_vm.Dirty.HotSetMib, _vm.MemoryMib);

    /// <summary>A stuck cycle holds only at the rate and the downtime-limit it was found stuck at; at another rate or
    /// after a step of KubeVirt's downtime ramp it may converge.</summary>
    private void LeaveStuckCycleAtAnotherRate(double wire)
    {
        if (double.IsNaN(_stuckRate) || (!(Math.Abs(wire - _stuckRate) > 0.01 * _stuckRate) && QemuDowntimeLimitSeconds == _stuckLimit)) return;
        _stuckRate = double.NaN;
        _stuckStopAt = double.PositiveInfinity;
        _notShrinking = 0;
        _lastAfterSync = double.PositiveInfinity;
        _sinceSync = _roundSeconds = 0;
    }

    private void QemuSync(double wire)
    {
        var (dirtied, hot) = NewlyDirtied(_sinceSync);
        _hotDirty = Math.Min(HotSet, _hotDirty + hot);
        var pending = _nz + _z + dirtied;
        Syncs++;
        // KubeVirt's ramp starts counting once QEMU's iteration count reaches its start (virt-launcher reads it each pass).
        if (_o.DowntimeRamp is { } ramp && double.IsNaN(_rampStartedAt) && Syncs >= ramp.StartAfterIteration) _rampStartedAt = Elapsed;
        var threshold = Threshold(wire);
        // This check stops the VM in QEMU when what the sync adds fits under the threshold from where the bitmap
        // stood at the check: anywhere in the last iteration's worth of pages below it (its phase is uniform, and
        // the iteration's wall time varies with the load). The chance is the share of that band the dirtied pages
        // leave free; the model stops at the first check by which half of the runs would have stopped.
        var band = Math.Min(threshold, Progress(Math.Min(wire, LiveCap), BitmapShare) * Iteration(wire));
        _stopChance = band > Epsilon ? Math.Clamp((band - dirtied) / band, 0, 1) : 0;
        var stops = pending <= Epsilon || pending < threshold;
        if (!stops && Method != MigrationMethod.Hybrid)
        {
            _stillRunning *= 1 - _stopChance;
            stops = _stillRunning <= 0.5;
        }
        if (stops)
        {
            StopInBand(wire, dirtied);
            return;
        }
        // What the guest dirtied joins the rest of the pass: the end-of-pass run no longer stands apart.
        _tail = 0;
        if (Method == MigrationMethod.Hybrid && Syncs > _o.HybridRounds)
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
                _stuckLimit = QemuDowntimeLimitSeconds;
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
        if (_tail > Epsilon) StopInFirstPass(wire, dirtied, threshold, pending);
        else
        {
            var level = Math.Max(0, Level(wire));
            var midpoint = Math.Min(_vm.MemoryMib, level + (threshold - level) / 2);
            // Its make-up is that of what is pending: the bitmap's mix plus the freshly dirtied data pages.
            var f = pending > Epsilon ? (_nz + dirtied) / pending : 1;
            (_nz, _z) = (midpoint * f, midpoint * (1 - f));
        }
        // Every check syncs first (ram_save_pending), before the stop begins: the last sync stands for it.
        _checkSyncSeconds = _syncSeconds;
        Stop(converged: true, wire);
    }

    /// <summary>The first check stops the VM (an idle guest) while the pass is in its end-of-pass run of data
    /// (<see cref="SimulationOptions.EndOfPassDataMibPerGib"/>). QEMU checks at the end of each iteration (ram.c
    /// MAX_WAIT), at a phase uniform in it, so the median check finds the pages half an iteration's data below where
    /// they first fell under the threshold, or below where the run began, whichever came later. Where the run began the
    /// socket queue was empty (the zero pages before it barely use the wire), so the run's first bytes filled it at once
    /// and QEMU counted them sent (qemu_fflush returns once the socket has them). What the guest dirtied since the setup
    /// is pending whole.</summary>
    /// <remarks>Measured with lab/qemu/stop-probe.py (QEMU 7.2's trace points and query-migrate's downtime-bytes; idle
    /// guests of 256, 512 and 1024 MiB at 400 Mbit/s, 2026-12-06 00:43-00:50 UTC, load 4.5-10): every stop was a first
    /// check that found the pass in its end-of-pass run and copied 0.8-12.9 MiB of it at the link's rate; everything
    /// else was small (the check's and the final dirty-log sync 0.9-7.8 ms each, one check's sync 22.8 ms; stopping the
    /// vCPU under 0.6 ms; the device state 1.5-5.5 ms).</remarks>
    private void StopInFirstPass(double wire, double dirtied, double threshold, double pending)
    {
        var mix = MixMib;
        var mixShare = mix > Epsilon ? Math.Max(0, _nz - _tail) / mix : 1;
        var halfIteration = Progress(Math.Min(wire, LiveCap), 1) * Iteration(wire) / 2;
        var top = Math.Min(threshold, _run + dirtied - _o.Transport.InFlightMib) - halfIteration;
        var left = Math.Max(dirtied, Math.Min(pending, top));
        // What the stop still holds: what the guest dirtied, then the end of the pass, the run last.
        var passLeft = left - dirtied;
        var runLeft = Math.Min(_tail, passLeft);
        var mixLeft = passLeft - runLeft;
        var (nz, z) = (dirtied + runLeft + mixLeft * mixShare, mixLeft * (1 - mixShare));
        // The pages the median check finds already sent crossed before the stop (the queue's room and half an
        // iteration); they count as sent.
        var (sentNz, sentZ) = (Math.Max(0, _nz + dirtied - nz), Math.Max(0, _z - z));
        MovedMib += sentNz;
        WireMib += _stream.WireMib(sentNz, sentZ);
        _loaderIdle = 0;
        Queue(sentNz, sentZ);
        (_nz, _z) = (nz, z);
    }

    /// <summary>QEMU threshold at wire rate <paramref name="wire"/>: the wire bytes per second QEMU measures
    /// for the current mix of pages, times the downtime limit, in MiB of pages.</summary>
    private double Threshold(double wire)
    {
        var live = Math.Min(wire, LiveCap);
        var (f, v) = (BitmapShare, Progress(live, BitmapShare));
        var wirePerMib = _stream.WireMib(f, 1 - f);
        var bandwidth = double.IsInfinity(v) ? live : v * wirePerMib;
        return bandwidth * QemuDowntimeLimitSeconds;
    }

    /// <summary>The bitmap size at which QEMU's check, on average, first finds it below the threshold.</summary>
    private double Level(double wire)
    {
        var v = Progress(Math.Min(wire, LiveCap), BitmapShare);
        return Threshold(wire) - (double.IsInfinity(v) ? 0 : v * Iteration(wire) / 2);
    }

    /// <summary>One iteration of QEMU's loop: a 100 ms window when max-bandwidth binds, else 50 ms.</summary>
    private double Iteration(double wire) =>
        _o.MaxBandwidthMibPerSecond is { } cap && cap <= wire ? CappedIterationSeconds : UncappedIterationSeconds;
}

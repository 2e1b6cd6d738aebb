namespace Consolidator.Simulation;

/// <remarks>
/// Xen's stop rule: Xen iterates over whole passes and stops under 50 pages or at its caps
/// (<see cref="PreCopyStopRules"/>); the legacy save loop also adapts its rate.
/// </remarks>
internal sealed partial class MigrationProcess
{
    /// <summary>Xen legacy's adaptive rate for the current iteration (<see cref="PreCopyStopRules.AdaptiveRate"/>).</summary>
    private double _xenRateMbit = PreCopyStopRules.XenStartMbit;

    /// <summary>MiB sent in the last iteration and in this one so far, and this one's seconds (the pre-copy loop
    /// counts them as it sends).</summary>
    private double _lastIterationMib = double.PositiveInfinity, _iterationMib, _iterationSeconds;

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
}

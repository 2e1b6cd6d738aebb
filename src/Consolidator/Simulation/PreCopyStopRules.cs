namespace Consolidator.Simulation;

/// <summary>How a hypervisor runs pre-copy and when it stops the VM for the final copy.</summary>
/// <param name="Name">qemu, xen or xen-legacy.</param>
/// <param name="UsesDowntimeTarget">QEMU (migration/migration.c, migration_iteration_run): stop once the
/// dirty pages still to send are below bandwidth x downtime-limit. Otherwise stop below
/// <paramref name="ThresholdMib"/> at the end of an iteration (Xen: 50 pages).</param>
/// <param name="ThresholdMib">Xen's fixed stop threshold (50 pages = 0.195 MiB).</param>
/// <param name="MaxRounds">Most iterations, the first full pass included (null: no cap; QEMU has none).</param>
/// <param name="MaxDataFactor">Most data sent before the last iteration, as a multiple of memory (Xen legacy: 3).</param>
/// <param name="TimeoutSecondsPerGib">A management layer suspends the guest after this many seconds per GiB
/// of its memory (libvirt's `virsh migrate --timeout N --timeout-suspend`, N written by the export); null:
/// never.</param>
/// <param name="SkipsZeroPages">QEMU sends a 9-byte marker for a zero page (ram.c save_zero_page); Xen sends
/// every page whole.</param>
/// <param name="HoldsWritableWorkingSet">Xen skips the pages dirtied again during an iteration and sends them
/// with the final copy (Clark et al. 2005, section 3: the writable working set), so that copy never sends
/// less than the hot set.</param>
/// <param name="AdaptiveRate">Xen legacy ADAPTIVE_SAVE (xc_domain_save.c): the first iteration runs at 100
/// Mbit/s, each later one at the last iteration's dirtying rate + 50 Mbit/s, at most 500 Mbit/s; the final
/// copy at 500 Mbit/s. The VM is stopped once the rate is at its maximum and an iteration sent more than the
/// one before (dirtying no longer shrinking).</param>
public sealed record PreCopyStopRules(
    string Name,
    bool UsesDowntimeTarget,
    double ThresholdMib,
    int? MaxRounds,
    double MaxDataFactor,
    double? TimeoutSecondsPerGib,
    bool SkipsZeroPages,
    bool HoldsWritableWorkingSet,
    bool AdaptiveRate)
{
    private const double XenPagesMib = 50 * 4096.0 / (1 << 20);

    /// <summary>xc_domain_save.c: START_MBIT_RATE 100, MAX_MBIT_RATE 500, +50 Mbit/s over the dirtying rate.</summary>
    public const double XenStartMbit = 100, XenMaxMbit = 500, XenStepMbit = 50;

    /// <summary>QEMU 7.2 (migration.c, ram.c): stop once pending &lt; bandwidth x downtime-limit; never gives
    /// up by itself. The simulator assumes a timeout of 150 s per GiB, KubeVirt's default
    /// completionTimeoutPerGiB (VEP 248), with libvirt's suspend action (the export writes the same
    /// timeout): the paused guest's pages drain and the copy completes.</summary>
    public static readonly PreCopyStopRules Qemu = new("qemu", true, 0, null, double.PositiveInfinity, 150, true, false, false);

    /// <summary>Xen migration v2 (xg_sr_save.c): at most 5 iterations, stop under 50 dirty pages.</summary>
    public static readonly PreCopyStopRules Xen = new("xen", false, XenPagesMib, 5, double.PositiveInfinity, null, false, true, false);

    /// <summary>Xen's legacy save loop (xc_domain_save.c): 30 iterations, 50 pages, 3x memory, the adaptive rate
    /// and its "rate at maximum and dirtying not shrinking" stop.</summary>
    public static readonly PreCopyStopRules XenLegacy = new("xen-legacy", false, XenPagesMib, 30, 3, null, false, true, true);

    public static PreCopyStopRules Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "qemu" or "kvm" => Qemu,
        "xen" => Xen,
        "xen-legacy" => XenLegacy,
        _ => throw new FormatException($"--hypervisor must be 'qemu', 'xen' or 'xen-legacy', not '{Quoted.Value(text)}'"),
    };
}

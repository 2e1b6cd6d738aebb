namespace Consolidator.Simulation;

/// <summary>When a hypervisor ends pre-copy and stops the VM for the final copy (migration.md sections 1.1
/// and 4). Any of these ends the iterative rounds: the data still to send fits the downtime target at the
/// current bandwidth (QEMU: pending &lt; bandwidth x downtime-limit), or falls under a fixed threshold (Xen:
/// 50 pages); the round cap is reached; more than <see cref="MaxDataFactor"/> x memory would have been sent
/// (Xen legacy: 3x). Only the first two count as converged: the others force a stop with whatever is left,
/// and the downtime is what it takes to send it.</summary>
/// <param name="Name">qemu, xen or xen-legacy.</param>
/// <param name="UsesDowntimeTarget">Stop when pending data / bandwidth meets the downtime target (QEMU).</param>
/// <param name="ThresholdMib">Stop when pending data falls below this (Xen's 50 pages = 0.195 MiB).</param>
/// <param name="MaxRounds">Most pre-copy rounds, the first full pass included.</param>
/// <param name="MaxDataFactor">Most data sent, as a multiple of the VM's memory (infinity: no cap).</param>
public sealed record PreCopyStopRules(string Name, bool UsesDowntimeTarget, double ThresholdMib, int MaxRounds, double MaxDataFactor)
{
    private const double XenPagesMib = 50 * 4096.0 / (1 << 20);

    /// <summary>QEMU (migration/migration.c): stop-and-copy once pending bytes fall below bandwidth x
    /// downtime-limit. QEMU itself never gives up; management layers bound it (libvirt's --timeout suspends
    /// the guest so the copy completes offline; KubeVirt aborts after 150 s/GiB). The simulator stands in
    /// Xen's legacy caps, 30 rounds and 3x memory, and then forces the final copy.</summary>
    public static readonly PreCopyStopRules Qemu = new("qemu", true, 0, 30, 3);

    /// <summary>Xen migration v2 (xg_sr_save.c): at most 5 iterations, stop under 50 dirty pages.</summary>
    public static readonly PreCopyStopRules Xen = new("xen", false, XenPagesMib, 5, double.PositiveInfinity);

    /// <summary>Xen's legacy save loop (xc_domain_save.c): 30 rounds, 50 pages, never more than 3x memory.</summary>
    public static readonly PreCopyStopRules XenLegacy = new("xen-legacy", false, XenPagesMib, 30, 3);

    public static PreCopyStopRules Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "qemu" or "kvm" => Qemu,
        "xen" => Xen,
        "xen-legacy" => XenLegacy,
        _ => throw new FormatException($"--hypervisor must be 'qemu', 'xen' or 'xen-legacy', not '{text}'"),
    };

    /// <summary>Dirty memory (MiB) at or below which the VM is stopped, at the current page rate. QEMU
    /// compares pending data, device state included, with bandwidth x target; the fixed resume time is
    /// charged against the target too, so that a converged pre-copy stops the VM for exactly the target
    /// (real runs land around it: 244 ms and 451 ms at 300 ms in V2 and V1 of migration.md).</summary>
    public double StopThresholdMib(double pageRateMibPerSecond, double downtimeTargetSeconds, double resumeSeconds, double deviceStateMib) =>
        UsesDowntimeTarget
            ? Math.Max(0, pageRateMibPerSecond * (downtimeTargetSeconds - resumeSeconds) - deviceStateMib)
            : ThresholdMib;
}

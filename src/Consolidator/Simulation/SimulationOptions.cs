namespace Consolidator.Simulation;

/// <summary>Everything the simulator assumes about the hypervisors, the network and the failures.</summary>
/// <param name="Method">One method for all VMs, or Auto: pre-copy unless it would not converge or would
/// break the downtime target.</param>
/// <param name="MaxDowntimeSeconds">The downtime SLO, also QEMU's downtime target (QEMU's default 300 ms).</param>
/// <param name="StopRules">The hypervisor's pre-copy stop conditions.</param>
/// <param name="Link">TCP or RDMA.</param>
/// <param name="Compression">Page compression (None: off).</param>
/// <param name="DefaultNicGbps">NIC line rate of hosts whose inventory gives none.</param>
/// <param name="MaxConcurrentPerHost">Most migrations in progress on one host, in or out (0: no limit).</param>
/// <param name="HybridRounds">Pre-copy rounds before a hybrid migration switches to post-copy; the QEMU wiki
/// advises waiting for one full pass ("until the sync count hits 2").</param>
/// <param name="DeviceStateMib">CPU and device state sent while the VM is stopped (an assumption: QEMU's
/// device state is well under a MiB for a plain guest; 1 MiB leaves room for virtio queues).</param>
/// <param name="ResumeSeconds">Fixed part of every downtime: commit, activation and the ARP update on the
/// destination. 20 ms: V5 of migration.md measured 42 ms of total downtime on a 100 ms target, which bounds
/// the fixed part from above.</param>
/// <param name="Faults">Link failures to inject (None: none).</param>
public sealed record SimulationOptions(
    MethodSelection Method = MethodSelection.Auto,
    double MaxDowntimeSeconds = 0.3,
    PreCopyStopRules? StopRules = null,
    LinkProfile? Link = null,
    PageCompression? Compression = null,
    double DefaultNicGbps = 10,
    int MaxConcurrentPerHost = 2,
    int HybridRounds = 1,
    double DeviceStateMib = 1,
    double ResumeSeconds = 0.02,
    FaultOptions? Faults = null)
{
    public PreCopyStopRules Rules => StopRules ?? PreCopyStopRules.Qemu;
    public LinkProfile Transport => Link ?? LinkProfile.Tcp;
    public PageCompression Compress => Compression ?? PageCompression.None;
    public FaultOptions FaultPlan => Faults ?? FaultOptions.None;

    public void Validate()
    {
        if (!(MaxDowntimeSeconds > 0) || double.IsInfinity(MaxDowntimeSeconds))
            throw new ArgumentOutOfRangeException(nameof(MaxDowntimeSeconds), MaxDowntimeSeconds, "--max-downtime must be a positive number of milliseconds");
        if (!(DefaultNicGbps > 0) || double.IsInfinity(DefaultNicGbps))
            throw new ArgumentOutOfRangeException(nameof(DefaultNicGbps), DefaultNicGbps, "--nic-gbps must be a positive number");
        if (MaxConcurrentPerHost < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentPerHost), MaxConcurrentPerHost, "--max-concurrent-per-host must be 0 (no limit) or more");
        if (HybridRounds < 1)
            throw new ArgumentOutOfRangeException(nameof(HybridRounds), HybridRounds, "--hybrid-rounds must be at least 1");
        if (!(DeviceStateMib >= 0) || !(ResumeSeconds >= 0))
            throw new ArgumentOutOfRangeException(nameof(DeviceStateMib), DeviceStateMib, "device state and resume time must be >= 0");
        Compress.Validate();
        FaultPlan.Validate();
    }
}

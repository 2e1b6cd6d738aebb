using Consolidator.Inventory;

namespace Consolidator.Simulation;

/// <summary>Which pause the downtime SLO judges.</summary>
public enum SloDowntime
{
    /// <summary>The stop: from the VM's pause on the source to its resume on the destination.</summary>
    Stop,
    /// <summary>The stop plus the time post-copy's network page faults block the VM (QEMU's
    /// postcopy-blocktime): what a user of the service sees as unresponsive.</summary>
    StopAndStalls,
}

/// <summary>Everything the simulator assumes about the hypervisors, the network and the failures.</summary>
/// <param name="Method">One method for all VMs, or Auto: pre-copy unless it would not converge or would
/// break the downtime target.</param>
/// <param name="MaxDowntimeSeconds">The downtime SLO, also QEMU's downtime-limit (QEMU's default 300 ms).</param>
/// <param name="StopRules">The hypervisor's pre-copy stop conditions.</param>
/// <param name="Link">TCP or RDMA.</param>
/// <param name="Compression">Page compression (None: off).</param>
/// <param name="DefaultNicGbps">NIC line rate of hosts whose inventory gives none.</param>
/// <param name="MaxConcurrentPerHost">Most migrations in progress on one host, in or out (0: no limit).</param>
/// <param name="HybridRounds">Pre-copy passes before a hybrid migration switches to post-copy; the QEMU wiki
/// advises waiting for one full pass ("until the sync count hits 2").</param>
/// <param name="DeviceStateMib">CPU and device state sent while the VM is stopped (an assumption: QEMU's
/// device state is well under a MiB for a plain guest; 1 MiB leaves room for virtio queues).</param>
/// <param name="ResumeSeconds">Fixed part of every downtime: device state load, activation and the ARP
/// announcement on the destination. 20 ms: V5 of migration.md measured 42 ms of total downtime on a 100 ms
/// target, which bounds it from above.</param>
/// <param name="Faults">Link failures to inject (None: none).</param>
/// <param name="MaxBandwidthMibPerSecond">QEMU's max-bandwidth for the live phase (null: unlimited, as libvirt
/// and Nova set it). QEMU lifts it for the final copy and post-copy (migration_completion and postcopy_start
/// set the rate limit to INT64_MAX).</param>
/// <param name="Streams">Parallel migration streams (QEMU multifd-channels; 1: the plain single stream).</param>
/// <param name="ZeroScanMibPerSecond">Zero pages the migration thread recognises per second (buffer_is_zero
/// on every page, plus the per-page bitmap work). 2 GiB/s: the idle 4 GiB guest of QEMU's
/// multi-thread-compression document crossed in 1.8 s with 8 compression threads, its 3.7 GiB of zero pages
/// then being the bottleneck (the calibration table marks that point as used to fit this).</param>
/// <param name="SyncSecondsPerGib">One dirty-bitmap sync (KVM_GET_DIRTY_LOG and the bitmap merge) per GiB of
/// guest memory; paid at setup, at every sync and once more while the VM is stopped. 0.5 ms/GiB is an
/// assumption (a 32 KiB bitmap per GiB, copied and scanned); much more would keep V1 of migration.md, which
/// converged with a dirty rate at 70 % of its link, from ever converging.</param>
/// <param name="FaultShare">Post-copy network faults per working-set page not yet on the destination. Hines
/// and Gopalan (VEE 2009): adaptive pre-paging brings faults to within 21 % of the working set.</param>
/// <param name="Slo">Which pause the downtime SLO judges.</param>
/// <param name="QemuDowntimeLimitSeconds">QEMU's downtime-limit (migrate-set-parameters, or virsh
/// migrate-setmaxdowntime). Null: per migration, the SLO minus the fixed resume time and minus the time its link
/// needs for the socket queue the stop finds full, which is what an operator sets so that the VM's whole pause
/// (the queue, QEMU's final copy, then the activation, neither of which QEMU's limit covers) meets the SLO; the
/// export writes the same value per migration (simulation.json migrations[].qemu_downtime_limit_ms).</param>
/// <param name="SyncSecondsPerDirtyGib">A sync's cost per GiB of pages it finds dirty (0 under KVM; under TCG,
/// QEMU 7.2 resets the TLB dirty state page by page).</param>
/// <param name="SendCpuSecondsPerGib">CPU time the migration thread spends per GiB of data pages it sends (copying
/// into the stream's buffer and the socket write; on the lab's loopback the kernel's TCP path of both ends runs
/// in the sender's system time). 0 by default: on a host core of its own the link sets the pace long before
/// (QEMU's single stream is CPU-bound only from about 10 Gbit/s, the reason multifd exists); the lab fits it.</param>
/// <param name="CpuWaitIdlesLink">The migration thread's CPU work and the link's time add up instead of
/// overlapping: the thread's CPU waits (scanning a run of zero pages, waiting for a core on a busy host) outlast
/// the few tens of milliseconds the socket buffer covers, so the link idles through them. False by default: on a
/// host core of its own with zero pages scattered among the data, the two overlap. The lab sets it: its guests,
/// fresh from boot, hold their data at the bottom of memory and the rest untouched, and on the shared 2-core
/// machine the measured CPU time plus run-queue wait of the migration thread plus the wire time of its data come
/// to 75-100 % of each migration's total (tcg-busy recording).</param>
/// <param name="PreCopyTimeoutSeconds">Suspend a pre-copy guest this many seconds after its start (libvirt
/// --timeout with the suspend action) instead of the stop rules' timeout factor; null: the factor.</param>
/// <param name="SetupCpuSecondsPerGib">CPU time of the migration's setup (QEMU 7.2 ram_save_setup: the bitmaps,
/// starting the dirty log, the first sync over every page) per GiB of guest memory, on top of that first sync's
/// <paramref name="SyncSecondsPerGib"/>; spent at the migration thread's CPU share before the first page leaves. 0 by
/// default (no published point measures it); the lab measures it (QEMU's setup-time).</param>
/// <param name="DestinationLoadCpuSecondsPerGib">CPU time the destination spends loading a GiB of pre-copy data pages
/// (QEMU 7.2 ram_load_precopy, RAM_SAVE_FLAG_PAGE: the socket read and the 4 KiB copy out of the stream's buffer), at the
/// destination's CPU share (<see cref="VmMigrationInputs.DestinationCpuShare"/>). The load runs behind the source's work
/// and the wire, through the sockets' buffers (<paramref name="ReceiveBufferMib"/>). 0 by default (no published point
/// measures it); the lab measures it per machine. Post-copy loads through userfaultfd (UFFDIO_COPY and UFFDIO_ZEROPAGE),
/// a different path this figure does not describe.</param>
/// <param name="DestinationZeroLoadCpuSecondsPerGib">The same per GiB of zero pages (RAM_SAVE_FLAG_ZERO: an 8-byte
/// header and one byte on the wire, then ram_handle_compressed's buffer_is_zero over the destination's own page, a
/// memset only if that page is not zero); null: <paramref name="DestinationLoadCpuSecondsPerGib"/>.</param>
/// <param name="ReceiveBufferMib">Wire MiB the stream can hold between the source's writes and the destination's
/// loading (the receiving socket's buffer, and behind it the link's queue and the sending socket's): the source runs
/// ahead of a slower loader until they are full, and QEMU's figures, taken on the source, end when its last byte is
/// written, while the VM resumes only once the destination has loaded everything. A zero page costs 9 wire bytes, so
/// the buffer holds the markers of ~455 times its size in zero pages. 16 MiB: lab/qemu/stop-probe.py saw a starved
/// destination's receive queue at 11-23 MB on the lab's machine (Linux tcp_rmem max 32 MiB there).</param>
/// <param name="EndOfPassDataMibPerGib">Data pages at the very end of the first pre-copy pass, per GiB of guest memory:
/// QEMU walks RAM in address order, and a Linux guest's top pages hold its struct page array (64 bytes per 4 KiB page,
/// 16 MiB per GiB, which the boot allocator, memblock, places top-down), so even an idle guest's pass ends in a run of
/// data. An idle guest's stop copies what of that run is still unsent when QEMU's check first finds the pages below its
/// threshold (see MigrationProcess.QemuStopRule). Measured in the lab (lab/qemu/stop-probe.py reads the top 64 MiB with
/// pmemsave before each probe): the run is 7.5, 11.1 and 18.7 MiB at 256, 512 and 1024 MiB. Part of the data, not added
/// to it.</param>
/// <param name="EndOfPassDataMib">The rest of that run, the same at any memory size: the kernel's other early top-down
/// allocations; 0 by default (no published point measures it), the lab measures its kernel's.</param>
/// <param name="DowntimeRamp">KubeVirt's dynamic downtime tuning (VEP 291): QEMU's downtime-limit starts low and rises
/// in steps as the migration iterates; null: one limit for the whole migration.</param>
/// <param name="SendOverlap">How the send of data pages meets the wire (<see cref="Simulation.SendOverlap"/>); null: with
/// the zero-page checks, as <paramref name="CpuWaitIdlesLink"/> says. Set, the zero-page checks still add to the wire
/// where <paramref name="CpuWaitIdlesLink"/> (no data is queued while they run) and the send follows the strategy.</param>
/// <param name="Mirroring">How local disks are copied before the memory phase (null: <see cref="BlockMirrorOptions.Default"/>).</param>
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
    FaultOptions? Faults = null,
    double? MaxBandwidthMibPerSecond = null,
    int Streams = 1,
    double ZeroScanMibPerSecond = 2048,
    double SyncSecondsPerGib = 0.0005,
    double FaultShare = 0.21,
    SloDowntime Slo = SloDowntime.StopAndStalls,
    double? PreCopyTimeoutSeconds = null,
    double? QemuDowntimeLimitSeconds = null,
    double SyncSecondsPerDirtyGib = 0,
    double SendCpuSecondsPerGib = 0,
    bool CpuWaitIdlesLink = false,
    BlockMirrorOptions? Mirroring = null,
    double SetupCpuSecondsPerGib = 0,
    double DestinationLoadCpuSecondsPerGib = 0,
    double EndOfPassDataMibPerGib = 0,
    double EndOfPassDataMib = 0,
    double? DestinationZeroLoadCpuSecondsPerGib = null,
    double ReceiveBufferMib = 16,
    DowntimeRamp? DowntimeRamp = null,
    SendOverlap? SendOverlap = null)
{
    /// <summary>A migration predicted to take longer than this is an input error (a NIC rate typed in the
    /// wrong unit, say), not a plan: a year.</summary>
    public const double LongestMigrationSeconds = 365.25 * 24 * 3600;

    public PreCopyStopRules Rules => StopRules ?? PreCopyStopRules.Qemu;

    /// <summary>The downtime-limit QEMU is given (seconds); at least 1 ms.</summary>
    /// <summary>The limit before the per-migration room for the socket queue (the options' value, or the SLO
    /// minus the resume).</summary>
    public double QemuDowntimeLimit => QemuDowntimeLimitFor(0, 0);

    /// <summary>One migration's downtime-limit (seconds; see <see cref="QemuDowntimeLimitSeconds"/>): the options'
    /// value, else the SLO less the resume, the time its link needs for the queue the stop finds full
    /// (<paramref name="queueSeconds"/>) and the stop's last dirty-log sync (<paramref name="syncSeconds"/>); at least
    /// 1 ms. Both are at least 0, so no migration's limit is above <see cref="QemuDowntimeLimit"/> (what the export
    /// checks a simulation.json against).</summary>
    public double QemuDowntimeLimitFor(double queueSeconds, double syncSeconds) =>
        QemuDowntimeLimitSeconds ?? Math.Max(0.001, MaxDowntimeSeconds - ResumeSeconds - queueSeconds - syncSeconds);

    /// <summary>The libvirt timeout (suspend action) a migration by <paramref name="method"/> of a VM of
    /// <paramref name="memoryMib"/> is planned with: none for post-copy, else <see cref="PreCopyTimeoutSeconds"/>,
    /// else the stop rules' seconds per GiB; null: none. What the export writes (simulation.json
    /// migrations[].timeout_s) and checks against the file's options.</summary>
    public double? TimeoutSeconds(MigrationMethod method, double memoryMib) => method == MigrationMethod.PostCopy ? null
        : PreCopyTimeoutSeconds ?? (Rules.TimeoutSecondsPerGib is { } k ? k * memoryMib / 1024 : null);
    public LinkProfile Transport => Link ?? LinkProfile.Tcp;

    /// <summary>The destination's CPU time per GiB of zero pages loaded.</summary>
    public double DestinationZeroLoad => DestinationZeroLoadCpuSecondsPerGib ?? DestinationLoadCpuSecondsPerGib;
    public PageCompression Compress => Compression ?? PageCompression.None;
    public FaultOptions FaultPlan => Faults ?? FaultOptions.None;

    /// <summary>How local disks are copied (<see cref="BlockMirrorOptions"/>).</summary>
    public BlockMirrorOptions Mirror => Mirroring ?? BlockMirrorOptions.Default;

    /// <summary>The most wire MiB/s one migration can carry, whatever its NIC share: its streams' limit.</summary>
    public double StreamsCapMibPerSecond => Transport.StreamCapMibPerSecond * Streams;

    /// <summary>The largest --max-bandwidth taken: <see cref="Host.MaxNicGbps"/> in MiB/s, rounded down.</summary>
    public const double MaxBandwidthCapMibPerSecond = 119209;

    /// <summary>The most pre-copy passes before a hybrid migration switches: a sanity bound, not a measurement. The switch
    /// exists for migrations that do not converge; QEMU's wiki advises one pass, and the xen rules stop pre-copy
    /// after 5 or 30.</summary>
    public const int MaxHybridRounds = 100;

    public void Validate()
    {
        // It is also QEMU's downtime-limit, which QEMU 7.2 takes up to 2000 s (migration.c, MAX_MIGRATE_DOWNTIME_SECONDS):
        // 1e300 ms was replayed, printed as a 301-digit SLO and written where export refuses it.
        // From a millisecond: 1e-9 ran as "SLO 0 ms" and simulation.json recorded max_downtime_ms 0, which this refuses.
        if (!(MaxDowntimeSeconds >= 0.001) || MaxDowntimeSeconds > 2000)
            throw new ArgumentOutOfRangeException(nameof(MaxDowntimeSeconds), MaxDowntimeSeconds, "--max-downtime must be a number of milliseconds from 1 to 2000000 (QEMU's downtime-limit, which it sets, counts milliseconds up to 2000 s)");
        if (!(DefaultNicGbps >= Host.MinNicGbps) || DefaultNicGbps > Host.MaxNicGbps)
            throw new ArgumentOutOfRangeException(nameof(DefaultNicGbps), DefaultNicGbps, "--nic-gbps must be a number from 0.001 (1 Mbit/s) to 1000 (1 Tbit/s, above the fastest Ethernet, 800 Gbit/s)");
        if (MaxConcurrentPerHost < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentPerHost), MaxConcurrentPerHost, "--max-concurrent-per-host must be 0 (no limit) or more");
        // At most MaxHybridRounds: 1000000000 was taken and written into simulation.json, and a hybrid migration that did
        // not converge then synced on until its pre-copy timeout (or the model's 10,000,000-sync guard) without ever
        // switching: pre-copy under the name hybrid.
        if (HybridRounds is < 1 or > MaxHybridRounds)
            throw new ArgumentOutOfRangeException(nameof(HybridRounds), HybridRounds, $"--hybrid-rounds must be a whole number from 1 to {MaxHybridRounds} (pre-copy passes before the switch to post-copy; QEMU's wiki advises one)");
        if (!(DeviceStateMib >= 0) || !(ResumeSeconds >= 0) || double.IsInfinity(DeviceStateMib) || double.IsInfinity(ResumeSeconds))
            throw new ArgumentOutOfRangeException(nameof(DeviceStateMib), DeviceStateMib, "device state and resume time must be finite and >= 0");
        // At least 1 MiB/s, libvirt's unit for it (`virsh migrate --bandwidth`, whole MiB/s): 1e-300 was taken, every
        // migration went post-copy and the summary printed a 300-digit pre-copy timeout.
        if (MaxBandwidthMibPerSecond is { } cap && (!(cap >= 1) || cap > MaxBandwidthCapMibPerSecond))
            throw new ArgumentOutOfRangeException(nameof(MaxBandwidthMibPerSecond), cap, "--max-bandwidth must be at least 1 MiB/s, at most 119209 (1 Tbit/s, above the fastest Ethernet, 800 Gbit/s)");
        if (Streams < 1 || Streams > 256)
            throw new ArgumentOutOfRangeException(nameof(Streams), Streams, "--streams must be between 1 and 256");
        if (!(ZeroScanMibPerSecond > 0) || double.IsInfinity(ZeroScanMibPerSecond))
            throw new ArgumentOutOfRangeException(nameof(ZeroScanMibPerSecond), ZeroScanMibPerSecond, "the zero-page scan rate must be a positive number of MiB/s");
        if (!(SyncSecondsPerGib >= 0) || double.IsInfinity(SyncSecondsPerGib))
            throw new ArgumentOutOfRangeException(nameof(SyncSecondsPerGib), SyncSecondsPerGib, "the sync cost must be finite and >= 0");
        if (!(FaultShare >= 0 && FaultShare <= 1))
            throw new ArgumentOutOfRangeException(nameof(FaultShare), FaultShare, "the post-copy fault share must be in [0, 1]");
        if (!(SyncSecondsPerDirtyGib >= 0) || double.IsInfinity(SyncSecondsPerDirtyGib))
            throw new ArgumentOutOfRangeException(nameof(SyncSecondsPerDirtyGib), SyncSecondsPerDirtyGib, "the sync cost per dirty GiB must be finite and >= 0");
        if (!(SetupCpuSecondsPerGib >= 0) || double.IsInfinity(SetupCpuSecondsPerGib))
            throw new ArgumentOutOfRangeException(nameof(SetupCpuSecondsPerGib), SetupCpuSecondsPerGib, "the setup CPU cost per GiB must be finite and >= 0");
        if (!(DestinationLoadCpuSecondsPerGib >= 0) || double.IsInfinity(DestinationLoadCpuSecondsPerGib))
            throw new ArgumentOutOfRangeException(nameof(DestinationLoadCpuSecondsPerGib), DestinationLoadCpuSecondsPerGib, "the destination's load CPU cost per GiB must be finite and >= 0");
        if (DestinationZeroLoadCpuSecondsPerGib is { } zeroLoad && (!(zeroLoad >= 0) || double.IsInfinity(zeroLoad)))
            throw new ArgumentOutOfRangeException(nameof(DestinationZeroLoadCpuSecondsPerGib), zeroLoad, "the destination's zero-page load CPU cost per GiB must be finite and >= 0");
        if (!(ReceiveBufferMib >= 0) || double.IsInfinity(ReceiveBufferMib))
            throw new ArgumentOutOfRangeException(nameof(ReceiveBufferMib), ReceiveBufferMib, "the receive buffer must be finite and >= 0 MiB");
        if (!(EndOfPassDataMibPerGib >= 0 && EndOfPassDataMibPerGib <= 1024) || !(EndOfPassDataMib >= 0) || double.IsInfinity(EndOfPassDataMib))
            throw new ArgumentOutOfRangeException(nameof(EndOfPassDataMibPerGib), EndOfPassDataMibPerGib, "the end-of-pass data must be finite and >= 0, at most all of the memory");
        if (!(SendCpuSecondsPerGib >= 0) || double.IsInfinity(SendCpuSecondsPerGib))
            throw new ArgumentOutOfRangeException(nameof(SendCpuSecondsPerGib), SendCpuSecondsPerGib, "the send CPU cost per GiB must be finite and >= 0");
        if (QemuDowntimeLimitSeconds is { } q && (!(q > 0) || q > 2000))
            throw new ArgumentOutOfRangeException(nameof(QemuDowntimeLimitSeconds), q, "QEMU's downtime-limit must be between 0 and 2000 s");
        if (PreCopyTimeoutSeconds is { } t && (!(t > 0) || t > LongestMigrationSeconds))
            throw new ArgumentOutOfRangeException(nameof(PreCopyTimeoutSeconds), t, "--precopy-timeout must be a positive number of seconds up to a year");
        DowntimeRamp?.Validate();
        Compress.Validate();
        FaultPlan.Validate();
        Mirror.Validate();
    }
}

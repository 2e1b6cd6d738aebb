using System.Collections.Immutable;
using Consolidator.Simulation;

namespace Consolidator.Calibration;

/// <summary>Published live-migration measurements, as ../shared/research/migration.md section 6 and the QEMU
/// documents cited on each point give them. Constants here, so that the calibration runs without ../shared;
/// a test checks the quoted figures against migration.md when it is present.</summary>
public static class PublishedPoints
{
    public const double MbitToMibPerSecond = 1e6 / 8 / (1 << 20);

    /// <summary>The data-centre defaults of <see cref="SimulationOptions"/>, with QEMU's default 300 ms
    /// downtime-limit as the measured runs had it.</summary>
    private static readonly SimulationOptions Qemu = new(QemuDowntimeLimitSeconds: 0.3);

    /// <summary>BtrPlace's measured `stress --vm 1000 --bytes 70K` profile (kherbache-thesis Random.java).</summary>
    public static readonly DirtyProfile Stress70K = new(96, 2, 2);

    private static ReferencePoint Point(string id, string source, string setting, VmMigrationInputs vm, double link, Measured measured,
        SimulationOptions? options = null, MigrationMethod method = MigrationMethod.PreCopy, PointRole role = PointRole.Published, string? reason = null,
        string? downtimeReason = null, string? knownMiss = null) =>
        new(id, source, setting, [vm], method, link, options ?? Qemu, [measured], Tolerance.Published, role, reason, downtimeReason, KnownMiss: knownMiss);

    /// <summary>KubeVirt's downtime ramp at VEP 291's defaults, as its benchmark ran it.</summary>
    private static readonly SimulationOptions Ramped = Qemu with { DowntimeRamp = DowntimeRamp.KubeVirtDefault };

    /// <summary>Why V1b and V3 with the ramp miss: the end game their runs show is a plateau of their guest's writable working
    /// set, which VEP 291 does not state.</summary>
    private const string Plateau = "VEP 291 states only the mean dirty rate, and its runs' end game plateaued (V1: 69 dirty-log syncs in a 45 s "
        + "convergence phase, ~70 MiB re-dirtied per pass), a writable working set that only a raised limit clears; a rate in the default "
        + "shape (BtrPlace's stress profile) shrinks pass by pass to the stop whatever the limit, so the ramp changes nothing there; a guest "
        + "given its working set (vms.csv wss_mib, hot_dirty_mib_s) plateaus, and the ramp converges it (DowntimeRampTests)";

    private const string Qemu92Downtime = "QEMU 9.2 measured it; the model follows 7.2, whose loop stops an idle guest's last pass at about its data share of the limit (here ~0.84 x 300 ms); 9.2's multifd zero-page detection changes that switchover";

    private static VmMigrationInputs Vm(double memory, DirtyProfile dirty, double zero = 0) => new(memory, dirty, 1, zero);

    private static double Tcp(double gbps) => LinkProfile.Tcp.GoodputMibPerSecond(gbps);

    private const string KubeVirt = "KubeVirt VEP 291 (kubevirt/enhancements veps/sig-compute/291-dynamic-downtime-tuning/vep.md), migration.md V";

    private const string Grid5000 = "BtrPlace Grid'5000 runs (btrplace/kherbache-thesis accuracy/real_executions_output), migration.md V6";

    private const string Mtc = "QEMU docs/multi-thread-compression.txt (KVM, 4 GiB RHEL 6.5 guest, 1 Gbit/s I350)";

    private const string Rdma = "QEMU docs/rdma.txt (M. Hines 2013; 8 GiB guest, 40 Gbit/s InfiniBand)";

    private const string QatZip = "QEMU docs/devel/migration/qatzip-compression.rst (64 GiB guest, 54 GiB of Silesia data, idle, 10 Gbit/s, 8 multifd channels)";

    /// <summary>zstd's README benchmark on the Silesia corpus: level 1 compresses at 510 MB/s with ratio 2.896.</summary>
    private static readonly PageCompression ZstdSilesia = new(2.896, 510e6 / (1 << 20), 8);

    public static ImmutableArray<ReferencePoint> All =>
    [
        Point("V1 KubeVirt 8 GiB, 650 Mbit/s dirty", KubeVirt + "1", "8 GiB idle OpenShift worker, 1 Gbit/s, dirty 650 Mbit/s, 300 ms; mean of 10 runs",
            Vm(8192, DirtyProfile.FromRate(650 * MbitToMibPerSecond)), Tcp(1), new Measured(112.4, 112.4, 0.451, 11862, true)),
        Point("V1b KubeVirt, downtime ramp", KubeVirt + "1b", "as V1 with VEP 291's ramp (150 ms, then from iteration 3 +150 ms every 10 s up to 1050 ms); mean of 10 runs",
            Vm(8192, DirtyProfile.FromRate(650 * MbitToMibPerSecond)), Tcp(1), new Measured(92.2, 92.2, 0.611, 9694), Ramped, knownMiss: Plateau),
        Point("V2 KubeVirt idle VM", KubeVirt + "2", "idle CentOS Stream 10 VM, 300 ms limit", Vm(2048, DirtyProfile.Idle), Tcp(1), Measured.Of(null, 0.244, null),
            reason: "the VM's memory size, memory in use and link rate are not stated"),
        Point("V2 KubeVirt idle VM, downtime ramp", KubeVirt + "2", "as above with VEP 291's ramp (150 ms until iteration 3)", Vm(2048, DirtyProfile.Idle), Tcp(1),
            Measured.Of(null, 0.129, null), Ramped, reason: "the VM's memory size, memory in use and link rate are not stated"),
        Point("V3 KubeVirt 900 Mbit/s dirty", KubeVirt + "3", "8 GiB, 1 Gbit/s, dirty 900 Mbit/s, 300 ms",
            Vm(8192, DirtyProfile.FromRate(900 * MbitToMibPerSecond)), Tcp(1), Measured.Of(null, null, null, converges: false)),
        Point("V3 KubeVirt 900 Mbit/s dirty, downtime ramp", KubeVirt + "3", "as V3 with VEP 291's ramp: converges at ~1 s of downtime",
            Vm(8192, DirtyProfile.FromRate(900 * MbitToMibPerSecond)), Tcp(1), Measured.Of(null, 1.0, null, converges: true), Ramped, knownMiss: Plateau),
        Point("V4 POWER8 hugepages", "balamuruhans.github.io 2019-08-13 converge-migration-for-hugepage-backed-VM, migration.md V4",
            "8 GiB, 866.83 Mbit/s measured, 39,044 pages/s dirty, 300 ms", Vm(8388864 / 1024.0, DirtyProfile.FromRate(39044 * 4096.0 / (1 << 20))),
            866.83 * MbitToMibPerSecond, Measured.Of(null, null, null, converges: false)),
        // V1's first iteration (112.4 s total less its 45.0 s convergence phase): QEMU 7.2 syncs the dirty log only when
        // what is left falls below the threshold (ram_save_pending), so the first pass sends the whole 8 GiB once whatever
        // the guest dirties meanwhile; an idle guest of the same size is that pass, plus its setup and a stop of a few MiB.
        Point("V1 first iteration", KubeVirt + "1", "V1's first pass alone (total 112.4 s less the 45.0 s convergence phase): "
            + "an 8 GiB guest whose pages all cross once, 1 Gbit/s, 300 ms", Vm(8192, DirtyProfile.Idle), Tcp(1), Measured.Of(67.4, null, null)),
        // V4 as QEMU's info migrate showed it after 130.9 s: libvirt's suspend at that moment (the simulator's pre-copy
        // timeout) sends what was sent by then plus what was dirty then, 18,197,383 + 376,892 kB.
        Point("V4 POWER8 at 130.9 s", "balamuruhans.github.io 2019-08-13 converge-migration-for-hugepage-backed-VM, migration.md V4",
            "as V4, paused at 130.9 s: data sent by then plus the 376,892 kB remaining", Vm(8388864 / 1024.0, DirtyProfile.FromRate(39044 * 4096.0 / (1 << 20))),
            866.83 * MbitToMibPerSecond, Measured.Of(null, null, (18197383 + 376892) / 1024.0, converges: false), Qemu with { PreCopyTimeoutSeconds = 130.9 }),
        Point("V5 Proxmox 2 GiB", "pastebin.com/wWgTeXcy (qm migrate log), migration.md V5", "2 GiB, speed cap 8 GiB/s, 100 ms limit",
            Vm(2156597248 / 1048576.0, DirtyProfile.Idle, 2156597248 / 1048576.0 - 398414448 / 1048576.0), Tcp(10), Measured.Of(7, 0.042, 398414448 / 1048576.0),
            reason: "the link rate is not stated (the log's 292.57 MB/s is the VM's size over the duration)"),
        Point("V6 2000 MiB @ 1 Gbit/s", Grid5000, "2000 MiB in use, stress 70K (96 MiB / 2 s / 2 MiB/s)", Vm(2000, Stress70K), Tcp(1), new Measured(19, 20, null, null)),
        Point("V6 3000 MiB @ 1 Gbit/s", Grid5000, "3000 MiB, stress 70K", Vm(3000, Stress70K), Tcp(1), new Measured(34, 34, null, null)),
        Point("V6 2000 MiB @ 500 Mbit/s", Grid5000, "2000 MiB, stress 70K, via a 500 Mbit/s host", Vm(2000, Stress70K), Tcp(0.5), new Measured(38, 42, null, null)),
        Point("V6 3000 MiB @ 500 Mbit/s", Grid5000, "3000 MiB, stress 70K, via 500 Mbit/s", Vm(3000, Stress70K), Tcp(0.5), new Measured(56, 73, null, null)),
        Point("V7 Clark SPECweb", "Clark et al., NSDI 2005 (abstract), migration.md V7", "Xen, SPECweb99 server", Vm(800, DirtyProfile.Idle), Tcp(1),
            Measured.Of(null, 0.210, null), Qemu with { StopRules = PreCopyStopRules.XenLegacy },
            reason: "memory size, dirty rate and link of the measured runs are not confirmed (migration.md marks them unconfirmed)"),
        Point("V7 Clark Quake 3", "Clark et al., NSDI 2005 (abstract), migration.md V7", "Xen, Quake 3 server", Vm(64, DirtyProfile.Idle), Tcp(1),
            Measured.Of(null, 0.060, null), Qemu with { StopRules = PreCopyStopRules.XenLegacy },
            reason: "memory size, dirty rate and link of the measured runs are not confirmed"),
        Point("MTC idle 4 GiB", Mtc, "idle guest, 4,211,524 kB, 363,536 kB sent, 300 ms",
            Vm(4211524 / 1024.0, DirtyProfile.Idle, (4211524 - 363536) / 1024.0), Tcp(1), Measured.Of(3.333, 0.100, 363536 / 1024.0)),
        Point("MTC idle 4 GiB, 8 zlib threads", Mtc, "as above, compress-threads 8, level 1: 107,819 kB sent (ratio 3.37)",
            Vm(4211524 / 1024.0, DirtyProfile.Idle, (4211524 - 363536) / 1024.0), Tcp(1), Measured.Of(1.833, 0.027, 107819 / 1024.0),
            Qemu with { Compression = new PageCompression(363536.0 / 107819, 100, 8) }, role: PointRole.PublishedFit),
        Point("MTC busy 4 GiB", Mtc, "a program writing random numbers to memory", Vm(4211524 / 1024.0, DirtyProfile.Idle), Tcp(1),
            Measured.Of(37.369, 0.337, 4274143 / 1024.0),
            reason: "the program's dirty rate and working set are not stated"),
        Point("RDMA idle 8 GiB, pin-all", Rdma, "all 8 GiB in use, idle, rdma-pin-all: about 4 s at 26 Gbit/s",
            Vm(8192, DirtyProfile.Idle), LinkProfile.Rdma.GoodputMibPerSecond(40), Measured.Of(4, null, null),
            Qemu with { Link = LinkProfile.Rdma }, role: PointRole.PublishedFit),
        Point("RDMA idle 8 GiB, no pin-all", Rdma, "as above without rdma-pin-all: about 7.5 s at 9.5 Gbit/s",
            Vm(8192, DirtyProfile.Idle), LinkProfile.Rdma.GoodputMibPerSecond(40), Measured.Of(7.5, null, null), Qemu with { Link = LinkProfile.Rdma },
            reason: "registration page by page (rdma-pin-all off) is not modelled; the simulator's RDMA transport is the pin-all one"),
        Point("QATzip doc, no compression", QatZip, "54 GiB of 64 GiB in use, idle, 8 multifd channels, 10 Gbit/s",
            Vm(65536, DirtyProfile.Idle, 10240), Tcp(10), Measured.Of(46.063, 0.040, null), Qemu with { Streams = 8 }, downtimeReason: Qemu92Downtime),
        Point("QATzip doc, zstd", QatZip, "as above, multifd zstd level 1 (810 % send CPU)",
            Vm(65536, DirtyProfile.Idle, 10240), Tcp(10), Measured.Of(20.165, 0.024, null), Qemu with { Streams = 8, Compression = ZstdSilesia },
            downtimeReason: Qemu92Downtime),
        Point("Huang 2007 RDMA", "Huang, Gao, Liu, Panda, IEEE Cluster 2007 (abstract)", "Xen over InfiniBand vs TCP over IPoIB",
            Vm(1024, DirtyProfile.Idle), Tcp(10), Measured.Of(null, null, null),
            reason: "only relative gains are published (up to 80 % of total time, 77 % of downtime) against a 2007 IPoIB stack, not the inputs"),
        Point("Jin 2009 compression", "Jin, Deng, Wu, Shi, Pan, IEEE Cluster 2009 (MECOM, abstract)", "Xen, adaptive compression",
            Vm(1024, DirtyProfile.Idle), Tcp(1), Measured.Of(null, null, null),
            reason: "only averages over workloads are published (-32 % time, -68.8 % data, -27.1 % downtime), not per-workload inputs"),
        Point("Hines 2009 post-copy", "Hines and Gopalan, VEE 2009 (abstract)", "Xen post-copy with adaptive pre-paging",
            Vm(1024, DirtyProfile.Idle), Tcp(1), Measured.Of(null, null, null), method: MigrationMethod.PostCopy,
            reason: "per-workload totals and downtimes are unconfirmed (migration.md section 7); its 21 % fault share is the model's default"),
    ];
}

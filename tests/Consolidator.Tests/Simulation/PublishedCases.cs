using Consolidator.Simulation;

namespace Consolidator.Tests.Simulation;

/// <summary>Published live-migration measurements with enough inputs (memory, dirty behaviour, bandwidth) to
/// replay them, as listed in ../shared/research/migration.md section 6. Kept here as constants so that the
/// calibration tests run without ../shared.</summary>
public static class PublishedCases
{
    public const double MbitToMibPerSecond = 1e6 / 8 / (1 << 20);

    /// <summary>A case: the inputs, then the measured results (a range when several runs were reported).</summary>
    /// <param name="Row">The row of migration.md's validation table the case comes from.</param>
    /// <param name="Quoted">Figures as migration.md writes them, cross-checked when ../shared is present.</param>
    public sealed record Case(
        string Id, string Row, string[] Quoted, double MemoryMib, DirtyProfile Dirty, double WireMibPerSecond, double DowntimeTargetSeconds,
        double? TotalLowSeconds, double? TotalHighSeconds, double? DowntimeSeconds, bool Converges)
    {
        public override string ToString() => Id;
    }

    /// <summary>V1: KubeVirt on QEMU, 8 GiB idle OpenShift HCP worker, 1 Gbit/s, average dirty rate about
    /// 650 Mbit/s, QEMU's default 300 ms target; 10 runs: mean total 112.4 s (worst 161 s), mean downtime
    /// 451 ms. kubevirt/enhancements veps/sig-compute/291-dynamic-downtime-tuning/vep.md. Only the rate is
    /// known, so the dirty profile is the default shape at that rate.</summary>
    public static readonly Case V1 = new("V1", "V1", ["**8 GiB**", "**1 Gbps**", "**650 Mbps**", "**112.4 s**", "**451 ms**"], 8192, DirtyProfile.FromRate(650 * MbitToMibPerSecond),
        LinkProfile.Tcp.GoodputMibPerSecond(1), 0.3, 112.4, 112.4, 0.451, true);

    /// <summary>V3: same cluster, dirty rate about 900 Mbit/s on 1 Gbit/s: no convergence at 300 ms.</summary>
    public static readonly Case V3 = new("V3", "V3", ["dirty ≈ 900 Mbps on 1 Gbps", "**no convergence** at 300 ms"], 8192, DirtyProfile.FromRate(900 * MbitToMibPerSecond),
        LinkProfile.Tcp.GoodputMibPerSecond(1), 0.3, null, null, null, false);

    /// <summary>V4: POWER8 guest of 8,388,864 kB, unlimited max-bandwidth measured at 866.83 Mbit/s, dirty
    /// rate 39,044 pages/s of 4 KiB, 300 ms target: never converges (6 dirty syncs, 2.2x RAM sent after
    /// 130.9 s). balamuruhans.github.io _posts/2019-08-13-converge-migration-for-hugepage-backed-VM.md.
    /// The measured throughput already is the goodput.</summary>
    public static readonly Case V4 = new("V4", "V4", ["8,388,864 kB", "866.83 Mbit/s", "39,044 pages/s", "**never converges**"], 8388864 / 1024.0, DirtyProfile.FromRate(39044 * 4096.0 / (1 << 20)),
        866.83 * MbitToMibPerSecond, 0.3, null, null, null, false);

    /// <summary>V6 runs: KVM/libvirt on Grid'5000, VMs running `stress --vm 1000 --bytes 70K`, which BtrPlace
    /// measured as a 96 MiB hot set rewritten every 2 s plus 2 MiB/s of cold pages (kherbache-thesis
    /// Random.java); migrations at 1000 or 500 Mbit/s (accuracy/real_executions_output/*/micro_random.*.csv).
    /// QEMU's default 300 ms downtime target.</summary>
    public static readonly DirtyProfile Stress70K = new(96, 2, 2);

    public static readonly Case V6a = new("V6 2000 MiB @ 1 Gbit/s", "V6", ["`stress --vm 1000 --bytes 70K`", "2000 MiB @1 Gbit: **19–20 s**"], 2000, Stress70K,
        LinkProfile.Tcp.GoodputMibPerSecond(1), 0.3, 19, 20, null, true);

    public static readonly Case V6b = new("V6 3000 MiB @ 1 Gbit/s", "V6", ["3000 MiB @1 Gbit: **34 s**"], 3000, Stress70K,
        LinkProfile.Tcp.GoodputMibPerSecond(1), 0.3, 34, 34, null, true);

    public static readonly Case V6c = new("V6 2000 MiB @ 500 Mbit/s", "V6", ["2000 MiB via a 500 Mbit host: **38–42 s**"], 2000, Stress70K,
        LinkProfile.Tcp.GoodputMibPerSecond(0.5), 0.3, 38, 42, null, true);

    public static readonly Case V6d = new("V6 3000 MiB @ 500 Mbit/s", "V6", ["3000 MiB via 500 Mbit: **56–73 s**"], 3000, Stress70K,
        LinkProfile.Tcp.GoodputMibPerSecond(0.5), 0.3, 56, 73, null, true);

    public static IEnumerable<Case> All => [V1, V3, V4, V6a, V6b, V6c, V6d];
}

using Consolidator.Profiles;

namespace Consolidator.Simulation;

/// <summary>How a guest dirties its memory, in the two-class model of BtrPlace/mVM (Kherbache, Madelaine and
/// Hermenier, UCC 2015; btrplace/scheduler CNetwork.java): a hot set of <see cref="HotSetMib"/> that the guest
/// rewrites entirely every <see cref="HotRewriteSeconds"/> (the writable working set of Clark et al., NSDI
/// 2005), plus cold pages dirtied at <see cref="ColdRateMibPerSecond"/>.</summary>
public sealed record DirtyProfile(double HotSetMib, double HotRewriteSeconds, double ColdRateMibPerSecond)
{
    /// <summary>BtrPlace measured the hot set of every profile it calibrated as rewritten in 2 s.</summary>
    public const double DefaultHotRewriteSeconds = 2;

    /// <summary>Share of the dirty rate that goes to the hot set when only the rate is known: the split of
    /// BtrPlace's measured `stress --vm 1000 --bytes 50K` profile (hot 56 MiB / 2 s = 28 MiB/s, cold
    /// 22.6 MiB/s, so 55 % hot). The only measured profile in the sources with both classes non-trivial.</summary>
    public const double HotShare = 28.0 / (28.0 + 22.6);

    /// <summary>BtrPlace's "minimal observed value on idle VM": 5 MiB rewritten every 2 s, no cold pages.</summary>
    public static readonly DirtyProfile Idle = new(5, 2, 0);

    public double HotRateMibPerSecond => HotRewriteSeconds > 0 ? HotSetMib / HotRewriteSeconds : 0;

    /// <summary>Distinct MiB dirtied per second while the hot set is still filling (the rate QEMU's
    /// calc-dirty-rate measures over one second).</summary>
    public double RateMibPerSecond => HotRateMibPerSecond + ColdRateMibPerSecond;

    /// <summary>Distinct MiB dirtied in <paramref name="seconds"/> since the last dirty-log sync: the hot set
    /// fills linearly up to its size, cold pages keep coming; never more than the guest's memory. A page
    /// written twice counts once, which is why the hot set is sent once per round rather than once per write.</summary>
    public double Dirtied(double seconds, double memoryMib) =>
        Math.Min(memoryMib, Math.Min(HotSetMib, HotRateMibPerSecond * seconds) + ColdRateMibPerSecond * seconds);

    /// <summary>Times (seconds since the sync) where <see cref="Dirtied"/> changes slope: the hot set is full,
    /// or the whole memory is dirty. Between them it is linear, so a crossing can be solved exactly.</summary>
    public IEnumerable<double> Breakpoints(double memoryMib)
    {
        var hot = HotRateMibPerSecond;
        if (hot > 0) yield return HotSetMib / hot;
        if (hot + ColdRateMibPerSecond > 0) yield return memoryMib / (hot + ColdRateMibPerSecond);
        if (ColdRateMibPerSecond > 0) yield return Math.Max(0, memoryMib - HotSetMib) / ColdRateMibPerSecond;
    }

    /// <summary>The guest rewrites its working set of <paramref name="wssMib"/> at <paramref name="hotMibPerSecond"/>
    /// of distinct pages per second, cycling over it (so the hot set is the working set, rewritten every
    /// wss/hot seconds), and dirties cold pages elsewhere at <paramref name="coldMibPerSecond"/>. This is what
    /// the lab's guest program does.</summary>
    public static DirtyProfile OverWorkingSet(double wssMib, double hotMibPerSecond, double coldMibPerSecond)
    {
        if (!(wssMib >= 0) || !(hotMibPerSecond >= 0) || !(coldMibPerSecond >= 0) || double.IsInfinity(wssMib + hotMibPerSecond + coldMibPerSecond))
            throw new ArgumentOutOfRangeException(nameof(hotMibPerSecond), hotMibPerSecond, "the working set and dirty rates must be finite numbers >= 0");
        return hotMibPerSecond > 0 && wssMib > 0
            ? new DirtyProfile(wssMib, wssMib / hotMibPerSecond, coldMibPerSecond)
            : new DirtyProfile(0, DefaultHotRewriteSeconds, coldMibPerSecond);
    }

    /// <summary>A profile of the given total rate in the shape of the measured 50K profile: 55 % of the rate
    /// rewrites a hot set in 2 s, the rest dirties cold pages.</summary>
    public static DirtyProfile FromRate(double mibPerSecond)
    {
        if (!(mibPerSecond >= 0) || double.IsInfinity(mibPerSecond))
            throw new ArgumentOutOfRangeException(nameof(mibPerSecond), mibPerSecond, "a dirty rate must be a finite number >= 0 MiB/s");
        var hotRate = HotShare * mibPerSecond;
        return new DirtyProfile(hotRate * DefaultHotRewriteSeconds, DefaultHotRewriteSeconds, mibPerSecond - hotRate);
    }

    /// <summary>Dirty rate assumed for a VM whose inventory gives none, by class (MiB/s). No source measures
    /// rates per workload class, so these are documented assumptions of the same order as the published
    /// figures: BtrPlace's stress profiles dirty ~50 MiB/s, the "idle" OpenShift worker of KubeVirt VEP 291
    /// ~77 MiB/s (650 Mbit/s), and QEMU raised its default bandwidth cap to 128 MiB/s because "most of the
    /// CPUs can dirty memory faster than" 32 MiB/s. Interactive (day-peaking) services mostly read; batch
    /// (night-peaking) jobs stream through memory; flat VMs sit between.</summary>
    public static double DefaultRateMibPerSecond(VmClass vmClass) => vmClass switch
    {
        VmClass.DayPeaking => 30,
        VmClass.NightPeaking => 80,
        _ => 50,
    };
}

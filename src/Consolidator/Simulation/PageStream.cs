namespace Consolidator.Simulation;

/// <summary>How one VM's pages cross its migration stream: what a page costs on the wire, how fast the wire, the
/// migration thread and the destination's loader let them go, the rate caps of the live phase and of the final
/// copy, and what a dirty-log sync costs. Pure arithmetic on the VM and the options; the state of a migration is
/// <see cref="MigrationProcess"/>'s.</summary>
internal sealed class PageStream(VmMigrationInputs vm, SimulationOptions o)
{
    /// <summary>4 KiB, in MiB.</summary>
    public const double PageMib = 1.0 / 256;

    /// <summary>ram.c save_page_header: 8 bytes of header per 4 KiB page sent whole.</summary>
    public const double PageHeaderShare = 8.0 / 4096;

    /// <summary>ram.c save_zero_page: the header and one byte stand for a zero page.</summary>
    public const double ZeroPageWireShare = 9.0 / 4096;

    /// <summary>One dirty-log sync that finds <paramref name="dirtyMib"/> dirty: a walk of the whole bitmap, plus
    /// a cost per dirty page (under TCG, a TLB reset per page; nothing under KVM), at the CPU share of a sync after
    /// the setup (<see cref="VmMigrationInputs.SyncCpu"/>) unless <paramref name="cpu"/> says otherwise.</summary>
    public double SyncSeconds(double dirtyMib, double? cpu = null) =>
        (o.SyncSecondsPerGib * vm.MemoryMib + o.SyncSecondsPerDirtyGib * dirtyMib) / 1024 / (cpu ?? vm.SyncCpu);

    private double CompressionWireCap => o.Compress.PageRateCap * (1 + PageHeaderShare) / o.Compress.Ratio;

    /// <summary>The most wire MiB/s the live phase can use: the streams, QEMU's max-bandwidth, the compression
    /// threads and, under Xen's adaptive rate, <paramref name="xenRateMbit"/>.</summary>
    public double LiveCap(double xenRateMbit) => Math.Min(Math.Min(o.StreamsCapMibPerSecond, o.MaxBandwidthMibPerSecond ?? double.PositiveInfinity),
        Math.Min(CompressionWireCap, o.Rules.AdaptiveRate ? xenRateMbit * 1e6 / 8 / (1 << 20) : double.PositiveInfinity));

    /// <summary>The most wire MiB/s the final copy and post-copy can use: QEMU lifts max-bandwidth there.</summary>
    public double FinalCap => Math.Min(Math.Min(o.StreamsCapMibPerSecond, CompressionWireCap),
        o.Rules.AdaptiveRate ? PreCopyStopRules.XenMaxMbit * 1e6 / 8 / (1 << 20) : double.PositiveInfinity);

    /// <summary>MiB/s of page data the wire carries at <paramref name="wire"/> MiB/s, compression's own cap included.</summary>
    public double PageRate(double wire) => Math.Min(wire * o.Compress.Ratio / (1 + PageHeaderShare), o.Compress.PageRateCap);

    /// <summary>Wire MiB that <paramref name="dataMib"/> of data pages and <paramref name="zeroMib"/> of zero pages take.</summary>
    public double WireMib(double dataMib, double zeroMib) => dataMib * (1 + PageHeaderShare) / o.Compress.Ratio + zeroMib * ZeroPageWireShare;

    /// <summary>Seconds to clear <paramref name="dataMib"/> of data pages and <paramref name="zeroMib"/> of zero
    /// pages from the bitmap over the long run: the wire carries the data pages at <paramref name="pageRate"/>, and the
    /// migration thread does its CPU work (buffer_is_zero on every page, the send of each data page) at the CPU share
    /// it gets. The two overlap while the socket buffer holds data (<see cref="SimulationOptions.CpuWaitIdlesLink"/>
    /// false) or add up (true). In pre-copy (<paramref name="loads"/>) the destination loads every page at its own CPU
    /// share behind the sockets' buffers, so over a long run the stream goes no faster than that load; over a short
    /// one the source runs ahead of it (MigrationProcess.Loading.cs).</summary>
    public double SendSeconds(double dataMib, double zeroMib, double pageRate, bool loads) =>
        Math.Max(SourceSeconds(dataMib, zeroMib, pageRate), loads ? LoadSeconds(dataMib, zeroMib) : 0);

    /// <summary>The source's part of <see cref="SendSeconds"/>: the wire and the migration thread's CPU work.</summary>
    public double SourceSeconds(double dataMib, double zeroMib, double pageRate)
    {
        var wire = dataMib / pageRate;
        var (zero, send) = (zeroMib / o.ZeroScanMibPerSecond, dataMib * o.SendCpuSecondsPerGib / 1024);
        if (o.SendOverlap is { } overlap)
        {
            var sent = overlap.Seconds(wire, send, vm.Cpu, o.Transport.InFlightMib / pageRate);
            return o.CpuWaitIdlesLink ? zero / vm.Cpu + sent : Math.Max(sent, zero / vm.Cpu);
        }
        var work = (zero + send) / vm.Cpu;
        return o.CpuWaitIdlesLink ? wire + work : Math.Max(wire, work);
    }

    /// <summary>Seconds the destination takes to load these pages at its CPU share (QEMU 7.2 ram_load_precopy).</summary>
    public double LoadSeconds(double dataMib, double zeroMib) =>
        (dataMib * o.DestinationLoadCpuSecondsPerGib + zeroMib * o.DestinationZeroLoad) / 1024 / vm.DestinationCpu;

    /// <summary>The destination loads pages at a cost: its pace can hold the stream back.</summary>
    public bool Loads => o.DestinationLoadCpuSecondsPerGib > 0 || o.DestinationZeroLoad > 0;

    /// <summary>MiB of bitmap (pages counted whole) cleared per second at this wire rate, for a mix whose data share
    /// is <paramref name="dataShare"/> (<see cref="SendSeconds"/>).</summary>
    public double Progress(double wire, double dataShare, bool loads)
    {
        var seconds = loads ? SendSeconds(dataShare, 1 - dataShare, PageRate(wire), true) : SourceSeconds(dataShare, 1 - dataShare, PageRate(wire));
        return seconds > 0 ? 1 / seconds : double.PositiveInfinity;
    }
}

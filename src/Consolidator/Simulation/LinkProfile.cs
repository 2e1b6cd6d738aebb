namespace Consolidator.Simulation;

/// <summary>The transport live migration runs over.</summary>
/// <param name="Name">"tcp" or "rdma", as the --link option spells it.</param>
/// <param name="Efficiency">Share of the NIC's line rate that carries page data.</param>
/// <param name="MaxStreamGbps">Most one migration stream reaches whatever the NIC (null: no limit).</param>
/// <param name="FaultRoundTripSeconds">Round trip of one post-copy demand fault, before the page itself.</param>
public sealed record LinkProfile(string Name, double Efficiency, double? MaxStreamGbps, double FaultRoundTripSeconds)
{
    public const double MibPerGbit = 1e9 / 8 / (1 << 20);

    /// <summary>QEMU over TCP. BtrPlace converts link Mbit/s to MiB/s by dividing by 9 instead of 8 ("real
    /// is less than theoretical", CNetwork.java), i.e. 93 % of the line rate in MiB/s; V1 of migration.md
    /// measured 102 % of line rate on an idle guest (zero pages), so 93 % is the busy-guest figure. The
    /// 100 µs fault round trip is an assumption (a kernel TCP round trip in one data centre).</summary>
    public static readonly LinkProfile Tcp = new("tcp", 0.93, null, 100e-6);

    /// <summary>QEMU's RDMA transport (docs/rdma.txt, M. Hines 2013): an 8 GiB guest crossed a 40 Gbit/s
    /// InfiniBand link at 26 Gbit/s with rdma-pin-all, so one stream is capped there. Efficiency below that
    /// cap (98 %) and the 10 µs fault round trip are assumptions: RDMA bypasses the host network stack,
    /// which is the point of the transport.</summary>
    public static readonly LinkProfile Rdma = new("rdma", 0.98, 26, 10e-6);

    public static LinkProfile Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "tcp" => Tcp,
        "rdma" => Rdma,
        _ => throw new FormatException($"--link must be 'tcp' or 'rdma', not '{text}'"),
    };

    /// <summary>Page data per second a NIC of <paramref name="gbps"/> carries for migrations, in MiB/s.</summary>
    public double GoodputMibPerSecond(double gbps) => gbps * MibPerGbit * Efficiency;

    /// <summary>The most one migration carries, in MiB/s of wire data; infinity when uncapped.</summary>
    public double StreamCapMibPerSecond => MaxStreamGbps is { } g ? GoodputMibPerSecond(g) : double.PositiveInfinity;
}

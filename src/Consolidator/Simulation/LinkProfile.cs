namespace Consolidator.Simulation;

/// <summary>The transport live migration runs over.</summary>
/// <param name="Name">"tcp" or "rdma", as the --link option spells it.</param>
/// <param name="Efficiency">Share of the NIC's line rate that carries migration data.</param>
/// <param name="MaxStreamGbps">Most one migration stream carries whatever the NIC (null: no limit).</param>
/// <param name="FaultRoundTripSeconds">Round trip of one post-copy page request, before the page itself.</param>
/// <param name="InFlightMib">Data queued ahead of a requested page (socket buffer and NIC queue): QEMU 7.2 sends
/// requested pages on the stream that carries the background push, so each fault waits for that to drain.</param>
/// <param name="SetupSecondsPerGib">Time to set the transport up per GiB of guest memory before the first
/// page crosses (RDMA: registering, i.e. pinning, the guest's memory).</param>
public sealed record LinkProfile(string Name, double Efficiency, double? MaxStreamGbps, double FaultRoundTripSeconds,
    double InFlightMib = 0, double SetupSecondsPerGib = 0)
{
    public const double MibPerGbit = 1e9 / 8 / (1 << 20);

    /// <summary>QEMU over TCP. BtrPlace converts link Mbit/s to MiB/s by dividing by 9 instead of 8 ("real
    /// is less than theoretical", CNetwork.java), i.e. 93 % of the line rate in MiB/s. One stream is limited to
    /// 10 Gbit/s: the receiving CPU of a single migration stream "is a bottleneck on 10Gigabit and faster"
    /// (QEMU wiki, Features/Migration-Multiple-fds, the reason multifd exists); more needs multifd streams.
    /// 4 MiB in flight is Linux's default largest TCP send buffer (tcp_wmem); the 100 µs round trip is an
    /// assumption (a kernel TCP round trip in one data centre).</summary>
    public static readonly LinkProfile Tcp = new("tcp", 0.93, 10, 100e-6, InFlightMib: 4);

    /// <summary>QEMU's RDMA transport (docs/rdma.txt, M. Hines 2013): an 8 GiB guest crossed a 40 Gbit/s
    /// InfiniBand link at 26 Gbit/s with rdma-pin-all in about 4 s, so one stream is capped there and pinning
    /// costs the rest: 4 s - 8 GiB / 26 Gbit/s = 1.36 s, i.e. 0.17 s per GiB. Efficiency below the cap (98 %)
    /// and the 10 µs fault round trip are assumptions: RDMA bypasses the host network stack and writes pages
    /// in place, so nothing queues ahead of a fault.</summary>
    public static readonly LinkProfile Rdma = new("rdma", 0.98, 26, 10e-6, InFlightMib: 0, SetupSecondsPerGib: 0.17);

    public static LinkProfile Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "tcp" => Tcp,
        "rdma" => Rdma,
        _ => throw new FormatException($"--link must be 'tcp' or 'rdma', not '{Quoted.Value(text)}'"),
    };

    /// <summary>Data per second a NIC of <paramref name="gbps"/> carries for migrations, in MiB/s.</summary>
    public double GoodputMibPerSecond(double gbps) => gbps * MibPerGbit * Efficiency;

    /// <summary>The most one migration stream carries, in MiB/s of wire data; infinity when uncapped.</summary>
    public double StreamCapMibPerSecond => MaxStreamGbps is { } g ? GoodputMibPerSecond(g) : double.PositiveInfinity;
}

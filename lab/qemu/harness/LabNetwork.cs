using System.Diagnostics;
using System.Globalization;

namespace Consolidator.Lab;

/// <summary>A private network namespace whose loopback is the lab's link: every QEMU of a scenario runs in
/// it, migrations go to 127.0.0.1 inside it, and a token-bucket filter (tc tbf) on its loopback stands for
/// the NIC that concurrent migrations share. Nothing else on the machine crosses it, and the machine's own
/// loopback is left alone.</summary>
internal sealed class LabNetwork : IDisposable
{
    private static int _count;

    private LabNetwork(string name, double? linkMbit)
    {
        Name = name;
        LinkMbit = linkMbit;
    }

    public string Name { get; }

    /// <summary>Line rate of the shaped loopback; null: unshaped (memory speed).</summary>
    public double? LinkMbit { get; }

    /// <param name="congestionControl">The namespace's TCP congestion control (null: the host's default, which a new
    /// namespace takes); only those the host allows (net.ipv4.tcp_allowed_congestion_control) can be set.</param>
    public static LabNetwork Create(double? linkMbit, bool tcpRestartAfterIdle = true, string? congestionControl = null)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"consolidator-lab-{Environment.ProcessId}-{Interlocked.Increment(ref _count)}");
        Run("ip", "netns", "add", name);
        var network = new LabNetwork(name, linkMbit);
        try
        {
            Run("ip", "-n", name, "link", "set", "lo", "up");
            // Per namespace (netns_ipv4); 1 is the kernel's default.
            Run("ip", "netns", "exec", name, "sysctl", "-q", "-w", $"net.ipv4.tcp_slow_start_after_idle={(tcpRestartAfterIdle ? 1 : 0)}");
            if (congestionControl is { } cc) Run("ip", "netns", "exec", name, "sysctl", "-q", "-w", $"net.ipv4.tcp_congestion_control={cc}");
            if (linkMbit is { } rate)
            {
                // A 1500-byte MTU makes the loopback carry Ethernet-sized segments, as a NIC would; the bucket
                // holds 2 ms of line rate (at least 64 KiB) and the queue 100 ms.
                Run("ip", "-n", name, "link", "set", "lo", "mtu", "1500");
                var burst = Math.Max(65536, rate * 1e6 / 8 * 0.002);
                Run("tc", "-n", name, "qdisc", "add", "dev", "lo", "root", "tbf",
                    "rate", F(rate) + "mbit", "burst", F(Math.Round(burst)), "latency", "100ms");
            }
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The command line that runs <paramref name="program"/> inside the namespace.</summary>
    public IEnumerable<string> Wrap(string program) => ["ip", "netns", "exec", Name, program];

    public void Dispose()
    {
        try
        {
            Run("ip", "netns", "del", Name);
        }
        catch (LabException)
        {
            // Already gone; nothing to clean.
        }
    }

    /// <summary>The namespace's TCP retransmission timeouts (TcpExt TCPTimeouts) and retransmitted segments (Tcp
    /// RetransSegs): the kernel keeps its MIB counters per network namespace, so these count the lab's streams only.</summary>
    public (long Timeouts, long Retransmits) TcpCounters()
    {
        var counters = new Dictionary<string, long>();
        foreach (var file in new[] { "/proc/net/snmp", "/proc/net/netstat" })
        {
            var lines = Output("ip", "netns", "exec", Name, "cat", file).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i + 1 < lines.Length; i += 2)
            {
                var names = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var values = lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                for (var k = 1; k < Math.Min(names.Length, values.Length); k++)
                    if (long.TryParse(values[k], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) counters[names[0] + names[k]] = v;
            }
        }
        return (counters.GetValueOrDefault("TcpExt:TCPTimeouts"), counters.GetValueOrDefault("Tcp:RetransSegs"));
    }

    /// <summary>The namespace's TCP congestion control (a new namespace takes the host's default, net.ipv4.tcp_congestion_control
    /// of the initial namespace): how concurrent streams split the shaped link at any moment depends on it.</summary>
    public string CongestionControl() => Output("ip", "netns", "exec", Name, "sysctl", "-n", "net.ipv4.tcp_congestion_control").Trim();

    public static void Run(string program, params string[] args) => Output(program, args);

    private static string Output(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new LabException($"could not start {program}");
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new LabException($"{program} {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result.Trim()}");
        return output;
    }

    private static string F(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
}

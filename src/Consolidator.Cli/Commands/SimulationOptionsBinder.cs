using System.CommandLine;
using Consolidator.Simulation;

namespace Consolidator.Cli.Commands;

/// <summary>The simulator's options, shared by `simulate` and `plan` so that both spell them alike.</summary>
internal sealed class SimulationOptionsBinder(bool withMethod = true)
{
    private readonly Option<string> _method = new("--method") { Description = "Migration method: precopy, postcopy, hybrid, or auto (pre-copy unless it would not converge or would break --max-downtime)", DefaultValueFactory = _ => "auto" };
    private readonly Option<double> _maxDowntime = new("--max-downtime") { Description = "Downtime SLO in milliseconds, also QEMU's downtime target (QEMU's default: 300)", DefaultValueFactory = _ => 300 };
    private readonly Option<string> _hypervisor = new("--hypervisor") { Description = "Pre-copy stop rules: qemu (downtime target; forced stop after 30 rounds or 3x memory), xen (5 rounds, 50 pages) or xen-legacy (30 rounds, 50 pages, 3x memory)", DefaultValueFactory = _ => "qemu" };
    private readonly Option<string> _link = new("--link") { Description = "Migration transport: tcp or rdma", DefaultValueFactory = _ => "tcp" };
    private readonly Option<double> _nic = new("--nic-gbps") { Description = "NIC line rate in Gbit/s of hosts whose hosts.csv gives no nic_gbps", DefaultValueFactory = _ => 10 };
    private readonly Option<int> _concurrent = new("--max-concurrent-per-host") { Description = "Most migrations in progress on one host, in or out (0 = no limit)", DefaultValueFactory = _ => 2 };
    private readonly Option<int> _hybridRounds = new("--hybrid-rounds") { Description = "Pre-copy rounds before a hybrid migration switches to post-copy", DefaultValueFactory = _ => 1 };
    private readonly Option<double> _compressionRatio = new("--compression-ratio") { Description = "Page compression ratio, page data over wire data (1 = off)", DefaultValueFactory = _ => 1 };
    private readonly Option<double> _compressionRate = new("--compression-mib-s") { Description = "Page data one migration compresses per second, one core's worth (with --compression-ratio above 1)", DefaultValueFactory = _ => 500 };
    private readonly Option<double> _failLink = new("--fail-link") { Description = "Probability that a migration's link fails while it copies (seeded by --fault-seed; 1: every migration's): at a moment uniform over its copy, from its start to its last byte", DefaultValueFactory = _ => 0 };
    private readonly Option<double?> _failAt = new("--fail-at") { Description = "Scripted failure: every migration in progress this many seconds after the plan starts loses its link, one starting then included (0: the first stage's migrations fail in their setup)" };
    private readonly Option<double?> _checkpoint = new("--checkpoint-interval") { Description = "Seconds between VM checkpoints; a post-copy VM whose link fails is restored from the last one instead of lost" };
    private readonly Option<double?> _maxBandwidth = new("--max-bandwidth") { Description = "QEMU max-bandwidth in MiB/s for the live phase (default: unlimited, as libvirt and Nova set it)" };
    private readonly Option<int> _streams = new("--streams") { Description = "Parallel migration streams (QEMU multifd-channels); 1 = the plain single stream", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _compressionThreads = new("--compression-threads") { Description = "Compression threads, each compressing --compression-mib-s", DefaultValueFactory = _ => 1 };
    private readonly Option<string> _slo = new("--slo-downtime") { Description = "What the downtime SLO judges: stop (the VM's pause) or stop+stalls (plus post-copy page-fault stalls)", DefaultValueFactory = _ => "stop+stalls" };
    private readonly Option<double?> _recovery = new("--postcopy-recovery") { Description = "Seconds after which a link that failed in post-copy is back and migrate-recover resumes the migration (default: no recovery, the VM is lost)" };
    private readonly Option<double?> _precopyTimeout = new("--precopy-timeout") { Description = "Seconds after which a pre-copy guest is suspended to finish (libvirt --timeout with the suspend action); default 150 s per GiB of memory" };
    private readonly Option<int> _faultSeed = new("--fault-seed") { Description = "Seed of the link-failure draws", DefaultValueFactory = _ => 1 };

    public IEnumerable<Option> All => (withMethod ? [_method] : Array.Empty<Option>()).Concat(
    [
        _maxDowntime, _hypervisor, _link, _nic, _concurrent, _hybridRounds, _compressionRatio, _compressionRate,
        _failLink, _failAt, _checkpoint, _faultSeed, _maxBandwidth, _streams, _compressionThreads, _slo, _recovery, _precopyTimeout,
    ]);

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    public SimulationOptions Read(ParseResult r)
    {
        // libvirt's --timeout counts whole seconds, and export rounds the replay's up: 0.3 s was replayed as 0.3 s and
        // exported as --timeout 1, and 1e-300 s written as 0 into simulation.json, which export then refused. Not in
        // SimulationOptions: the lab's harness suspends a guest to the millisecond, and its recordings replay so.
        if (r.GetValue(_precopyTimeout) is { } timeout && !(timeout >= 1))
            throw new ArgumentOutOfRangeException("--precopy-timeout", timeout, "--precopy-timeout must be a number of seconds from 1 (libvirt's --timeout counts whole seconds) up to a year");
        var ratio = r.GetValue(_compressionRatio);
        // Read only when pages are compressed: without a ratio above 1 they were ignored without a word.
        if (ratio == 1 && new Option[] { _compressionRate, _compressionThreads }.FirstOrDefault(o => r.GetResult(o) is { Implicit: false }) is { } alone)
            throw new FormatException($"{alone.Name} applies to compressed migrations: give --compression-ratio above 1 with it");
        var options = new SimulationOptions(
            Method: withMethod ? MigrationMethods.Parse(r.GetValue(_method)!) : MethodSelection.Auto,
            MaxDowntimeSeconds: r.GetValue(_maxDowntime) / 1000,
            StopRules: PreCopyStopRules.Parse(r.GetValue(_hypervisor)!),
            Link: LinkProfile.Parse(r.GetValue(_link)!),
            Compression: ratio == 1 ? PageCompression.None : new PageCompression(ratio, r.GetValue(_compressionRate), r.GetValue(_compressionThreads)),
            DefaultNicGbps: r.GetValue(_nic),
            MaxConcurrentPerHost: r.GetValue(_concurrent),
            HybridRounds: r.GetValue(_hybridRounds),
            Faults: new FaultOptions(r.GetValue(_failLink), r.GetValue(_failAt), r.GetValue(_checkpoint), r.GetValue(_faultSeed), r.GetValue(_recovery)),
            MaxBandwidthMibPerSecond: r.GetValue(_maxBandwidth),
            Streams: r.GetValue(_streams),
            Slo: r.GetValue(_slo)!.Trim().ToLowerInvariant() switch
            {
                "stop" => SloDowntime.Stop,
                "stop+stalls" => SloDowntime.StopAndStalls,
                var other => throw new FormatException($"--slo-downtime must be 'stop' or 'stop+stalls', not '{other}'"),
            },
            PreCopyTimeoutSeconds: r.GetValue(_precopyTimeout));
        options.Validate();
        return options;
    }
}

using System.CommandLine;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Importers.OpenStack;
using Consolidator.Importers.Prometheus;

namespace Consolidator.Cli.Commands;

/// <summary>The options of <c>import --format prometheus</c>: the server, the period, the metric names and the
/// inventory the metrics are read onto.</summary>
internal sealed class PrometheusOptions
{
    private readonly Option<string?> _url = new("--url") { Description = "prometheus: the server's address, e.g. http://prometheus:9090" };
    private readonly Option<string?> _start = new("--start") { Description = "prometheus: first sample, ISO-8601: 2026-01-05T00:00:00Z, 2026-01-05T01:00+01:00 or 2026-01-05 (UTC without an offset)" };
    private readonly Option<string?> _end = new("--end") { Description = "prometheus: last sample, ISO-8601" };
    private readonly Option<string> _step = new("--step") { Description = "prometheus: time between samples: 300, 300s, 5m, 1h", DefaultValueFactory = _ => "5m" };
    private readonly Option<string> _cpu = new("--cpu-metric") { Description = "prometheus: counter of CPU seconds per VM (a selector may follow)", DefaultValueFactory = _ => PrometheusMetrics.DefaultCpuSeconds };
    private readonly Option<string> _memory = new("--memory-metric") { Description = "prometheus: gauge of memory used per VM, bytes", DefaultValueFactory = _ => PrometheusMetrics.DefaultMemoryBytes };
    private readonly Option<string> _vcpus = new("--vcpus-metric") { Description = "prometheus: gauge of vCPUs per VM, for VMs the inventory does not size", DefaultValueFactory = _ => PrometheusMetrics.DefaultVcpus };
    private readonly Option<string> _maxMemory = new("--max-memory-metric") { Description = "prometheus: gauge of allocated memory per VM, bytes, likewise", DefaultValueFactory = _ => PrometheusMetrics.DefaultMaxMemoryBytes };
    private readonly Option<string> _vmLabel = new("--vm-label") { Description = "prometheus: the label whose value is the VM's id in the inventory", DefaultValueFactory = _ => PrometheusMetrics.DefaultVmLabel };
    private readonly Option<string?> _vms = new("--vms") { Description = "prometheus: a vms.csv (native format) as the VM inventory" };
    private readonly Option<string?> _hypervisors = new("--openstack-hypervisors") { Description = "prometheus: hosts from `openstack hypervisor list --long -f json`" };
    private readonly Option<string?> _servers = new("--openstack-servers") { Description = "prometheus: VMs from `openstack server list --long --all-projects -f json`" };
    private readonly Option<double> _timeout = new("--timeout")
    {
        Description = $"prometheus: wall-clock seconds for all the server's answers together; each answer may hold at most {PrometheusClient.MaxAnswerBytes >> 20} MiB",
        DefaultValueFactory = _ => PrometheusImport.DefaultTimeoutSeconds,
    };

    private Option[] All => [_url, _start, _end, _step, _cpu, _memory, _vcpus, _maxMemory, _vmLabel, _vms, _hypervisors, _servers, _timeout];

    public void AddTo(Command command)
    {
        foreach (var o in All) command.Add(o);
    }

    /// <summary>The first of these options given on the command line, or null: with another format they were ignored
    /// without a word (--vms with planetlab, say).</summary>
    public string? Given(ParseResult r) => All.FirstOrDefault(o => r.GetResult(o) is { Implicit: false })?.Name;

    public PrometheusImport Source(ParseResult r)
    {
        var url = Required(r, _url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new FormatException($"--url: '{Quoted.Value(url)}' is not an absolute address such as http://prometheus:9090");
        return new PrometheusImport(uri, Time(r, _start), Time(r, _end), Step(r.GetValue(_step)!),
            new PrometheusMetrics(r.GetValue(_cpu)!, r.GetValue(_memory)!, r.GetValue(_vcpus)!, r.GetValue(_maxMemory)!, r.GetValue(_vmLabel)!))
        {
            TimeoutSeconds = r.GetValue(_timeout),
        };
    }

    /// <summary>Hosts from --hosts (hosts.csv) or --openstack-hypervisors; VMs from --vms (vms.csv) or
    /// --openstack-servers.</summary>
    public ImportInventory Inventory(ParseResult r, string? hostsCsv)
    {
        var hypervisors = r.GetValue(_hypervisors);
        if ((hostsCsv is null) == (hypervisors is null))
            throw new FormatException("--format prometheus needs the hosts from exactly one of --hosts (hosts.csv) and --openstack-hypervisors");
        var hosts = hostsCsv is not null ? DatasetReader.ReadHosts(hostsCsv) : OpenStackInventory.ReadHypervisors(hypervisors!);
        List<string> assumptions = hypervisors is not null
            ? [$"hosts: power of {OpenStackInventory.AssumedPower.Description} for every hypervisor (Nova has no power figures; give --hosts with idle_watts and max_watts to use your own)"]
            : [];
        var vmsCsv = r.GetValue(_vms);
        var servers = r.GetValue(_servers);
        if ((vmsCsv is null) == (servers is null))
            throw new FormatException("--format prometheus needs the VMs from exactly one of --vms (vms.csv) and --openstack-servers");
        if (vmsCsv is not null)
        {
            var vms = DatasetReader.ReadVms(vmsCsv, hosts).Select(v => new InventoryVm(v.Id, v.CurrentHost, v.Vcpus, v.MemoryMib));
            return new ImportInventory(hosts, [.. vms], [], [.. assumptions]);
        }
        var (serverVms, notes) = OpenStackInventory.ReadServers(servers!, hosts);
        return new ImportInventory(hosts, serverVms, notes, [.. assumptions]);
    }

    private static string Required(ParseResult r, Option<string?> option) =>
        r.GetValue(option) ?? throw new FormatException($"--format prometheus needs {option.Name}");

    private static DateTimeOffset Time(ParseResult r, Option<string?> option)
    {
        var text = Required(r, option);
        if (!IsoTime.TryParse(text, out var t))
            throw new FormatException($"{option.Name}: '{Quoted.Value(text)}' is not an ISO-8601 time such as 2026-01-05T00:00:00Z or 2026-01-05 (yyyy-MM-dd[THH:mm[:ss[.fff]]][Z|+HH:mm], UTC when no offset is given)");
        return t;
    }

    /// <summary>"300", "300s", "5m", "1h" (Prometheus' own duration units, whole numbers).</summary>
    public static TimeSpan Step(string text)
    {
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var digits = char.IsLetter(unit) && text.Length > 0 && char.IsLetter(text[^1]) ? text[..^1] : text;
        var seconds = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
        if (seconds == 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 366L * 86400 / seconds)
            throw new FormatException($"--step: '{Quoted.Value(text)}' is not a duration such as 300, 300s, 5m or 1h");
        return TimeSpan.FromSeconds(n * seconds);
    }
}

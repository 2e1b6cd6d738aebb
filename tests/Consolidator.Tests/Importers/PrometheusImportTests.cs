using System.Globalization;
using System.Text;
using Consolidator.Datasets;
using Consolidator.Generation;
using Consolidator.Importers;
using Consolidator.Importers.Prometheus;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Importers;

/// <summary><c>import --format prometheus</c> against a real Prometheus server whose storage is backfilled with
/// the metrics a libvirt exporter would have scraped from a dataset's VMs: the CPU-seconds counter and the
/// memory gauge. The imported dataset must plan as the CSV dataset does.</summary>
public class PrometheusImportTests
{
    private const int Step = 900;

    [SkippableFact]
    public void A_week_of_50_vms_from_prometheus_gives_the_plan_of_the_csv_dataset()
    {
        Skip.If(PrometheusServer.Missing is not null, PrometheusServer.Missing);
        using var tmp = new TempDirectory();
        using var server = ServeGenerated(tmp, seed: 7, days: 7, out var csv, out var first, out var last);

        var imported = tmp.File("imported");
        var import = CliRunner.Run("import", "--format", "prometheus", "--url", server.Url.ToString(),
            "--start", Stamp(first), "--end", Stamp(last), "--step", "15m",
            "--hosts", Path.Combine(csv, "hosts.csv"), "--vms", Path.Combine(csv, "vms.csv"), "--out", imported);

        Assert.True(import.ExitCode == 0, import.Err);
        Assert.Contains("imported prometheus: 50 VMs", import.Out);
        var expected = DatasetReader.Read(csv);
        var actual = DatasetReader.Read(imported);
        Assert.Equal(File.ReadAllText(Path.Combine(csv, "hosts.csv")), File.ReadAllText(Path.Combine(imported, "hosts.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(csv, "vms.csv")), File.ReadAllText(Path.Combine(imported, "vms.csv")));
        Assert.Equal(7 * 96, actual.Usage[0].Count);
        for (var v = 0; v < expected.Vms.Length; v++)
        {
            Assert.Equal(expected.Usage[v].UnixSeconds, actual.Usage[v].UnixSeconds);
            for (var k = 0; k < expected.Usage[v].Count; k++)
            {
                Assert.Equal(expected.Usage[v].CpuCores[k], actual.Usage[v].CpuCores[k], 1e-6);
                Assert.Equal(expected.Usage[v].MemoryMib[k], actual.Usage[v].MemoryMib[k], 1e-6);
            }
        }

        // The plans, not the floats: the same moves to the same hosts in the same stages.
        string[] plan = ["--deterministic", "--time-limit", "1", "--no-simulate", "--no-plots"];
        var fromCsv = CliRunner.Run(["plan", csv, "--out", tmp.File("plan-csv"), .. plan]);
        var fromPrometheus = CliRunner.Run(["plan", imported, "--out", tmp.File("plan-prometheus"), .. plan]);
        Assert.True(fromCsv.ExitCode == 0, fromCsv.Err);
        Assert.True(fromPrometheus.ExitCode == 0, fromPrometheus.Err);
        var moves = File.ReadAllText(Path.Combine(tmp.File("plan-csv"), "plan.csv"));
        Assert.Contains(",move,", moves);
        Assert.Equal(moves, File.ReadAllText(Path.Combine(tmp.File("plan-prometheus"), "plan.csv")));
    }

    [SkippableFact]
    public void An_openstack_inventory_takes_vm_sizes_from_the_metrics_and_leaves_stopped_servers_out()
    {
        Skip.If(PrometheusServer.Missing is not null, PrometheusServer.Missing);
        using var tmp = new TempDirectory();
        var t0 = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var text = new StringBuilder();
        string[] ids = ["4f1c0a52-0000-4000-8000-000000000001", "4f1c0a52-0000-4000-8000-000000000002"];
        text.Append("# TYPE libvirt_domain_info_cpu_time_seconds counter\n");
        foreach (var id in ids)
            for (var k = 0; k <= 4; k++) text.Append(Inv($"libvirt_domain_info_cpu_time_seconds_total{{uuid=\"{id}\"}} {k * 1.5 * Step} {t0 + (k - 1) * Step}\n"));
        foreach (var (name, value) in new[] { ("memory_usage_bytes", 2048.0 * 1048576), ("virtual_cpus", 4.0), ("maximum_memory_bytes", 8192.0 * 1048576) })
        {
            text.Append(Inv($"# TYPE libvirt_domain_info_{name} gauge\n"));
            foreach (var id in ids)
                for (var k = 0; k <= 3; k++) text.Append(Inv($"libvirt_domain_info_{name}{{uuid=\"{id}\"}} {value} {t0 + k * Step}\n"));
        }
        text.Append("# EOF\n");
        File.WriteAllText(tmp.File("hypervisors.json"),
            """[{"ID": 1, "Hypervisor Hostname": "compute-01.example.org", "Hypervisor Type": "QEMU", "State": "up", "vCPUs": 32, "Memory MB": 131072},""" +
            """ {"ID": 2, "Hypervisor Hostname": "compute-02.example.org", "Hypervisor Type": "QEMU", "State": "up", "vCPUs": 32, "Memory MB": 131072}]""");
        File.WriteAllText(tmp.File("servers.json"),
            $$"""[{"ID": "{{ids[0]}}", "Name": "web-1", "Status": "ACTIVE", "Host": "compute-01"},""" +
            $$""" {"ID": "{{ids[1]}}", "Name": "db-1", "Status": "ACTIVE", "Host": "compute-02"},""" +
            """ {"ID": "4f1c0a52-0000-4000-8000-000000000003", "Name": "old", "Status": "SHUTOFF", "Host": "compute-02"}]""");
        using var server = PrometheusServer.Start(text.ToString());

        var import = CliRunner.Run("import", "--format", "prometheus", "--url", server.Url.ToString(),
            "--start", Stamp(t0), "--end", Stamp(t0 + 3 * Step), "--step", "900", "--vm-label", "uuid",
            "--openstack-hypervisors", tmp.File("hypervisors.json"), "--openstack-servers", tmp.File("servers.json"), "--out", tmp.File("out"));

        Assert.True(import.ExitCode == 0, import.Err);
        Assert.Contains("1 server(s) with status 'SHUTOFF' left out", import.Out);
        var data = DatasetReader.Read(tmp.File("out"));
        Assert.Equal(["compute-01.example.org", "compute-02.example.org"], data.Hosts.Select(h => h.Id));
        Assert.Equal(new Consolidator.Inventory.Vm(ids[0], 4, 8192, "compute-01.example.org"), data.Vms[0]);
        Assert.All(data.Usage, s => Assert.Equal([1.5f, 1.5f, 1.5f, 1.5f], s.CpuCores));
        Assert.All(data.Usage, s => Assert.Equal([2048f, 2048f, 2048f, 2048f], s.MemoryMib));
    }

    /// <summary>The bound on one answer against a real server: the importer asks for as many steps at a time as keep an
    /// answer for the inventory's VMs within half the bound, so that a smaller bound gives more, smaller queries and the
    /// same samples; an answer that still passes the bound (here one step of 50 series under 4 KiB) is refused, naming
    /// the URL and the bound, and nothing is written.</summary>
    [SkippableFact]
    public void Against_a_real_server_the_answer_bound_is_kept_in_smaller_pieces_and_named_when_an_answer_passes_it()
    {
        Skip.If(PrometheusServer.Missing is not null, PrometheusServer.Missing);
        using var tmp = new TempDirectory();
        using var server = ServeGenerated(tmp, seed: 3, days: 1, out var csv, out var first, out var last);
        var hosts = DatasetReader.ReadHosts(Path.Combine(csv, "hosts.csv"));
        var inventory = new ImportInventory(hosts,
            [.. DatasetReader.ReadVms(Path.Combine(csv, "vms.csv"), hosts).Select(v => new InventoryVm(v.Id, v.CurrentHost, v.Vcpus, v.MemoryMib))], [], []);
        var source = new PrometheusImport(server.Url, DateTimeOffset.FromUnixTimeSeconds(first), DateTimeOffset.FromUnixTimeSeconds(last),
            TimeSpan.FromSeconds(Step), new PrometheusMetrics());

        PrometheusImporter.Import(source, inventory, tmp.File("whole"));
        Assert.Equal(13, PrometheusImporter.StepsPerPiece(50, 64 << 10));
        PrometheusImporter.Import(source with { MaxAnswerBytes = 64 << 10 }, inventory, tmp.File("pieces"));
        var error = Assert.Throws<InputException>(() => PrometheusImporter.Import(source with { MaxAnswerBytes = 4 << 10 }, inventory, tmp.File("small")));

        Assert.Equal(1 + 50 * 96, File.ReadAllLines(Path.Combine(tmp.File("whole"), "usage.csv")).Length);
        // The same rows (written piece by piece, so in another order).
        Assert.Equal(File.ReadAllLines(Path.Combine(tmp.File("whole"), "usage.csv")).Order(), File.ReadAllLines(Path.Combine(tmp.File("pieces"), "usage.csv")).Order());
        Assert.Contains($"{server.Url}api/v1/query_range (query '{PrometheusMetrics.DefaultCpuSeconds}')", error.Message);
        Assert.Contains("the answer holds more than 4 KiB, the most the importer takes in one answer", error.Message);
        Assert.False(Directory.Exists(tmp.File("small")));
    }

    /// <summary>A VM live-migrated in the period has a series from each host's exporter (instance a, then b): the import
    /// failed ("two series for one VM") and its advice, a selector keeping one, dropped half the VM's history. Series one
    /// after the other are joined; series with a point at one time (one VM scraped twice) are still an error.</summary>
    [SkippableFact]
    public void A_vm_that_moved_hosts_in_the_period_is_one_vm_and_one_scraped_twice_is_refused()
    {
        Skip.If(PrometheusServer.Missing is not null, PrometheusServer.Missing);
        using var tmp = new TempDirectory();
        using var data = DatasetFixture.Create();
        const long t0 = 1767571200; // 2026-01-05T00:00:00Z
        // (vm, instance, first and last 5-minute step, CPU seconds per step): counters start at 0 one step before.
        static string Metrics(params (string Vm, string Instance, int From, int To, double CpuPerStep)[] series)
        {
            var om = new StringBuilder("# TYPE libvirt_domain_info_cpu_time_seconds counter\n");
            foreach (var (vm, instance, from, to, cpu) in series)
                for (var k = from - 1; k <= to; k++)
                    om.Append(CultureInfo.InvariantCulture, $"libvirt_domain_info_cpu_time_seconds_total{{domain=\"{vm}\",instance=\"{instance}\"}} {(k - from + 1) * cpu} {t0 + k * 300L}\n");
            om.Append("# TYPE libvirt_domain_info_memory_usage_bytes gauge\n");
            foreach (var (vm, instance, from, to, _) in series)
                for (var k = from; k <= to; k++)
                    om.Append(CultureInfo.InvariantCulture, $"libvirt_domain_info_memory_usage_bytes{{domain=\"{vm}\",instance=\"{instance}\"}} {1 << 30} {t0 + k * 300L}\n");
            return om.Append("# EOF\n").ToString();
        }
        string[] args = ["import", "--format", "prometheus", "--start", "2026-01-05T00:00:00Z", "--end", "2026-01-05T01:00:00Z",
            "--hosts", data.PathOf("hosts.csv"), "--vms", data.PathOf("vms.csv")];
        // vm1 on host a until 00:25, then on host b from 00:45 (its counter restarting from 00:40).
        using var moved = PrometheusServer.Start(Metrics(("vm1", "a", 0, 5, 150), ("vm1", "b", 9, 12, 150), ("vm2", "a", 0, 12, 300)));

        var import = CliRunner.Run([.. args, "--url", moved.Url.ToString(), "--out", tmp.File("moved")]);

        Assert.True(import.ExitCode == 0, import.Err);
        var vm1 = DatasetReader.Read(tmp.File("moved")).Usage[0];
        var cores = vm1.UnixSeconds.ToArray().Zip(vm1.CpuCores.ToArray()).ToDictionary(p => (p.First - t0) / 300, p => p.Second);
        foreach (var k in Enumerable.Range(0, 6).Concat(Enumerable.Range(9, 4))) Assert.Equal(0.5, cores[k], 1e-9);
        Assert.False(cores.ContainsKey(7) || cores.ContainsKey(8));
        // vm2 scraped by two jobs at once.
        using var twice = PrometheusServer.Start(Metrics(("vm2", "a", 0, 12, 300), ("vm2", "c", 0, 12, 300)));

        var refused = CliRunner.Run([.. args, "--url", twice.Url.ToString(), "--out", tmp.File("twice")]);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("two series for one VM with a point at one time, 2026-01-04T23:55:00Z", refused.Err);
        Assert.Contains("instance=\"c\"", refused.Err);
        Assert.False(Directory.Exists(tmp.File("twice")));
    }

    /// <summary>Label values a real Prometheus stores and answers as they are: quotes, backslashes, a newline, NUL, an escape
    /// sequence, 5,000 characters, and U+0001 / U+0002, which the client joined a series' labels with: {x="p\u0001y\u0002q"}
    /// and {x="p",y="q"} were one series, and the whole import failed as "a series sent twice" over two series of a VM
    /// not in the inventory. Now each is a series of its own, the inventory's VMs are imported, and the note naming the
    /// ignored ones stays one escaped line.</summary>
    [SkippableFact]
    public void Label_values_of_any_characters_are_series_of_their_own_and_printed_escaped()
    {
        Skip.If(PrometheusServer.Missing is not null, PrometheusServer.Missing);
        using var tmp = new TempDirectory();
        using var data = DatasetFixture.Create();
        const long t0 = 1767571200; // 2026-01-05T00:00:00Z
        static string Escaped(string v) => v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
        (string Name, string Value)[][] series =
        [
            [("domain", "vm1")], [("domain", "vm2")], [("domain", "vm3")],
            [("domain", "other"), ("x", "p\u0001y\u0002q")], [("domain", "other"), ("x", "p"), ("y", "q")],
            [("domain", "q\"uo\\te\nnext\0nul\u001b[2J" + new string('L', 5000))],
        ];
        var om = new StringBuilder();
        foreach (var (metric, kind, first, value) in new[] { ("libvirt_domain_info_cpu_time_seconds", "counter", -1, 150.0), ("libvirt_domain_info_memory_usage_bytes", "gauge", 0, 0) })
        {
            om.Append(CultureInfo.InvariantCulture, $"# TYPE {metric} {kind}\n");
            foreach (var labels in series)
                for (var k = first; k <= 4; k++)
                    om.Append(CultureInfo.InvariantCulture,
                        $"{metric}{(kind == "counter" ? "_total" : "")}{{{string.Join(",", labels.Select(l => $"{l.Name}=\"{Escaped(l.Value)}\""))}}} {(kind == "counter" ? (k + 1) * value : 1 << 30)} {t0 + k * 300L}\n");
        }
        using var server = PrometheusServer.Start(om.Append("# EOF\n").ToString());

        var import = CliRunner.Run("import", "--format", "prometheus", "--url", server.Url.ToString(),
            "--start", "2026-01-05T00:00:00Z", "--end", "2026-01-05T00:20:00Z",
            "--hosts", data.PathOf("hosts.csv"), "--vms", data.PathOf("vms.csv"), "--out", tmp.File("out"));

        Assert.True(import.ExitCode == 0, import.Err);
        Assert.Contains("imported prometheus: 3 VMs", import.Out);
        Assert.All(DatasetReader.Read(tmp.File("out")).Usage, u => Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f, 0.5f], u.CpuCores));
        var note = Assert.Single(import.Out.Split('\n'), l => l.StartsWith("note: 2 series for VMs not in the inventory ignored", StringComparison.Ordinal));
        Assert.Contains("other, q\"uo\\te\\nnext\\u0000nul\\u001b[2JLLL", note);
        Assert.DoesNotContain(import.Out, c => c is '\0' or '\u001b' or '\u0001');
    }

    [Fact]
    public void A_server_that_does_not_answer_is_named_exit_2_and_nothing_is_written()
    {
        using var tmp = new TempDirectory();
        using var data = DatasetFixture.Create();
        var port = FreePortNobodyListensOn();

        var result = CliRunner.Run("import", "--format", "prometheus", "--url", $"http://127.0.0.1:{port}",
            "--start", "2026-01-05T00:00:00Z", "--end", "2026-01-06T00:00:00Z",
            "--hosts", data.PathOf("hosts.csv"), "--vms", data.PathOf("vms.csv"), "--out", tmp.File("out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"http://127.0.0.1:{port}/api/v1/query_range", result.Err);
        Assert.Contains("no answer from the Prometheus server", result.Err);
        Assert.False(Directory.Exists(tmp.File("out")));
    }

    /// <summary>OpenMetrics text a libvirt exporter's scrapes would have stored for the dataset's usage.csv:
    /// per VM, the CPU-seconds counter (0 one step before the first sample, then growing by cores x step) and
    /// the memory gauge in bytes. Values come from the CSV's decimal text, as an operator's backfill would.</summary>
    /// <summary>A generated dataset of 50 VMs in tmp/csv, its usage served by a real Prometheus as libvirt's metrics
    /// from <paramref name="first"/> to <paramref name="last"/> (Unix seconds).</summary>
    private static PrometheusServer ServeGenerated(TempDirectory tmp, int seed, int days, out string csv, out long first, out long last)
    {
        csv = tmp.File("csv");
        DatasetWriter.Write(DatasetGenerator.Generate(new GeneratorOptions(Seed: seed, Vms: 50, Days: days, SampleMinutes: Step / 60)), csv);
        (var metrics, first, last) = LibvirtMetrics(File.ReadAllLines(Path.Combine(csv, "usage.csv")));
        return PrometheusServer.Start(metrics);
    }

    private static (string Text, long First, long Last) LibvirtMetrics(string[] usageLines)
    {
        var rows = usageLines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .Select(f => (Time: DateTimeOffset.Parse(f[0], CultureInfo.InvariantCulture).ToUnixTimeSeconds(), Vm: f[1],
                Cpu: double.Parse(f[2], CultureInfo.InvariantCulture), Mem: double.Parse(f[3], CultureInfo.InvariantCulture)))
            .ToList();
        var text = new StringBuilder("# TYPE libvirt_domain_info_cpu_time_seconds counter\n");
        foreach (var vm in rows.GroupBy(r => r.Vm))
        {
            var counter = 0.0;
            text.Append(Inv($"libvirt_domain_info_cpu_time_seconds_total{{domain=\"{vm.Key}\"}} 0 {vm.First().Time - Step}\n"));
            foreach (var r in vm.OrderBy(r => r.Time))
            {
                counter += r.Cpu * Step;
                text.Append(Inv($"libvirt_domain_info_cpu_time_seconds_total{{domain=\"{vm.Key}\"}} {counter:R} {r.Time}\n"));
            }
        }
        text.Append("# TYPE libvirt_domain_info_memory_usage_bytes gauge\n");
        foreach (var vm in rows.GroupBy(r => r.Vm))
            foreach (var r in vm.OrderBy(r => r.Time))
                text.Append(Inv($"libvirt_domain_info_memory_usage_bytes{{domain=\"{vm.Key}\"}} {r.Mem * 1048576:R} {r.Time}\n"));
        text.Append("# EOF\n");
        return (text.ToString(), rows.Min(r => r.Time), rows.Max(r => r.Time));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Stamp(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static int FreePortNobodyListensOn()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Datasets;
using Consolidator.Inventory;

namespace Consolidator.Importers.Prometheus;

/// <summary>Imports a period of per-VM CPU and memory from a Prometheus server into a dataset folder, onto an
/// inventory (hosts and VMs) read elsewhere. The period is sampled on the step grid start, start + step, ...,
/// end: the memory gauge's value at each point, and the cores used over the step that ends there (the CPU-seconds
/// counter's increase divided by the step; so the counter is also read one step before the start). All or
/// nothing, like the other importers.</summary>
public static class PrometheusImporter
{
    /// <summary>The most steps asked for in one range query.</summary>
    public const int MaxStepsPerPiece = 1000;

    /// <summary>Bytes one point of a series takes in the API's JSON, at most: <c>[1767571200.123,"1234567.123456789"],</c>
    /// is 37; values with more digits are rare, and the labels of each series add a few hundred bytes per answer.</summary>
    public const int BytesPerPoint = 48;

    /// <summary>Steps per range query for <paramref name="vms"/> VMs: as many as keep the answer for the inventory's
    /// series within half of <paramref name="maxAnswerBytes"/> (the other half for labels and series the selector
    /// lets through), at most <see cref="MaxStepsPerPiece"/>. 30,000 VMs: 93 steps per query under 256 MiB.</summary>
    public static int StepsPerPiece(int vms, int maxAnswerBytes) =>
        (int)Math.Clamp(maxAnswerBytes / 2 / BytesPerPoint / Math.Max(1L, vms), 1, MaxStepsPerPiece);

    /// <summary>libvirt counts a domain's CPU time in nanoseconds (virDomainInfo.cpuTime), so the cores used
    /// over a step are known to 1e-9 s / step; digits past the ninth decimal are the float noise of the
    /// subtraction and are dropped.</summary>
    public const int CoreDecimals = 9;

    private const double BytesPerMib = 1024 * 1024;

    public static ImportReport Import(PrometheusImport source, ImportInventory inventory, string outDir)
    {
        source.Validate();
        var log = new ImportLog(strict: false);
        foreach (var note in inventory.Notes) log.Note(note);
        var ids = inventory.Vms.Select((v, i) => (v.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var metrics = source.Metrics;
        var step = (long)source.Step.TotalSeconds;
        var rows = new long[inventory.Vms.Length];
        var lastCounter = new (long Time, double Value)?[inventory.Vms.Length];
        var ignored = new SortedSet<string>(StringComparer.Ordinal);

        using var client = new PrometheusClient(source.Url, TimeSpan.FromSeconds(source.TimeoutSeconds), source.MaxAnswerBytes);
        using var stream = DatasetWriter.Open(outDir);
        // Sizes first: a VM left out for its size had its samples in usage.csv already, beside a vms.csv without it,
        // a dataset the reader refused ("unknown VM") though the import said it was written.
        var sizes = Sizes(client, source, inventory, ids, log);
        var sized = sizes.Select(s => s is { } size && DatasetStream.SizeProblem(size.Vcpus, size.MemoryMib) is null).ToArray();
        var piece = StepsPerPiece(inventory.Vms.Length, source.MaxAnswerBytes);
        // Pieces stepped in Unix seconds: stepping a DateTimeOffset past --end overflowed near 9999-12-31.
        var (start, end) = (source.Start.ToUnixTimeSeconds(), source.End.ToUnixTimeSeconds());
        for (var fromSeconds = start; fromSeconds <= end; fromSeconds += step * piece)
        {
            var from = DateTimeOffset.FromUnixTimeSeconds(fromSeconds);
            var to = DateTimeOffset.FromUnixTimeSeconds(Math.Min(end, fromSeconds + step * (piece - 1)));
            // The counter from one step earlier, so that the first point of the piece has an increase.
            var cpu = ByVm(client.Range(metrics.CpuSeconds, from.AddSeconds(-step), to, source.Step), metrics, ids, ignored);
            var memory = ByVm(client.Range(metrics.MemoryBytes, from, to, source.Step), metrics, ids, ignored);
            for (var v = 0; v < inventory.Vms.Length; v++)
            {
                if (!sized[v]) continue;
                var mem = memory[v]?.Points.ToDictionary(p => p.UnixSeconds, p => p.Value) ?? [];
                foreach (var (t, counter) in cpu[v]?.Points ?? [])
                {
                    var previous = lastCounter[v];
                    lastCounter[v] = (t, counter);
                    if (t < from.ToUnixTimeSeconds()) continue;
                    if (previous is not { } p || p.Time != t - step)
                    {
                        log.Count("{0} point(s) without the CPU counter one step earlier: no sample (a gap in the series)");
                        continue;
                    }
                    if (!double.IsFinite(counter) || counter < p.Value)
                    {
                        log.Count("{0} point(s) where the CPU counter fell or is not a number (a VM or exporter restart): no sample");
                        continue;
                    }
                    if (!mem.TryGetValue(t, out var bytes) || !double.IsFinite(bytes) || bytes < 0)
                    {
                        log.Count("{0} point(s) with CPU but no memory value: no sample");
                        continue;
                    }
                    var cores = Math.Round((counter - p.Value) / step, CoreDecimals);
                    if (DatasetStream.SampleProblem(t, cores, bytes / BytesPerMib) is not null)
                    {
                        log.Count("{0} point(s) with a value the dataset format cannot hold (beyond the planner's 32-bit units): no sample");
                        continue;
                    }
                    stream.WriteUsage(t, inventory.Vms[v].Id, cores, bytes / BytesPerMib);
                    rows[v]++;
                }
            }
        }
        if (ignored.Count > 0)
            log.Note($"{ignored.Count} series for VMs not in the inventory ignored, e.g. {string.Join(", ", ignored.Take(5))}");

        var vms = new List<Vm>();
        for (var v = 0; v < inventory.Vms.Length; v++)
        {
            var entry = inventory.Vms[v];
            if (sized[v] && rows[v] == 0) { log.Note($"VM '{entry.Id}' left out: no sample in the period ({metrics.CpuSeconds}, {metrics.MemoryBytes})"); continue; }
            if (sizes[v] is not { } size) { log.Note($"VM '{entry.Id}' left out: neither the inventory nor {metrics.Vcpus} / {metrics.MaxMemoryBytes} give its size"); continue; }
            if (DatasetStream.SizeProblem(size.Vcpus, size.MemoryMib) is { } problem)
            {
                log.Note(string.Create(CultureInfo.InvariantCulture,
                    $"VM '{entry.Id}' left out: its size from {metrics.Vcpus} / {metrics.MaxMemoryBytes} ({size.Vcpus:G6} vCPUs, {size.MemoryMib:G6} MiB) is not one a dataset holds: {problem.Problem}"));
                continue;
            }
            vms.Add(new Vm(entry.Id, size.Vcpus, size.MemoryMib, entry.CurrentHost));
        }
        if (vms.Count == 0)
            throw new InputException(PrometheusClient.Shown(source.Url), 0, null, 0, null,
                $"no usable samples for any VM of the inventory between {Stamp(source.Start)} and {Stamp(source.End)} (metrics {metrics.CpuSeconds} and {metrics.MemoryBytes}, label '{metrics.VmLabel}')"
                // Why, when the series were there: every point NaN, +Inf, a falling counter or a negative gauge said only "no usable samples".
                + (log.Counted.Any() ? $": {string.Join("; ", log.Counted)}" : ""));
        stream.Complete(inventory.Hosts, vms);

        return new ImportReport("prometheus", vms.Count, inventory.Hosts.Length, vms.Count(v => v.CurrentHost is not null),
            stream.Rows, log.BadRowCount, log.Listed, log.Notes, [.. inventory.Assumptions, .. Assumptions(source)]);
    }

    /// <summary>The series of each inventory VM (by its label), or null. A VM that moved hosts in the period (a live
    /// migration, as these plans make) has a series from each host's exporter, differing in their instance label: the
    /// import failed ("two series for one VM"), and its advice, a selector that keeps one, dropped the VM's history on the
    /// other host. Series of one VM that share no point in time are now joined in time order (the CPU counter restarts on
    /// the new host: that step is no sample, as at a restart). Two with a point at one time are an error: both cannot be
    /// the VM (scraped by two jobs, summing would count it twice; or two domains of one name). An instant query's
    /// series (a size's largest value over the period) give the largest.</summary>
    private static PrometheusSeries?[] ByVm(IReadOnlyList<PrometheusSeries> series, PrometheusMetrics metrics,
        Dictionary<string, int> ids, SortedSet<string> ignored, bool instant = false)
    {
        var byVm = new PrometheusSeries?[ids.Count];
        foreach (var s in series)
        {
            if (!s.Labels.TryGetValue(metrics.VmLabel, out var id)) continue;
            if (!ids.TryGetValue(id, out var v)) { ignored.Add(id); continue; }
            if (byVm[v] is not { } first) { byVm[v] = s; continue; }
            if (instant)
            {
                if (s.Points[0].Value > first.Points[0].Value || !double.IsFinite(first.Points[0].Value)) byVm[v] = s;
                continue;
            }
            var times = first.Points.Select(p => p.UnixSeconds).ToHashSet();
            if (s.Points.Where(p => times.Contains(p.UnixSeconds)).Select(p => (long?)p.UnixSeconds).FirstOrDefault() is { } shared)
                throw new InputException(id, 0, null, 0, null,
                    $"two series for one VM with a point at one time, {Stamp(DateTimeOffset.FromUnixTimeSeconds(shared))} ({PrometheusSeries.Shown(first.Labels)} and {PrometheusSeries.Shown(s.Labels)}): give a metric with a label selector that keeps one, e.g. --cpu-metric '{Bare(metrics.CpuSeconds)}{{job=\"libvirt\"}}' (series of a VM that moved hosts, one after the other, are joined)");
            byVm[v] = first with { Points = [.. first.Points.Concat(s.Points).OrderBy(p => p.UnixSeconds)] };
        }
        return byVm;
    }

    /// <summary>Each VM's size: the inventory's, else the largest value of the vCPU and allocated-memory gauges
    /// over the period.</summary>
    private static (double Vcpus, double MemoryMib)?[] Sizes(PrometheusClient client, PrometheusImport source, ImportInventory inventory,
        Dictionary<string, int> ids, ImportLog log)
    {
        var sizes = inventory.Vms.Select(v => v is { Vcpus: { } c, MemoryMib: { } m } ? ((double, double)?)(c, m) : null).ToArray();
        if (sizes.All(s => s is not null)) return sizes;
        var period = $"{(long)(source.End - source.Start).TotalSeconds + (long)source.Step.TotalSeconds}s";
        var ignored = new SortedSet<string>(StringComparer.Ordinal);
        var vcpus = ByVm(client.Instant($"max_over_time({source.Metrics.Vcpus}[{period}])", source.End), source.Metrics, ids, ignored, instant: true);
        var memory = ByVm(client.Instant($"max_over_time({source.Metrics.MaxMemoryBytes}[{period}])", source.End), source.Metrics, ids, ignored, instant: true);
        for (var v = 0; v < sizes.Length; v++)
        {
            if (sizes[v] is not null) continue;
            var c = inventory.Vms[v].Vcpus ?? vcpus[v]?.Points[0].Value;
            var m = inventory.Vms[v].MemoryMib ?? memory[v]?.Points[0].Value / BytesPerMib;
            // Kept as the gauges say, even where no dataset can hold it (NaN, 1e12 vCPUs): the VM is then left out, naming it.
            if (c is { } cores && m is { } mib) sizes[v] = (cores, mib);
        }
        log.Count("{0} VM size(s) taken from the metrics (largest vCPUs and allocated memory in the period)", sizes.Count(s => s is not null) - inventory.Vms.Count(v => v is { Vcpus: not null, MemoryMib: not null }));
        return sizes;
    }

    private static ImmutableArray<string> Assumptions(PrometheusImport s) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"samples every {(long)s.Step.TotalSeconds} s from {Stamp(s.Start)} to {Stamp(s.End)}; CPU: cores = increase of {s.Metrics.CpuSeconds} over the step ending at the sample / step (rounded to {CoreDecimals} decimals, libvirt's nanosecond resolution); memory: MiB = {s.Metrics.MemoryBytes} / 1048576 at the sample"),
        $"a series belongs to the VM whose id is its '{s.Metrics.VmLabel}' label",
    ];


    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Bare(string metric) => metric.Split('{')[0];
}

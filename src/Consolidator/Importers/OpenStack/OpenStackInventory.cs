using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Consolidator.Inventory;

namespace Consolidator.Importers.OpenStack;

/// <summary>Reads an inventory from the JSON the OpenStack client prints: hosts from <c>openstack hypervisor
/// list --long -f json</c> ("Hypervisor Hostname", "vCPUs", "Memory MB", "State"), VMs from <c>openstack server
/// list --long --all-projects -f json</c> ("ID", "Status", "Host"). The files are arrays of objects keyed by
/// the client's column titles. Nova gives no power figures: every hypervisor gets an assumed power model.
/// Since compute API 2.88 the hypervisor list no longer carries vCPUs and memory: ask for 2.87
/// (<c>--os-compute-api-version 2.87</c>) or give hosts.csv.</summary>
public static class OpenStackInventory
{
    /// <summary>The power model assumed for every hypervisor (Nova does not know one).</summary>
    public static readonly HostModel AssumedPower = HostModels.DellR820;

    public static ImmutableArray<Host> ReadHypervisors(string path)
    {
        var hosts = ImmutableArray.CreateBuilder<Host>();
        // Host names are case-insensitive (DNS): hosts.csv refuses two that differ only in case, and so does this.
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (row, index) in Rows(path))
        {
            var name = Text(path, row, index, "Hypervisor Hostname");
            if (row.TryGetProperty("State", out var state) && state.ValueKind == JsonValueKind.String && state.GetString() != "up") continue;
            if (seen.TryGetValue(name, out var earlier))
                throw Error(path, index, "Hypervisor Hostname", name, earlier == name ? "duplicate hypervisor"
                    : $"differs only in case from hypervisor '{Quoted.Value(earlier)}': host names are case-insensitive, so both would name one machine");
            seen.Add(name, name);
            var cores = Number(path, row, index, "vCPUs", "since compute API 2.88 the list has no vCPUs: run it with --os-compute-api-version 2.87, or give --hosts hosts.csv", Datasets.DatasetReader.MinVcpus, Packing.PlacementProblem.MaxCores);
            var mib = Number(path, row, index, "Memory MB", "since compute API 2.88 the list has no memory: run it with --os-compute-api-version 2.87, or give --hosts hosts.csv", 1, Packing.PlacementProblem.MaxMib);
            hosts.Add(new Host(name, cores, mib, AssumedPower.Power.IdleWatts, AssumedPower.Power.MaxWatts) { PowerTable = AssumedPower.Power });
        }
        if (hosts.Count == 0) throw new InputException(path, 0, null, 0, null, "no hypervisor in state 'up'");
        return hosts.ToImmutable();
    }

    /// <summary>The running servers (status ACTIVE) and the host each runs on, matched to a hypervisor by its
    /// name or by its short name (Nova's "Host" is the compute service's name, the hypervisor's may be the
    /// FQDN). Servers in other states use no CPU and are left out, counted in a note.</summary>
    public static (ImmutableArray<InventoryVm> Vms, ImmutableArray<string> Notes) ReadServers(string path, IReadOnlyList<Host> hosts)
    {
        // A server's Host is matched to a hypervisor by its whole name, then by the short name of one hypervisor alone.
        // Short names were added among whole ones as they came: "c1.example" listed before "c1" took the servers on "c1",
        // and of "c1.rack1" and "c1.rack2" the first took every server on "c1": a wrong current placement without a word.
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in hosts) byName.TryAdd(h.Id, h.Id);
        var byShort = hosts.GroupBy(h => Short(h.Id), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(h => h.Id).ToArray(), StringComparer.OrdinalIgnoreCase);
        var vms = ImmutableArray.CreateBuilder<InventoryVm>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var notRunning = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var unknownHost = 0;
        foreach (var (row, index) in Rows(path))
        {
            var id = Text(path, row, index, "ID");
            if (!seen.Add(id)) throw Error(path, index, "ID", id, "duplicate server");
            var status = row.TryGetProperty("Status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
            if (status != "ACTIVE") { notRunning[status] = notRunning.GetValueOrDefault(status) + 1; continue; }
            string? host = null;
            if (row.TryGetProperty("Host", out var h) && h.ValueKind == JsonValueKind.String && h.GetString() is { Length: > 0 } name)
            {
                if (byName.TryGetValue(name, out var known) || byName.TryGetValue(Short(name), out known)) host = known;
                else if (byShort.TryGetValue(Short(name), out var alike))
                    host = alike.Length == 1 ? alike[0] : throw Error(path, index, "Host", name,
                        $"matches {alike.Length} hypervisors by its short name '{Quoted.Value(Short(name))}' ('{Quoted.Value(alike[0])}', '{Quoted.Value(alike[1])}'{(alike.Length > 2 ? ", ..." : "")}): which one runs the server cannot be told; give --hosts a hosts.csv whose host_id is the Host Nova lists");
                else unknownHost++;
            }
            vms.Add(new InventoryVm(id, host));
        }
        var notes = ImmutableArray.CreateBuilder<string>();
        foreach (var (status, count) in notRunning)
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{count} server(s) with status '{status}' left out: only ACTIVE servers run"));
        if (unknownHost > 0)
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{unknownHost} server(s) on a host that is not an 'up' hypervisor of the inventory: taken as not placed"));
        if (vms.Count == 0) throw new InputException(path, 0, null, 0, null, "no server with status ACTIVE");
        return (vms.ToImmutable(), notes.ToImmutable());
    }

    private static IEnumerable<(JsonElement Row, int Index)> Rows(string path)
    {
        JsonDocument doc;
        // A folder, a missing file or one that cannot be read is an input error naming the file (a folder was
        // "permission denied", exit code 1, without the path).
        var bytes = Datasets.InputFiles.ReadAllBytes(path);
        try
        {
            if (TextBytes.NotUtf8(bytes) is { } encoding)
                throw new InputException(path, 1, null, 0, null, $"{encoding}; expected the JSON array `openstack ... -f json` prints");
            // A server or hypervisor with one field twice (a hand-merged file: two "Status" or "Host") was read as the
            // last one without a word; the openstack client never writes one.
            doc = JsonDocument.Parse(bytes.AsMemory(bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0),
                new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            // The reader's duplicate-member error has no position: the plan.json reader's check finds the second one.
            if (e.LineNumber is null && new Reporting.JsonInput(bytes, path).Problem("JSON array") is { } located) throw located;
            throw new InputException(path, (int)(e.LineNumber + 1 ?? 0), null, (int)(e.BytePositionInLine + 1 ?? 0), null, "not JSON: " + e.Message.Split(". ")[0]);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new InputException(path, 1, null, 0, null, "expected a JSON array of objects, as `openstack ... -f json` prints");
            var index = 0;
            foreach (var row in doc.RootElement.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Object)
                    throw new InputException(path, 0, null, 0, null, $"entry {index + 1} is not an object");
                yield return (row.Clone(), index++);
            }
        }
    }

    private static string Text(string path, JsonElement row, int index, string field)
    {
        if (!row.TryGetProperty(field, out var value) || value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            throw Error(path, index, field, null, $"no '{field}'");
        var text = value.ToString();
        // The dataset reader trims fields and refuses control and invisible characters: an id it would change or
        // refuse is not written.
        if (text.Trim().Length != text.Length || text.Length == 0) throw Error(path, index, field, text, "not a usable id (empty, or starts or ends with whitespace)");
        if (Ids.HostOrVmProblem(text) is { } problem) throw Error(path, index, field, text, problem);
        return text;
    }

    private static double Number(string path, JsonElement row, int index, string field, string whenMissing, double min, double max)
    {
        if (!row.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) throw Error(path, index, field, null, whenMissing);
        // 1e400 reads as infinity: refused, as a value beyond the planner's 32-bit units is (the dataset reader would
        // refuse the hosts.csv written from it).
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var x) || !(x > 0) || !double.IsFinite(x))
            throw Error(path, index, field, value.ToString(), "must be a positive number");
        if (x > max)
            throw Error(path, index, field, value.ToString(), string.Create(CultureInfo.InvariantCulture, $"too large: at most {max} (the planner counts millicores and MiB in 32 bits)"));
        // Less than the planner's unit (a millicore, a MiB) is a capacity of 0 once rounded down: hosts.csv refuses it.
        if (x < min)
            throw Error(path, index, field, value.ToString(), string.Create(CultureInfo.InvariantCulture, $"too small: at least {min} (the planner counts millicores and MiB)"));
        return x;
    }

    private static InputException Error(string path, int index, string field, string? value, string problem) =>
        new(path, 0, null, 0, value is { Length: > 40 } ? value[..40] + "..." : value, $"entry {index + 1}, '{field}': {problem}");

    private static string Short(string name) => name.Split('.')[0];
}

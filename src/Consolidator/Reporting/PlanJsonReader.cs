using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Staging;
using Consolidator.Traces;

namespace Consolidator.Reporting;

/// <summary>What a plan.json says, mapped back onto a dataset's host and VM indices: the options the plan
/// was made with (so the simulator sizes windows and capacity as the planner did), the target placement and
/// the stages.</summary>
public sealed record PlanFile(WindowScheme Windows, ProfileOptions Profile, PlacementOptions Placement, Placement Target, MigrationPlan Migrations)
{
    public double Percentile => Profile.Percentile;
}

/// <summary>Reads plan.json (schema "consolidator.plan/1") against the dataset it was made for. Any problem
/// is an <see cref="InputException"/> naming the file, the line and column of the offending value, the
/// field and the value.</summary>
public static class PlanJsonReader
{
    public static PlanFile Parse(byte[] utf8, string path, Dataset dataset)
    {
        var doc = new Reader(utf8, path, dataset);
        var root = doc.Object(LocatedJson.Parse(utf8, path), "plan");
        var schema = doc.Member(root, "schema");
        if (doc.String(schema, "schema") != PlanJsonWriter.Schema)
            throw doc.Error(schema, "schema", $"not a plan this version reads; expected \"{PlanJsonWriter.Schema}\"");
        var options = doc.Object(doc.Member(root, "options"), "options");
        var windowsNode = doc.Member(options, "windows");
        WindowScheme windows;
        try
        {
            windows = WindowScheme.Parse(doc.String(windowsNode, "windows"));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw doc.Error(windowsNode, "windows", e.Message);
        }
        var headroomNode = doc.Member(options, "headroom");
        var weightNode = doc.Member(options, "migration_weight_wh_per_gib");
        var cpuRatio = doc.Optional(options, "cpu_allocation_ratio");
        var ramRatio = doc.Optional(options, "ram_allocation_ratio");
        var placementOptions = new PlacementOptions(
            doc.Number(headroomNode, "headroom"),
            doc.Number(weightNode, "migration_weight_wh_per_gib"),
            doc.Bool(doc.Member(options, "memory_allocation_floor"), "memory_allocation_floor"),
            // Plans written before the allocation ratios existed were made without a vCPU limit.
            cpuRatio is not null ? doc.Number(cpuRatio, "cpu_allocation_ratio") : 0,
            ramRatio is not null ? doc.Number(ramRatio, "ram_allocation_ratio") : 0);
        var percentileNode = doc.Member(options, "percentile");
        var percentile = doc.Number(percentileNode, "percentile");
        var halfLifeNode = doc.Optional(options, "half_life_hours");
        double? halfLife = halfLifeNode is not null && !doc.IsNull(halfLifeNode) ? doc.Number(halfLifeNode, "half_life_hours") : null;
        var marginNode = doc.Optional(options, "margin");
        var margin = marginNode is not null ? doc.Number(marginNode, "margin") : 0;
        var sizingNode = doc.Optional(options, "sizing");
        var sizing = DemandSizing.Percentile;
        if (sizingNode is not null)
        {
            try { sizing = SizingNames.Parse(doc.String(sizingNode, "sizing")); }
            catch (FormatException e) { throw doc.Error(sizingNode, "sizing", e.Message); }
        }
        var multiplexNode = doc.Optional(options, "multiplex_vms");
        var multiplexVms = multiplexNode is not null ? doc.Number(multiplexNode, "multiplex_vms") : ProfileOptions.DefaultMultiplexVms;
        var profileOptions = new ProfileOptions(percentile, halfLife, margin, sizing, multiplexVms);
        // The options' own checks, reported as the plan.json fields they came from, not as .NET parameters.
        doc.Check(placementOptions.Validate, new()
        {
            [nameof(PlacementOptions.Headroom)] = (headroomNode, "headroom"),
            [nameof(PlacementOptions.MigrationWeightWhPerGiB)] = (weightNode, "migration_weight_wh_per_gib"),
            [nameof(PlacementOptions.CpuAllocationRatio)] = (cpuRatio ?? options, "cpu_allocation_ratio"),
            [nameof(PlacementOptions.RamAllocationRatio)] = (ramRatio ?? options, "ram_allocation_ratio"),
        });
        doc.Check(profileOptions.Validate, new()
        {
            [nameof(ProfileOptions.Percentile)] = (percentileNode, "percentile"),
            [nameof(ProfileOptions.HalfLifeHours)] = (halfLifeNode ?? options, "half_life_hours"),
            [nameof(ProfileOptions.Margin)] = (marginNode ?? options, "margin"),
            [nameof(ProfileOptions.MultiplexVms)] = (multiplexNode ?? options, "multiplex_vms"),
        });
        var target = ReadPlacement(doc, doc.Array(doc.Member(root, "placement"), "placement"));
        var stages = doc.Array(doc.Member(root, "stages"), "stages").Items.Select((s, i) => ReadStage(doc, s, i + 1)).ToImmutableArray();
        var blocked = doc.Optional(root, "blocked") is { } b ? ReadBlocked(doc, doc.Array(b, "blocked")) : [];
        return new PlanFile(windows, profileOptions, placementOptions, target, new MigrationPlan(stages, blocked));
    }

    private static Placement ReadPlacement(Reader doc, LocatedJson.Array list)
    {
        var hostOf = new int[doc.Dataset.Vms.Length];
        Array.Fill(hostOf, -1);
        foreach (var item in list.Items)
        {
            var entry = doc.Object(item, "placement");
            var vmNode = doc.Member(entry, "vm_id");
            var v = doc.Vm(vmNode);
            if (hostOf[v] >= 0) throw doc.Error(vmNode, "vm_id", "the VM is placed twice");
            hostOf[v] = doc.Host(doc.Member(entry, "host_id"), "host_id");
        }
        var missing = Array.IndexOf(hostOf, -1);
        if (missing >= 0) throw doc.Error(list, "placement", $"VM {doc.Dataset.Vms[missing].Id} of the dataset has no entry; was the plan made for another dataset?");
        return new Placement([.. hostOf]);
    }

    private static Stage ReadStage(Reader doc, LocatedJson node, int expected)
    {
        var stage = doc.Object(node, "stages");
        var numberNode = doc.Member(stage, "stage");
        if (doc.Number(numberNode, "stage") != expected)
            throw doc.Error(numberNode, "stage", $"stages must be numbered 1, 2, 3, ... in order; expected {expected}");
        var moves = doc.Array(doc.Member(stage, "migrations"), "migrations").Items.Select(item =>
        {
            var m = doc.Object(item, "migrations");
            var kindNode = doc.Member(m, "kind");
            var kind = doc.String(kindNode, "kind") switch
            {
                "move" => MigrationKind.Move,
                "relay" => MigrationKind.Relay,
                "place" => MigrationKind.Place,
                _ => throw doc.Error(kindNode, "kind", "must be \"move\", \"relay\" or \"place\""),
            };
            var fromNode = doc.Member(m, "from_host");
            var from = doc.IsNull(fromNode) ? -1 : doc.Host(fromNode, "from_host");
            if ((from < 0) != (kind == MigrationKind.Place))
                throw doc.Error(fromNode, "from_host", kind == MigrationKind.Place ? "a \"place\" starts a VM that runs nowhere: from_host must be null" : "a live migration needs a from_host");
            return new Migration(doc.Vm(doc.Member(m, "vm_id")), from, doc.Host(doc.Member(m, "to_host"), "to_host"), kind);
        }).ToImmutableArray();
        return new Stage(expected, moves);
    }

    private static ImmutableArray<BlockedMove> ReadBlocked(Reader doc, LocatedJson.Array list) =>
        [.. list.Items.Select(item =>
        {
            var b = doc.Object(item, "blocked");
            var fromNode = doc.Member(b, "from_host");
            return new BlockedMove(doc.Vm(doc.Member(b, "vm_id")), doc.IsNull(fromNode) ? -1 : doc.Host(fromNode, "from_host"),
                doc.Host(doc.Member(b, "to_host"), "to_host"), doc.String(doc.Member(b, "reason"), "reason"));
        })];

    /// <summary>Typed access to the parsed document, with every failure located.</summary>
    private sealed class Reader(byte[] utf8, string path, Dataset dataset) : JsonFields(utf8, path)
    {
        private readonly Dictionary<string, int> _vms = dataset.Vms.Select((v, i) => (v.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        private readonly Dictionary<string, int> _hosts = dataset.Hosts.Select((h, i) => (h.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

        public Dataset Dataset => dataset;

        public int Vm(LocatedJson node) =>
            _vms.TryGetValue(String(node, "vm_id"), out var v) ? v : throw Error(node, "vm_id", $"unknown VM: not a vm_id of the dataset's vms.csv");

        public int Host(LocatedJson node, string field) =>
            _hosts.TryGetValue(String(node, field), out var h) ? h : throw Error(node, field, $"unknown host: not a host_id of the dataset's hosts.csv");
    }
}

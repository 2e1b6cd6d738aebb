using System.Collections.Immutable;
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
        var doc = new JsonInput(utf8, path);
        var plan = Read(doc);
        var o = doc.Need(plan.Options, "$.options");
        WindowScheme windows;
        try
        {
            windows = WindowScheme.Parse(doc.Need(o.Windows, "$.options.windows"));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw doc.Error("$.options.windows", e.Message);
        }
        var placementOptions = new PlacementOptions(
            doc.Need(o.Headroom, "$.options.headroom"),
            doc.Need(o.MigrationWeightWhPerGib, "$.options.migration_weight_wh_per_gib"),
            doc.Need(o.MemoryAllocationFloor, "$.options.memory_allocation_floor"),
            // Plans written before the allocation ratios existed were made without a vCPU limit.
            o.CpuAllocationRatio ?? 0,
            o.RamAllocationRatio ?? 0,
            // Plans written before the disk term existed: its default weight (it changes no check of the plan).
            o.DiskWeightWhPerGib ?? PlacementOptions.DataEnergyWhPerGiB,
            o.WholeDisks ?? false);
        var sizing = DemandSizing.Percentile;
        if (o.Sizing is { } name)
        {
            try { sizing = SizingNames.Parse(name); }
            catch (FormatException e) { throw doc.Error("$.options.sizing", e.Message); }
        }
        var profileOptions = new ProfileOptions(doc.Need(o.Percentile, "$.options.percentile"), o.HalfLifeHours, o.Margin ?? 0, sizing,
            o.MultiplexVms ?? ProfileOptions.DefaultMultiplexVms);
        // The options' own checks, reported as the plan.json fields they came from, not as .NET parameters.
        doc.Check(placementOptions.Validate, new()
        {
            [nameof(PlacementOptions.Headroom)] = "$.options.headroom",
            [nameof(PlacementOptions.MigrationWeightWhPerGiB)] = "$.options.migration_weight_wh_per_gib",
            [nameof(PlacementOptions.CpuAllocationRatio)] = "$.options.cpu_allocation_ratio",
            [nameof(PlacementOptions.RamAllocationRatio)] = "$.options.ram_allocation_ratio",
            [nameof(PlacementOptions.DiskWeightWhPerGiB)] = "$.options.disk_weight_wh_per_gib",
        });
        doc.Check(profileOptions.Validate, new()
        {
            [nameof(ProfileOptions.Percentile)] = "$.options.percentile",
            [nameof(ProfileOptions.HalfLifeHours)] = "$.options.half_life_hours",
            [nameof(ProfileOptions.Margin)] = "$.options.margin",
            [nameof(ProfileOptions.MultiplexVms)] = "$.options.multiplex_vms",
        });
        var ids = new Ids(doc, dataset);
        var target = ReadPlacement(doc, ids, doc.Need(plan.Placement, "$.placement"));
        var stages = doc.Need(plan.Stages, "$.stages").Select((s, i) => ReadStage(doc, ids, s, i)).ToImmutableArray();
        var blocked = (plan.Blocked ?? []).Select((b, i) => new BlockedMove(ids.Vm(b.VmId, $"$.blocked[{i}].vm_id"),
            b.FromHost is null ? -1 : ids.Host(b.FromHost, $"$.blocked[{i}].from_host"), ids.Host(b.ToHost, $"$.blocked[{i}].to_host"),
            doc.Need(b.Reason, $"$.blocked[{i}].reason"))).ToImmutableArray();
        CheckReplay(doc, ids, target, stages, blocked);
        return new PlanFile(windows, profileOptions, placementOptions, target, new MigrationPlan(stages, blocked));
    }

    /// <summary>The document, its schema checked; also the export reader's way in.</summary>
    internal static PlanJson Read(JsonInput doc)
    {
        var plan = doc.Read(ReportJsonContext.Default.PlanJson, "plan.json");
        if (doc.Need(plan.Schema, "$.schema") != PlanJsonWriter.Schema)
            throw doc.Error("$.schema", $"not a plan this version reads; expected \"{PlanJsonWriter.Schema}\"");
        return plan;
    }

    private static Placement ReadPlacement(JsonInput doc, Ids ids, IReadOnlyList<PlacementJson> list)
    {
        var hostOf = new int[ids.Dataset.Vms.Length];
        Array.Fill(hostOf, -1);
        for (var i = 0; i < list.Count; i++)
        {
            var v = ids.Vm(list[i].VmId, $"$.placement[{i}].vm_id");
            if (hostOf[v] >= 0) throw doc.Error($"$.placement[{i}].vm_id", "the VM is placed twice");
            hostOf[v] = ids.Host(list[i].HostId, $"$.placement[{i}].host_id");
        }
        var missing = Array.IndexOf(hostOf, -1);
        if (missing >= 0) throw doc.Error("$.placement", $"VM {ids.Dataset.Vms[missing].Id} of the dataset has no entry; was the plan made for another dataset?");
        return new Placement([.. hostOf]);
    }

    private static Stage ReadStage(JsonInput doc, Ids ids, PlanStageJson stage, int i)
    {
        var at = $"$.stages[{i}]";
        CheckNumber(doc, stage, i);
        var moves = doc.Need(stage.Migrations, at + ".migrations").Select((m, j) =>
        {
            var move = $"{at}.migrations[{j}]";
            var kind = Kind(doc, m.Kind, move);
            MoveFrom(doc, kind == "place", m.FromHost, move);
            var from = m.FromHost is null ? -1 : ids.Host(m.FromHost, move + ".from_host");
            var vm = ids.Vm(m.VmId, move + ".vm_id");
            var to = ids.Host(m.ToHost, move + ".to_host");
            CheckMemory(doc, m, move, ids.Dataset.Vms[vm].MemoryMib);
            return new Migration(vm, from, to, kind switch { "relay" => MigrationKind.Relay, "place" => MigrationKind.Place, _ => MigrationKind.Move });
        }).ToImmutableArray();
        return new Stage(i + 1, moves);
    }

    /// <summary>A migration's memory_mib, as `plan` writes it (the VM's, for readers without the dataset: export derives
    /// each migration's timeout from it): present, finite, above 0 and at most <see cref="PlacementProblem.MaxMib"/>.
    /// Also the export reader's check, where it is read.</summary>
    internal static double MemoryMib(JsonInput doc, PlanMigrationJson m, string move)
    {
        var mib = doc.Need(m.MemoryMib, move + ".memory_mib");
        return mib > 0 && mib <= PlacementProblem.MaxMib ? mib
            : throw doc.Error(move + ".memory_mib", $"must be a number of MiB above 0 and at most {PlacementProblem.MaxMib:0}");
    }

    /// <summary>Against a dataset the VM's own memory_mib is the truth; the copy in plan.json, when there, must be it
    /// (rounded as written). export checked the replay's timeouts with plan.json's copy and never compared it with
    /// the dataset: memory_mib and timeout_s edited together (a 64 GiB VM written as 1 MiB, its timeout 1 s) were
    /// exported, checked, as `--timeout 1 --timeout-suspend`, exit 0.</summary>
    private static void CheckMemory(JsonInput doc, PlanMigrationJson m, string move, double datasetMib)
    {
        if (m.MemoryMib is null) return;
        var written = ReportJson.Round(datasetMib);
        if (Math.Abs(MemoryMib(doc, m, move) - written) > 0.001 + 1e-12 * written)
            throw doc.Error(move + ".memory_mib", $"the dataset's vms.csv gives this VM {written.ToString(System.Globalization.CultureInfo.InvariantCulture)} MiB "
                + "(plan.json edited, or made from another dataset?)");
    }

    /// <summary>The i-th stage (0-based) must be numbered i + 1: the stages run in the order written and the simulation's
    /// methods are matched by stage number, so stages renumbered by hand (2 before 1, or -1) would run in another order
    /// than the numbers say. Also the export reader's check.</summary>
    internal static void CheckNumber(JsonInput doc, PlanStageJson stage, int i)
    {
        if (doc.Need(stage.Stage, $"$.stages[{i}].stage") != i + 1)
            throw doc.Error($"$.stages[{i}].stage", $"stages must be numbered 1, 2, 3, ... in order; expected {i + 1}");
    }

    /// <summary>The stages replay from the dataset's placement: each migration starts where its VM is at that point
    /// (a "place" only a VM that runs nowhere) and ends elsewhere, a VM moves at most once per stage, and after the last
    /// stage every VM is on its target unless the plan reports its move blocked. The validator's structural checks,
    /// located in the file: a plan edited by hand or made from another placement was replayed as written before (a
    /// migration twice in a stage counted twice; one from the wrong host was simulated from that host).</summary>
    private static void CheckReplay(JsonInput doc, Ids ids, Placement target, ImmutableArray<Stage> stages, ImmutableArray<BlockedMove> blocked)
    {
        var at = ids.Dataset.Vms.Select(v => v.CurrentHost is { } h ? ids.Host(h, "$") : -1).ToArray();
        for (var i = 0; i < stages.Length; i++)
        {
            var moving = new HashSet<int>();
            var moves = stages[i].Migrations;
            for (var j = 0; j < moves.Length; j++)
            {
                var (m, move) = (moves[j], $"$.stages[{i}].migrations[{j}]");
                if (!moving.Add(m.Vm))
                    throw doc.Error(move + ".vm_id", "the VM already migrates in this stage: a VM moves at most once per stage");
                if (m.From != at[m.Vm])
                    throw doc.Error(move + ".from_host", at[m.Vm] < 0
                        ? "the VM runs nowhere at this point (not in the dataset's placement nor placed by an earlier stage): its first start is a \"place\""
                        : $"the VM is on {Quoted.Value(ids.Dataset.Hosts[at[m.Vm]].Id)} at this point (the dataset's current_host and the earlier stages)");
                if (m.To == at[m.Vm]) throw doc.Error(move + ".to_host", "the VM is already on this host");
            }
            foreach (var m in moves) at[m.Vm] = m.To;
        }
        var reported = blocked.Select(b => b.Vm).ToHashSet();
        for (var v = 0; v < at.Length; v++)
            if (at[v] != target[v] && !reported.Contains(v))
                throw doc.Error("$.stages", $"after the last stage VM {Quoted.Value(ids.Dataset.Vms[v].Id)} is on "
                    + (at[v] < 0 ? "no host" : Quoted.Value(ids.Dataset.Hosts[at[v]].Id)) + $", not on its target {Quoted.Value(ids.Dataset.Hosts[target[v]].Id)} of $.placement, and no blocked move says why");
    }

    /// <summary>A migration's kind as plan.json spells it ("move", "relay" or "place").</summary>
    internal static string Kind(JsonInput doc, string? kind, string move) =>
        doc.Need(kind, move + ".kind") is "move" or "relay" or "place" ? kind! : throw doc.Error(move + ".kind", "must be \"move\", \"relay\" or \"place\"");

    /// <summary>A "place" starts a VM that runs nowhere; every other kind moves it from a host.</summary>
    internal static void MoveFrom(JsonInput doc, bool place, string? from, string move)
    {
        if ((from is null) != place)
            throw doc.Error(move + ".from_host", place ? "a \"place\" starts a VM that runs nowhere: from_host must be null" : "a live migration needs a from_host");
    }

    /// <summary>VM and host ids of the dataset, by index.</summary>
    private sealed class Ids(JsonInput doc, Dataset dataset)
    {
        private readonly Dictionary<string, int> _vms = dataset.Vms.Select((v, i) => (v.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        private readonly Dictionary<string, int> _hosts = dataset.Hosts.Select((h, i) => (h.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

        public Dataset Dataset => dataset;

        public int Vm(string? id, string at) =>
            _vms.TryGetValue(doc.Need(id, at), out var v) ? v : throw doc.Error(at, "unknown VM: not a vm_id of the dataset's vms.csv");

        public int Host(string? id, string at) =>
            _hosts.TryGetValue(doc.Need(id, at), out var h) ? h : throw doc.Error(at, "unknown host: not a host_id of the dataset's hosts.csv");
    }
}

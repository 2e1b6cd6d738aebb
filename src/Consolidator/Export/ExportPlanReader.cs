using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consolidator.Reporting;
using Consolidator.Simulation;

namespace Consolidator.Export;

/// <summary>Reads the stages of a plan.json, and the method of each migration from the simulation.json the
/// plan's replay wrote, when there is one. Errors name the file, line, column and value. Every id is checked
/// for the script it goes into (<see cref="ShellScript.IdProblem"/>; for libvirt, host ids also as URI hosts).</summary>
public static class ExportPlanReader
{
    /// <param name="simulationUtf8">The replay's simulation.json, or null when there is none. A plan whose summary
    /// records a replay is then refused: a plan folder copied without it (or with it deleted) was exported with every
    /// migration pre-copy, no downtime target and no timeout, exit 0, where the replay had chosen post-copy or a
    /// timeout for a migration that does not converge.</param>
    public static ExportPlan Parse(byte[] planUtf8, string planPath, byte[]? simulationUtf8 = null, string? simulationPath = null,
        ExportTarget target = ExportTarget.OpenStack)
    {
        var doc = new JsonInput(planUtf8, planPath);
        var plan = PlanJsonReader.Read(doc);
        var methods = simulationUtf8 is null ? [] : ReadSimulation(simulationUtf8, simulationPath ?? "simulation.json", plan, doc, planPath);
        var ids = new Ids(doc, target);
        var stages = doc.Need(plan.Stages, "$.stages").Select((stage, i) =>
        {
            PlanJsonReader.CheckNumber(doc, stage, i);
            var number = i + 1;
            var moves = doc.Need(stage.Migrations, $"$.stages[{i}].migrations").Select((m, j) =>
            {
                var at = $"$.stages[{i}].migrations[{j}]";
                var kind = PlanJsonReader.Kind(doc, m.Kind, at);
                PlanJsonReader.MoveFrom(doc, kind == "place", m.FromHost, at);
                var from = m.FromHost is null ? null : ids.Host(m.FromHost, at + ".from_host");
                var vm = ids.Vm(m.VmId, at + ".vm_id");
                var (method, timeout, limit) = methods.GetValueOrDefault((number, vm), ("precopy", null, null));
                return new ExportMigration(vm, from, ids.ToHost(m.ToHost, at + ".to_host"), kind, method, limit, timeout);
            }).ToImmutableArray();
            return new ExportStage(number, moves);
        }).ToImmutableArray();
        CheckReplay(doc, plan, stages);
        if (simulationUtf8 is not null) CheckSimulation(stages, methods, planPath, simulationPath ?? "simulation.json");
        else if (plan.Summary?.Simulation is not null && stages.Any(s => s.Migrations.Any(m => !m.IsPlacement)))
            throw doc.Error("$.summary.simulation", $"the plan was replayed, but its simulation.json is not at {Quoted.Path(simulationPath ?? "simulation.json")}: "
                + "the script would lose the replay's method, downtime target and timeout of every migration (each pre-copy with no timeout); "
                + "put it back, name it with --simulation, or run `simulate` on this plan");
        return new ExportPlan(stages);
    }

    /// <summary>The simulation replays this plan: the same live migrations (every one but a first placement), stage by
    /// stage. One written for another plan (`--simulation` given by hand) was used where its VM and stage matched and
    /// every other migration exported as plain pre-copy, without a word, exit code 0.</summary>
    private static void CheckSimulation(ImmutableArray<ExportStage> stages,
        Dictionary<(int Stage, string Vm), (string Method, double? TimeoutSeconds, double? DowntimeLimitMs)> replayed, string planPath, string simulationPath)
    {
        var live = stages.SelectMany(s => s.Migrations.Where(m => m.Kind != "place").Select(m => (s.Number, m.VmId))).ToHashSet();
        string? problem = null;
        if (live.FirstOrDefault(k => !replayed.ContainsKey(k)) is (var stage, { } vm))
            problem = $"it has no migration of VM '{Quoted.Value(vm)}' in stage {stage}, which the plan migrates";
        else if (replayed.Keys.FirstOrDefault(k => !live.Contains(k)) is (var extraStage, { } extraVm))
            problem = $"it replays a migration of VM '{Quoted.Value(extraVm)}' in stage {extraStage}, which the plan does not hold";
        if (problem is not null)
            throw new InputException(simulationPath, 0, null, 0, null, $"not the replay of {Quoted.Path(planPath)}: {problem} (written for another plan? run `simulate` on this one)");
    }

    /// <summary>The stages replay from the plan's own placement (each VM's current_host): each migration starts where its
    /// VM is at that point, ends elsewhere, a VM moves at most once per stage, and the last stage leaves every VM on its
    /// host_id unless a blocked move says why; as `simulate` checks against the dataset. A plan edited by hand was
    /// exported as written: a VM migrated twice at once in one stage, from a host it was not on, or to its own host.
    /// The placement must list every VM the stages move (every plan the planner writes lists each VM): an emptied or
    /// removed one left the stages checked only among themselves.</summary>
    private static void CheckReplay(JsonInput doc, PlanJson plan, ImmutableArray<ExportStage> stages)
    {
        var placement = doc.Need(plan.Placement, "$.placement");
        if (placement.Count == 0 && stages.Any(s => s.Migrations.Length > 0))
            throw doc.Error("$.placement", "the placement lists no VM, but the stages move some: a plan lists every VM it moves, with its current_host and host_id");
        var at = new Dictionary<string, string?>(StringComparer.Ordinal);
        var target = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < placement.Count; i++)
        {
            var vm = doc.Need(placement[i].VmId, $"$.placement[{i}].vm_id");
            if (!at.TryAdd(vm, placement[i].CurrentHost)) throw doc.Error($"$.placement[{i}].vm_id", "the VM is placed twice");
            target[vm] = doc.Need(placement[i].HostId, $"$.placement[{i}].host_id");
        }
        for (var i = 0; i < stages.Length; i++)
        {
            var moving = new HashSet<string>(StringComparer.Ordinal);
            var moves = stages[i].Migrations;
            for (var j = 0; j < moves.Length; j++)
            {
                var (m, move) = (moves[j], $"$.stages[{i}].migrations[{j}]");
                if (!at.TryGetValue(m.VmId, out var now))
                    throw doc.Error(move + ".vm_id", "the VM is not in $.placement: a plan lists every VM it moves");
                if (!moving.Add(m.VmId))
                    throw doc.Error(move + ".vm_id", "the VM already migrates in this stage: a VM moves at most once per stage");
                if (m.FromHost != now)
                    throw doc.Error(move + ".from_host", now is null
                        ? "the VM runs nowhere at this point (no current_host in $.placement nor placed by an earlier stage): its first start is a \"place\""
                        : $"the VM is on {Quoted.Value(now)} at this point ($.placement's current_host and the earlier stages)");
                if (m.ToHost == now) throw doc.Error(move + ".to_host", "the VM is already on this host");
            }
            foreach (var m in moves) at[m.VmId] = m.ToHost;
        }
        var reported = (plan.Blocked ?? []).Select(b => b.VmId).ToHashSet(StringComparer.Ordinal);
        foreach (var (vm, host) in at)
            if (host != target[vm] && !reported.Contains(vm))
                throw doc.Error("$.stages", $"after the last stage VM {Quoted.Value(vm)} is on " + (host is null ? "no host" : Quoted.Value(host))
                    + $", not on its host_id {Quoted.Value(target[vm]!)} of $.placement, and no blocked move says why");
    }

    /// <summary>What the replay assumed, per migration (method, libvirt timeout, QEMU's downtime-limit, which
    /// falls back to the options' one); a simulation.json without the optional fields gives nulls. The values are
    /// checked against the file's options (<see cref="CheckDerived"/>), and the options against the ones plan.json
    /// records for its replay: a file edited to `timeout_s` 1 or a limit of 1999999 ms was exported as written.</summary>
    private static Dictionary<(int Stage, string Vm), (string Method, double? TimeoutSeconds, double? DowntimeLimitMs)> ReadSimulation(byte[] utf8, string path,
        PlanJson plan, JsonInput planDoc, string planPath)
    {
        var doc = new JsonInput(utf8, path);
        var simulation = doc.Read(ReportJsonContext.Default.SimulationJson, "simulation.json");
        var ids = new Ids(doc, ExportTarget.OpenStack);
        CheckOptions(doc, simulation.Options, plan.Options?.Simulation, planPath);
        var replay = ReplayOptions(doc, simulation.Options);
        // Each live migration's memory, which its timeout is derived from: required when there is a timeout to check (a
        // missing memory_mib read as 0 MiB, a negative one gave a negative timeout to compare with).
        var memory = new Dictionary<(int, string), double>();
        foreach (var (stage, i) in (plan.Stages ?? []).Select((s, i) => (s, i)))
            foreach (var (m, j) in (stage?.Migrations ?? []).Select((m, j) => (m, j)))
                if (m?.VmId is { } vm && m.Kind != "place" && replay is not null)
                    memory[(i + 1, vm)] = PlanJsonReader.MemoryMib(planDoc, m, $"$.stages[{i}].migrations[{j}]");
        var defaultLimitMs = LimitMs(doc, simulation.Options?.QemuDowntimeLimitMs, "$.options.qemu_downtime_limit_ms");
        var migrations = new Dictionary<(int, string), (string, double?, double?)>();
        var list = doc.Need(simulation.Migrations, "$.migrations");
        for (var i = 0; i < list.Count; i++)
        {
            var (m, at) = (list[i], $"$.migrations[{i}]");
            var stage = doc.Need(m.Stage, at + ".stage");
            var method = doc.Need(m.Method, at + ".method");
            if (method is not ("precopy" or "postcopy" or "hybrid")) throw doc.Error(at + ".method", "must be \"precopy\", \"postcopy\" or \"hybrid\"");
            if (m.TimeoutS is { } t && !(t > 0 && t <= 31_536_000)) throw doc.Error(at + ".timeout_s", "must be a number of seconds above 0 and at most a year");
            var vm = ids.Id(m.VmId, at + ".vm_id");
            var limit = LimitMs(doc, m.QemuDowntimeLimitMs, at + ".qemu_downtime_limit_ms");
            CheckDerived(doc, m, at, method, replay, memory.TryGetValue((stage, vm), out var mib) ? mib : null, defaultLimitMs);
            migrations[(stage, vm)] = (method, m.TimeoutS, limit ?? defaultLimitMs);
        }
        return migrations;
    }

    /// <summary>A plan.json that records its replay's options (every plan `plan` replayed) takes only the
    /// simulation.json with the same options: one from another run, or with its options edited to match edited
    /// values, is refused at the first field that differs.</summary>
    private static void CheckOptions(JsonInput doc, SimulationOptionsJson? options, SimulationOptionsJson? planned, string planPath)
    {
        if (planned is null) return;
        const string why = "the plan's replay ran with other options (this simulation.json was edited, or written by another run); "
            + "put back the replay's simulation.json, or re-run `plan`";
        if (options is null) throw doc.Error("$.options", $"missing, but {Quoted.Path(planPath)} records its replay's options ($.options.simulation): {why}");
        var ours = JsonSerializer.SerializeToNode(options, ReportJsonContext.Default.SimulationOptionsJson)!.AsObject();
        var theirs = JsonSerializer.SerializeToNode(planned, ReportJsonContext.Default.SimulationOptionsJson)!.AsObject();
        foreach (var name in ours.Select(p => p.Key).Union(theirs.Select(p => p.Key)))
            if (!JsonNode.DeepEquals(ours[name], theirs[name]))
                throw doc.Error("$.options." + name, $"{Quoted.Path(planPath)} records {Quoted.Value(theirs[name]?.ToJsonString() ?? "none")} "
                    + $"at $.options.simulation.{name}: {why}");
    }

    /// <summary>The options the replay derived each migration's timeout from (the stop rules and --precopy-timeout);
    /// null when the file does not name its hypervisor (a simulation.json written by hand for `export`).</summary>
    private static SimulationOptions? ReplayOptions(JsonInput doc, SimulationOptionsJson? options)
    {
        if (options?.Hypervisor is not { } name) return null;
        try
        {
            return new SimulationOptions(StopRules: PreCopyStopRules.Parse(name), PreCopyTimeoutSeconds: options.PrecopyTimeoutS);
        }
        catch (FormatException)
        {
            throw doc.Error("$.options.hypervisor", "must be \"qemu\", \"xen\" or \"xen-legacy\"");
        }
    }

    /// <summary>The migration's timeout and downtime-limit are what the replay derives from the options, as the
    /// simulator derives them (<see cref="SimulationOptions.TimeoutSeconds"/>, from plan.json's memory_mib;
    /// <see cref="SimulationOptions.QemuDowntimeLimitFor"/>). The limit also depends on the migration's link and
    /// VM (the queue the stop finds, the last sync), which neither file records, so only its bound is checked: at
    /// most the options' qemu_downtime_limit_ms (equal to it when the replay was given one). A skipped migration
    /// never started: the replay gave it neither value. Without the hypervisor in the options the timeout is not
    /// checked.</summary>
    private static void CheckDerived(JsonInput doc, SimulationMigrationJson m, string at, string method, SimulationOptions? replay,
        double? memoryMib, double? optionsLimitMs)
    {
        var skipped = m.Status == "skipped";
        if (m.QemuDowntimeLimitMs is { } ms && optionsLimitMs is { } most && ms > most)
            throw doc.Error(at + ".qemu_downtime_limit_ms", $"above the options' qemu_downtime_limit_ms ({most} ms): the replay gives no migration "
                + "a higher downtime-limit (it takes the options' one, or less the time its stop needs for the link's queue and the last sync)");
        if (replay is null || memoryMib is not { } mib || (skipped && m.TimeoutS is null)) return;
        var kind = method switch { "postcopy" => MigrationMethod.PostCopy, "hybrid" => MigrationMethod.Hybrid, _ => MigrationMethod.PreCopy };
        var expected = ReportJson.Round(replay.TimeoutSeconds(kind, mib));
        // 1 ms: both sides are rounded to 3 decimals (and memory_mib too).
        if (expected is null ? m.TimeoutS is null : m.TimeoutS is { } t && Math.Abs(t - expected.Value) <= 0.001 + 1e-9 * expected.Value) return;
        throw doc.Error(at + ".timeout_s", expected is null
            ? $"the replay sets no timeout for a {method} migration with these options (hypervisor {Quoted.Value(replay.Rules.Name)}"
                + (replay.PreCopyTimeoutSeconds is null ? ", no precopy_timeout_s)" : ")")
            : $"the options give {expected.Value} s for this {method} migration of {mib} MiB (plan.json's memory_mib; "
                + (replay.PreCopyTimeoutSeconds is { } given ? $"precopy_timeout_s {given}" : $"{replay.Rules.TimeoutSecondsPerGib} s per GiB, hypervisor {Quoted.Value(replay.Rules.Name)}") + ")");
    }

    /// <summary>An optional qemu_downtime_limit_ms (the options', or a migration's own).</summary>
    private static double? LimitMs(JsonInput doc, double? limit, string at) =>
        limit is { } ms && !(ms >= 1 && ms <= 2_000_000) ? throw doc.Error(at, "must be between 1 and 2000000 ms") : limit;

    /// <summary>The window scheme a plan was made with (options.windows), for the host-level schedule.</summary>
    public static Profiles.WindowScheme Windows(byte[] planUtf8, string planPath)
    {
        var doc = new JsonInput(planUtf8, planPath);
        var plan = doc.Read(ReportJsonContext.Default.PlanJson, "plan.json");
        try
        {
            return Profiles.WindowScheme.Parse(doc.Need(doc.Need(plan.Options, "$.options").Windows, "$.options.windows"));
        }
        catch (FormatException e)
        {
            throw doc.Error("$.options.windows", e.Message);
        }
    }

    /// <summary>The host each VM of the plan ends on (vm_id to host id), for the host-level schedule, whose caps apply
    /// there: its current_host moved by the stages, or its host_id when it runs nowhere after them (as the planner
    /// sizes the allocation: a blocked move leaves its VM home).</summary>
    public static IReadOnlyDictionary<string, string> HostOf(byte[] planUtf8, string planPath)
    {
        var doc = new JsonInput(planUtf8, planPath);
        var plan = PlanJsonReader.Read(doc);
        var target = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = new Dictionary<string, string?>(StringComparer.Ordinal);
        var list = doc.Need(plan.Placement, "$.placement");
        for (var i = 0; i < list.Count; i++)
        {
            var vm = doc.Need(list[i].VmId, $"$.placement[{i}].vm_id");
            if (!target.TryAdd(vm, doc.Need(list[i].HostId, $"$.placement[{i}].host_id")))
                throw doc.Error($"$.placement[{i}].vm_id", "the VM is placed twice");
            at[vm] = list[i].CurrentHost;
        }
        foreach (var stage in doc.Need(plan.Stages, "$.stages"))
            foreach (var m in stage.Migrations ?? [])
                if (m.VmId is { } vm && m.ToHost is { } to) at[vm] = to;
        return target.ToDictionary(t => t.Key, t => at.GetValueOrDefault(t.Key) ?? t.Value, StringComparer.Ordinal);
    }

    private sealed class Ids(JsonInput doc, ExportTarget target)
    {
        /// <summary>An id that goes into the script as one quoted argument; see <see cref="ShellScript.IdProblem"/>.</summary>
        public string Id(string? id, string at)
        {
            var text = doc.Need(id, at);
            if (ShellScript.IdProblem(text) is { } problem) throw doc.Error(at, problem);
            return text;
        }

        /// <summary>A VM id; for libvirt it must also be a name virsh looks up as a name (<see cref="ShellScript.VirshDomainProblem"/>).</summary>
        public string Vm(string? id, string at)
        {
            var text = Id(id, at);
            if (target == ExportTarget.Libvirt && ShellScript.VirshDomainProblem(text) is { } problem) throw doc.Error(at, problem);
            return text;
        }

        /// <summary>A host id; for libvirt it also becomes the host of a qemu+ssh:// URI.</summary>
        public string Host(string? id, string at)
        {
            var text = Id(id, at);
            if (target == ExportTarget.Libvirt && ShellScript.UriHostProblem(text) is { } problem) throw doc.Error(at, problem);
            return text;
        }

        /// <summary>A migration's destination: for OpenStack, the host Nova's API takes (the source is not sent).</summary>
        public string ToHost(string? id, string at)
        {
            var text = Host(id, at);
            if (target == ExportTarget.OpenStack && ShellScript.NovaHostProblem(text) is { } problem) throw doc.Error(at, problem);
            return text;
        }
    }
}

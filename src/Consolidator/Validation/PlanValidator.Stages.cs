using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Staging;

namespace Consolidator.Validation;

public static partial class PlanValidator
{
    /// <summary>Replays the plan from the current placement. During a stage a migrating VM counts on both
    /// its source and its destination; every host that receives a VM must then stay within physical
    /// capacity (headroom may be used while moving). Hosts that only lose VMs are not checked: they cannot
    /// get worse, and a host overloaded before the plan must be allowed to drain.</summary>
    /// <param name="maxMigrationsPerHostPerStage">The limit the plan was made with (0: none), to check it.</param>
    public static IReadOnlyList<Violation> CheckMigrationPlan(
        PlacementProblem p, Placement target, MigrationPlan plan, int maxMigrationsPerHostPerStage = 0)
    {
        var violations = new List<Violation>();
        if (!HasOneHostPerVm(p, target, violations)) return violations;
        var at = new int[p.VmCount];
        var parkedOn = new int[p.VmCount];
        Array.Fill(parkedOn, -1);
        var loads = new HostLoads(p);
        for (var v = 0; v < p.VmCount; v++)
        {
            at[v] = p.CurrentHost(v);
            if (at[v] >= 0) loads.Add(v, at[v]);
        }
        var stages = plan.Stages.IsDefault ? [] : plan.Stages;
        for (var i = 0; i < stages.Length; i++)
        {
            var name = $"stage {i + 1}";
            if (stages[i].Number != i + 1)
                violations.Add(new("stage.numbering", $"{name} is numbered {stages[i].Number}; stages are numbered 1, 2, 3, ... in order"));
            var moves = AdmissibleMoves(p, target, stages[i], name, at, violations);
            CheckStageCapacity(p, moves, name, at, loads, violations);
            violations.AddRange(StorageChecker.CheckStage(p, moves, name, at));
            if (maxMigrationsPerHostPerStage > 0) CheckHostLimit(p, moves, name, at, maxMigrationsPerHostPerStage, violations);
            foreach (var m in moves)
            {
                if (at[m.Vm] >= 0) loads.Remove(m.Vm, at[m.Vm]);
                loads.Add(m.Vm, m.To);
                at[m.Vm] = m.To;
                parkedOn[m.Vm] = m.Kind == MigrationKind.Relay ? m.To : -1;
            }
        }
        CheckOutcome(p, target, plan, at, parkedOn, violations);
        return violations;
    }

    /// <summary>The stage's migrations that can be replayed (known VM and host, VM not already moving in this
    /// stage), after reporting those whose source or kind contradicts where the VM is.</summary>
    private static List<Migration> AdmissibleMoves(
        PlacementProblem p, Placement target, Stage stage, string name, int[] at, List<Violation> violations)
    {
        var moves = new List<Migration>();
        var moving = new HashSet<int>();
        foreach (var m in stage.Migrations.IsDefault ? [] : stage.Migrations)
        {
            if (m.Vm < 0 || m.Vm >= p.VmCount)
            {
                violations.Add(new("stage.unknown-vm", $"{name} migrates VM index {m.Vm}, but the VMs are 0..{p.VmCount - 1}"));
                continue;
            }
            var vm = p.Vms[m.Vm].Id;
            if (!IsHost(p, m.To) || (m.From != -1 && !IsHost(p, m.From)))
            {
                violations.Add(new("stage.unknown-host", $"{name} moves {vm} from {HostName(p, m.From)} to {HostName(p, m.To)}"));
                continue;
            }
            if (!moving.Add(m.Vm))
            {
                violations.Add(new("stage.repeat", $"{name} migrates {vm} more than once; a VM moves at most once per stage"));
                continue;
            }
            var now = at[m.Vm];
            if (m.Kind == MigrationKind.Place && (now != -1 || m.From != -1))
                violations.Add(new("stage.source", $"{name} places {vm} from {HostName(p, m.From)} but only a VM that runs nowhere is placed, and {vm} is on {HostName(p, now)}"));
            else if (m.Kind != MigrationKind.Place && now == -1)
                violations.Add(new("stage.source", $"{name} migrates {vm} from {HostName(p, m.From)} but {vm} runs nowhere yet; its first start is a Place"));
            else if (m.Kind != MigrationKind.Place && m.From != now)
                violations.Add(new("stage.source", $"{name} migrates {vm} from {HostName(p, m.From)} but {vm} is on {HostName(p, now)} at that point"));
            if (m.To == now)
                violations.Add(new("stage.kind", $"{name} migrates {vm} to {HostName(p, m.To)}, where it already is"));
            else if (m.Kind == MigrationKind.Relay && m.To == target[m.Vm])
                violations.Add(new("relay.target", $"{name} parks {vm} on {HostName(p, m.To)}, which is its target host; a relay must end elsewhere"));
            else if (m.Kind != MigrationKind.Relay && m.To != target[m.Vm])
                violations.Add(new("stage.kind", $"{name} sends {vm} to {HostName(p, m.To)} as a {m.Kind} but its target is {HostName(p, target[m.Vm])}; only a Relay may end elsewhere"));
            // Replay from where the VM really is, so one wrong source does not skew every later load.
            moves.Add(m with { From = now });
        }
        return moves;
    }

    private static void CheckStageCapacity(
        PlacementProblem p, List<Migration> moves, string name, int[] at, HostLoads loads, List<Violation> violations)
    {
        foreach (var arrivals in moves.GroupBy(m => m.To).OrderBy(g => g.Key))
        {
            var h = arrivals.Key;
            // Disk is checked by StorageChecker, which counts shared image blocks once.
            foreach (var r in Resources.All.Where(r => r != Resource.Disk))
            {
                var during = new long[p.WindowCount];
                for (var w = 0; w < p.WindowCount; w++)
                    during[w] = loads[h, r, w] + arrivals.Sum(m => (long)p.Demand(m.Vm, r, w));
                int worst = -1, count = 0;
                for (var w = 0; w < p.WindowCount; w++)
                {
                    if (during[w] <= p.Capacity(h, r)) continue;
                    count++;
                    if (worst < 0 || during[w] > during[worst]) worst = w;
                }
                if (worst < 0) continue;
                var present = Enumerable.Range(0, p.VmCount).Where(v => at[v] == h);
                violations.Add(new("stage.capacity",
                    $"{name}: {p.Hosts[h].Id} {Resources.Name(r)} in window {p.Windows.Windows[worst].Label} carries "
                    + $"{HostLoads.Amount(r, during[worst])} while migrations run, over its physical "
                    + $"capacity {HostLoads.Amount(r, p.Capacity(h, r))}" + OtherWindows(count)
                    + $"; arriving: {HostLoads.Names(p, arrivals.Select(m => m.Vm))}; already there: {HostLoads.Names(p, present)}"));
            }
        }
    }

    private static void CheckHostLimit(
        PlacementProblem p, List<Migration> moves, string name, int[] at, int limit, List<Violation> violations)
    {
        var touches = new int[p.HostCount];
        foreach (var m in moves)
        {
            if (at[m.Vm] >= 0) touches[at[m.Vm]]++;
            touches[m.To]++;
        }
        for (var h = 0; h < p.HostCount; h++)
            if (touches[h] > limit)
                violations.Add(new("stage.host-limit", $"{name} runs {touches[h]} migrations in or out of {p.Hosts[h].Id}, over the limit of {limit} per host per stage"));
    }

    /// <summary>After the last stage every VM is on its target, unless the plan reports it blocked; then it
    /// must be where the block says (its current host, or the host it was parked on).</summary>
    private static void CheckOutcome(
        PlacementProblem p, Placement target, MigrationPlan plan, int[] at, int[] parkedOn, List<Violation> violations)
    {
        var blocked = new Dictionary<int, BlockedMove>();
        foreach (var b in plan.Blocked.IsDefault ? [] : plan.Blocked)
        {
            if (b.Vm < 0 || b.Vm >= p.VmCount)
                violations.Add(new("plan.blocked", $"the plan reports VM index {b.Vm} blocked, but the VMs are 0..{p.VmCount - 1}"));
            else if (!blocked.TryAdd(b.Vm, b))
                violations.Add(new("plan.blocked", $"the plan reports {p.Vms[b.Vm].Id} blocked more than once"));
        }
        for (var v = 0; v < p.VmCount; v++)
        {
            var vm = p.Vms[v].Id;
            if (blocked.TryGetValue(v, out var b))
            {
                if (at[v] == target[v])
                    violations.Add(new("plan.blocked", $"the plan reports {vm} blocked, yet it takes {vm} to its target {HostName(p, target[v])}"));
                else if (b.From != at[v] || b.To != target[v])
                    violations.Add(new("plan.blocked", $"the plan reports {vm} blocked from {HostName(p, b.From)} to {HostName(p, b.To)}, "
                        + $"but after the last stage {vm} is on {HostName(p, at[v])} and its target is {HostName(p, target[v])}"));
            }
            else if (at[v] != target[v] && parkedOn[v] >= 0)
                violations.Add(new("relay.stranded", $"{vm} is parked on {HostName(p, parkedOn[v])} and never moves on to its target {HostName(p, target[v])}"));
            else if (at[v] != target[v])
                violations.Add(new("plan.target", $"after the last stage {vm} is on {HostName(p, at[v])}, not on its target {HostName(p, target[v])}"));
        }
    }
}

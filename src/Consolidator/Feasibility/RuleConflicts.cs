using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Rules;
using Consolidator.Solving;
using Google.OrTools.Sat;

namespace Consolidator.Feasibility;

/// <summary>Explains why the placement rules cannot all hold. Cheap necessary conditions first, each with a
/// message naming the rule; then, for what they miss, CP-SAT itself: every rule is switched on by an
/// assumption literal in a feasibility model (no objective, one worker: CP-SAT's assumption cores do not
/// combine with an objective), and the sufficient assumptions for infeasibility name the rules in conflict,
/// shrunk by deletion to a minimal set (DCM's approach, see design/learning-from-peers.md).</summary>
public static class RuleConflicts
{
    public const double SecondsPerSolve = 10;

    public static ImmutableArray<string> Precheck(PlacementProblem p)
    {
        var reasons = ImmutableArray.CreateBuilder<string>();
        // Without rules every host a VM fits on allows it; with rules, the list is built only for a VM that has
        // no allowed host it fits (a fleet's VMs times hosts is too many fit checks to make for each).
        for (var v = 0; v < p.VmCount && !p.Rules.IsEmpty; v++)
        {
            if (Enumerable.Range(0, p.HostCount).Any(h => p.Rules.Allows(v, h) && p.FitsAlone(v, h))) continue;
            var fits = Enumerable.Range(0, p.HostCount).Where(h => p.FitsAlone(v, h)).ToList();
            if (fits.Count > 0 && !fits.Any(h => p.Rules.Allows(v, h)))
            {
                var forbidding = fits.SelectMany(h => p.Rules.Forbidding(v, h)).Distinct().ToList();
                reasons.Add($"VM {p.Vms[v].Id} has no allowed host: {Names(forbidding)} {(forbidding.Count == 1 ? "keeps" : "keep")} it off every host it fits on");
            }
        }
        foreach (var g in p.Rules.SpreadGroups)
        {
            var hosts = g.Members.SelectMany(v => Enumerable.Range(0, p.HostCount).Where(h => p.CanHost(v, h))).Distinct().Count();
            if (g.Members.Length > hosts)
                reasons.Add($"{Name(g.Rule)} needs {g.Members.Length} distinct hosts but its VMs are allowed on only {hosts}");
        }
        foreach (var g in p.Rules.GatherGroups)
            if (!Enumerable.Range(0, p.HostCount).Any(h => g.Members.All(v => p.Rules.Allows(v, h)) && Holds(p, g.Members, [h])))
                reasons.Add($"{Name(g.Rule)}: no single host is allowed for all of {Ids(p, g.Members)} and has room for them together");
        // A cap of VMs per host holds at most limit x hosts VMs; the VMs that can run only on its hosts must be no more.
        // 30 VMs under "max-vms,m,,,1" on 8 hosts was blamed on the capacities ("a bin-packing conflict") though each fits.
        foreach (var (rule, capped, limit) in p.Rules.Caps)
        {
            var inside = capped.ToHashSet();
            var only = inside.Count == p.HostCount ? p.VmCount
                : Enumerable.Range(0, p.VmCount).Count(v => Enumerable.Range(0, p.HostCount).Where(h => p.CanHost(v, h)).All(inside.Contains));
            if (only > (long)limit * capped.Length)
                reasons.Add($"{Name(rule)} allows at most {limit} VM(s) on each of its {capped.Length} host(s), {(long)limit * capped.Length} in all, but {only} VM(s) can run only on them");
            else if (CapLeavesTooMuch(p, rule, capped, limit) is { } reason) reasons.Add(reason);
        }
        var vmIndex = p.Vms.Select((x, i) => (x.Id, i)).ToDictionary(t => t.Id, t => t.i, StringComparer.Ordinal);
        var hostIndex = p.Hosts.Select((x, i) => (x.Id, i)).ToDictionary(t => t.Id, t => t.i, StringComparer.Ordinal);
        foreach (var rule in p.Rules.Rules.OfType<Pin>())
        {
            var vms = rule.Vms.Select(id => vmIndex[id]).ToArray();
            var hosts = rule.Hosts.Select(id => hostIndex[id]).ToArray();
            if (!Holds(p, vms, hosts))
                reasons.Add($"{Name(rule)}: the pinned VMs {string.Join(", ", rule.Vms)} need more than hosts {string.Join(", ", rule.Hosts)} offer together in some window");
        }
        foreach (var c in p.Rules.Clusters)
            foreach (var r in Resources.All)
            {
                var capacity = c.Members.Sum(h => (long)p.Capacity(h, r));
                var largest = c.Members.Max(h => (long)p.Capacity(h, r));
                var only = Enumerable.Range(0, p.VmCount).Where(v => Enumerable.Range(0, p.HostCount).Where(h => p.CanHost(v, h)).All(c.Members.Contains)).ToArray();
                var peak = Enumerable.Range(0, p.WindowCount).Max(w => only.Sum(v => (long)p.Demand(v, r, w)));
                if (peak > capacity - largest)
                    reasons.Add($"{Name(c.Rule)}: the VMs that can only run in this cluster need {Show(r, peak)} {Resources.Name(r)} at peak, more than the {Show(r, capacity - largest)} left when its largest host is lost");
            }
        return reasons.ToImmutable();
    }

    /// <summary>A cap that conflicts with the other hosts' capacities: at most limit x capped VMs run on the capped
    /// hosts, so the others take at least the rest, k VMs, and no k VMs need less than the k smallest demands. Checked
    /// in each resource's busiest window (a necessary condition; the k smallest of all VMs, eligible or not, bound
    /// those that can go there). Eight 4-core VMs, one VM at most on two of three 16-core hosts: CP-SAT's core named
    /// the rule on that one, but on 60 VMs with 14 of 15 hosts capped it ran out of time and the capacities were
    /// blamed ("CP-SAT found no placement ... try a longer --time-limit").</summary>
    private static string? CapLeavesTooMuch(PlacementProblem p, Rule rule, int[] capped, int limit)
    {
        var k = p.VmCount - (long)limit * capped.Length;
        var inside = capped.ToHashSet();
        var others = Enumerable.Range(0, p.HostCount).Where(h => !inside.Contains(h)).ToArray();
        if (k <= 0 || others.Length == 0) return null;
        var most = p.VmCount - (int)k;
        foreach (var r in Resources.All)
        {
            var w = Enumerable.Range(0, p.WindowCount).MaxBy(w => Enumerable.Range(0, p.VmCount).Sum(v => (long)p.BoundDemand(v, r, w)));
            // The k smallest: the total less the (VmCount - k) largest, kept in a min-heap of that size.
            var largest = new PriorityQueue<int, int>();
            long total = 0;
            for (var v = 0; v < p.VmCount; v++)
            {
                var d = p.BoundDemand(v, r, w);
                total += d;
                if (most == 0) continue;
                if (largest.Count < most) largest.Enqueue(d, d);
                else if (d > largest.Peek()) largest.EnqueueDequeue(d, d);
            }
            var least = total - largest.UnorderedItems.Sum(x => (long)x.Element);
            var room = others.Sum(h => (long)p.Usable(h, r));
            if (least > room)
                return $"{Name(rule)} allows at most {limit} VM(s) on each of its {capped.Length} host(s), so at least {k} VM(s) must run on the other {others.Length} host(s); " +
                       $"the {k} smallest need {Show(r, least)} {Resources.Name(r)} in window {p.Windows.Windows[w].Label}, more than the {Show(r, room)} those hosts offer";
        }
        return null;
    }

    /// <summary>The rules in conflict, as a minimal set CP-SAT proves infeasible together; empty when the
    /// capacities alone are infeasible or the model is too large to explain this way.</summary>
    public static ImmutableArray<Rule>? Core(PlacementProblem p, int seed)
    {
        if (p.Rules.IsEmpty || (long)p.VmCount * p.HostCount > CpSatPlacementSolver.FullModelMaxBooleans) return null;
        if (Solve(p, p.Rules.Rules, seed) is not { } core) return null;
        // Deletion: drop each rule whose removal keeps the rest infeasible.
        foreach (var rule in core.ToList())
        {
            var without = core.Where(r => r != rule).ToImmutableArray();
            if (Solve(p, without, seed) is not null) core = without;
        }
        return core;
    }

    /// <summary>Null when the rules are satisfiable (or CP-SAT cannot tell in time); else the rules of the core.</summary>
    private static ImmutableArray<Rule>? Solve(PlacementProblem p, IReadOnlyCollection<Rule> active, int seed)
    {
        var switches = new List<(BoolVar Literal, Rule Rule)>();
        var model = new PlacementModel(p, [.. Enumerable.Range(0, p.VmCount)], [.. Enumerable.Range(0, p.HostCount)],
            new HashSet<int>(), ruleSwitches: switches);
        foreach (var (literal, _) in switches.Where(s => !active.Contains(s.Rule))) model.Model.Add(literal == 0);
        var assumed = switches.Where(s => active.Contains(s.Rule)).ToList();
        model.Model.AddAssumptions(assumed.Select(s => (ILiteral)s.Literal));
        var solver = new CpSolver { StringParameters = SubSolve.Parameters(SecondsPerSolve, seed, 1, counted: true) };
        if (solver.Solve(model.Model) != CpSolverStatus.Infeasible) return null;
        var byIndex = assumed.ToDictionary(s => s.Literal.GetIndex(), s => s.Rule);
        return [.. solver.SufficientAssumptionsForInfeasibility().Where(byIndex.ContainsKey).Select(i => byIndex[i]).Distinct()];
    }

    /// <summary>True when the VMs fit the hosts' summed usable capacity in every resource and window.</summary>
    private static bool Holds(PlacementProblem p, int[] vms, int[] hosts) => Resources.All.All(r =>
        Enumerable.Range(0, p.WindowCount).All(w => vms.Sum(v => (long)p.Demand(v, r, w)) <= hosts.Sum(h => (long)p.Usable(h, r))));

    public static string Name(Rule rule) => $"{rule.Kind} rule '{rule.Name}'";

    private static string Names(IEnumerable<Rule> rules) => string.Join(", ", rules.Distinct().Select(Name));

    private static string Ids(PlacementProblem p, IEnumerable<int> vms) => string.Join(", ", vms.Select(v => p.Vms[v].Id));

    private static string Show(Resource r, long units) => FeasibilityCheck.Amount(r, units);
}

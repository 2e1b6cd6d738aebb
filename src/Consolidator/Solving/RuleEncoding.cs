using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Rules;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>The CP-SAT form of each placement rule (BtrPlace's "one rule, three places": the rule is a plain
/// value in Rules/, its checker is in Validation/RuleCheckers, its encoding is here). Works on the whole
/// model or on a neighbourhood, counting VMs outside the neighbourhood where their basis placement puts them.</summary>
internal sealed class RuleEncoding(PlacementModel m, PlacementProblem p, Placement? basis, List<(BoolVar Literal, Rule Rule)>? switches)
{
    private readonly Dictionary<int, int> _localVm = m.Vms.Select((v, i) => (v, i)).ToDictionary(t => t.v, t => t.i);
    private readonly Dictionary<int, int> _localHost = m.Hosts.Select((h, j) => (h, j)).ToDictionary(t => t.h, t => t.j);
    private readonly Dictionary<Rule, ILiteral> _literals = [];

    public void AddAll()
    {
        if (switches is not null) ForbiddenPairs();
        foreach (var g in p.Rules.SpreadGroups) Spread(g);
        foreach (var g in p.Rules.GatherGroups) Gather(g);
        foreach (var cap in p.Rules.Caps) Cap(cap.Rule, cap.Hosts, cap.Limit);
        foreach (var c in p.Rules.Clusters) Failover(c);
    }

    /// <summary>Hard rules are simply missing x variables; when explaining, the variables exist and each
    /// pin, ban or drain rule switches its pairs off.</summary>
    private void ForbiddenPairs()
    {
        for (var i = 0; i < m.Vms.Length; i++)
            for (var j = 0; j < m.Hosts.Length; j++)
                if (m.X(i, j) is { } x)
                    foreach (var rule in p.Rules.Forbidding(m.Vms[i], m.Hosts[j]))
                        Enforce(m.Model.Add(x == 0), rule);
    }

    private void Spread(CompiledRules.Group g)
    {
        foreach (var (h, j) in _localHost)
        {
            var outside = g.Members.Count(v => !_localVm.ContainsKey(v) && basis?[v] == h);
            var here = Vars(g.Members, j).ToList();
            if (here.Count + outside > 1) Enforce(m.Model.Add(LinearExpr.Sum(here) <= 1 - outside), g.Rule);
        }
    }

    private void Gather(CompiledRules.Group g)
    {
        var inside = g.Members.Where(_localVm.ContainsKey).ToArray();
        for (var k = 0; k + 1 < inside.Length; k++)
            for (var j = 0; j < m.Hosts.Length; j++)
            {
                var a = m.X(_localVm[inside[k]], j);
                var b = m.X(_localVm[inside[k + 1]], j);
                if (a is null && b is null) continue;
                Enforce(m.Model.Add((a is null ? LinearExpr.Constant(0) : (LinearExpr)a) == (b is null ? LinearExpr.Constant(0) : b)), g.Rule);
            }
    }

    private void Cap(Rule rule, int[] hosts, int limit)
    {
        foreach (var h in hosts)
        {
            if (!_localHost.TryGetValue(h, out var j)) continue;
            var here = LocalVars(j).ToList();
            if (here.Count > limit) Enforce(m.Model.Add(LinearExpr.Sum(here) <= limit), rule);
        }
    }

    /// <summary>For each resource and window, the cluster's spare physical capacity S = sum over active hosts of
    /// (capacity - load) must reach every active host's capacity: losing host h removes its spare
    /// (capacity - load) and asks the others for its load, so S - (C_h - L_h) >= L_h, i.e. S >= C_h.</summary>
    private void Failover(CompiledRules.Group cluster)
    {
        var inside = cluster.Members.Where(_localHost.ContainsKey).ToArray();
        var outsideActive = cluster.Members.Where(h => !_localHost.ContainsKey(h) && basis is not null && basis.HostOf.Contains(h)).ToArray();
        // A host counts as active only while it carries a VM, so that the reserve is real spread-out capacity.
        foreach (var h in inside)
        {
            var j = _localHost[h];
            var xs = LocalVars(j).ToList();
            if (xs.Count == 0) Enforce(m.Model.Add(m.Y[j] == 0), cluster.Rule);
            else
            {
                var active = m.Model.AddBoolOr(xs);
                active.OnlyEnforceIf(m.Y[j]);
                Enforce(active, cluster.Rule);
            }
        }
        foreach (var r in Resources.All)
            foreach (var w in m.NonDominatedWindows[(int)r])
            {
                var spare = LinearExpr.NewBuilder();
                long constant = 0;
                foreach (var h in inside)
                {
                    var j = _localHost[h];
                    spare.AddTerm(m.Y[j], p.Capacity(h, r));
                    for (var i = 0; i < m.Vms.Length; i++)
                        if (m.X(i, j) is { } x) spare.AddTerm(x, -p.Demand(m.Vms[i], r, w));
                }
                foreach (var h in outsideActive)
                {
                    constant += p.Capacity(h, r);
                    for (var v = 0; v < p.VmCount; v++)
                        if (basis![v] == h && !_localVm.ContainsKey(v)) constant -= p.Demand(v, r, w);
                }
                spare.Add(constant);
                foreach (var h in inside)
                    Enforce(m.Model.Add(spare >= LinearExpr.Term(m.Y[_localHost[h]], p.Capacity(h, r))), cluster.Rule);
                foreach (var h in outsideActive)
                    Enforce(m.Model.Add(spare >= p.Capacity(h, r)), cluster.Rule);
            }
    }

    private IEnumerable<BoolVar> Vars(IEnumerable<int> vms, int j)
    {
        foreach (var v in vms)
            if (_localVm.TryGetValue(v, out var i) && m.X(i, j) is { } x) yield return x;
    }

    private IEnumerable<BoolVar> LocalVars(int j)
    {
        for (var i = 0; i < m.Vms.Length; i++)
            if (m.X(i, j) is { } x) yield return x;
    }

    private void Enforce(Constraint c, Rule rule)
    {
        if (switches is null) return;
        if (!_literals.TryGetValue(rule, out var lit))
        {
            var b = m.Model.NewBoolVar($"rule:{rule.Name}");
            _literals[rule] = lit = b;
            switches.Add((b, rule));
        }
        c.OnlyEnforceIf(lit);
    }
}

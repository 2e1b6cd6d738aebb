using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Rules;

namespace Consolidator.Validation;

/// <summary>Checks every placement rule on a final placement, from the rule's ids and the raw demands,
/// sharing no code with the solver's encoding (Solving/RuleEncoding).</summary>
public static class RuleCheckers
{
    public static IReadOnlyList<Violation> Check(PlacementProblem p, Placement target)
    {
        var violations = new List<Violation>();
        var hostIndex = p.Hosts.Select((h, i) => (h.Id, i)).ToDictionary(t => t.Id, t => t.i, StringComparer.Ordinal);
        var vmIndex = p.Vms.Select((v, i) => (v.Id, i)).ToDictionary(t => t.Id, t => t.i, StringComparer.Ordinal);
        string HostOf(string vm) => target[vmIndex[vm]] is var h and >= 0 ? p.Hosts[h].Id : "(none)";
        IEnumerable<string> HostsOf(System.Collections.Immutable.ImmutableArray<string> ids) => ids.IsEmpty ? p.Hosts.Select(h => h.Id) : ids;

        foreach (var rule in p.Rules.Rules)
        {
            var id = $"rule.{rule.Kind}";
            switch (rule)
            {
                case Spread s:
                    foreach (var g in s.Vms.GroupBy(HostOf).Where(g => g.Count() > 1))
                        violations.Add(new Violation(id, $"{Name(rule)}: {string.Join(", ", g)} share host {g.Key}"));
                    break;
                case Gather g:
                    var hosts = g.Vms.Select(HostOf).Distinct().ToList();
                    if (hosts.Count > 1)
                        violations.Add(new Violation(id, $"{Name(rule)}: its VMs are spread over {string.Join(", ", hosts)}"));
                    break;
                case Pin pin:
                    foreach (var vm in pin.Vms.Where(vm => !pin.Hosts.Contains(HostOf(vm))))
                        violations.Add(new Violation(id, $"{Name(rule)}: {vm} is on {HostOf(vm)}, not on {string.Join("/", pin.Hosts)}"));
                    break;
                case Ban ban:
                    foreach (var vm in ban.Vms.Where(vm => ban.Hosts.Contains(HostOf(vm))))
                        violations.Add(new Violation(id, $"{Name(rule)}: {vm} is on banned host {HostOf(vm)}"));
                    break;
                case Drain d:
                    foreach (var h in d.Hosts)
                    {
                        var on = p.Vms.Where(vm => HostOf(vm.Id) == h).Select(vm => vm.Id).ToList();
                        if (on.Count > 0) violations.Add(new Violation(id, $"{Name(rule)}: host {h} must end empty but keeps {string.Join(", ", on)}"));
                    }
                    break;
                case MaxVmsPerHost cap:
                    foreach (var h in HostsOf(cap.Hosts))
                    {
                        var count = target.HostOf.Count(x => x == hostIndex[h]);
                        if (count > cap.Limit) violations.Add(new Violation(id, $"{Name(rule)}: host {h} has {count} VMs, more than {cap.Limit}"));
                    }
                    break;
                case FailoverReserve f:
                    violations.AddRange(CheckFailover(p, target, f, HostsOf(f.Hosts).Select(h => hostIndex[h]).ToArray()));
                    break;
            }
        }
        return violations;
    }

    /// <summary>For each active host of the cluster: can the other active hosts' spare physical capacity take
    /// its whole load, in every resource and window?</summary>
    private static IEnumerable<Violation> CheckFailover(PlacementProblem p, Placement target, FailoverReserve rule, int[] cluster)
    {
        var active = cluster.Where(h => target.HostOf.Contains(h)).ToArray();
        foreach (var r in Resources.All)
            for (var w = 0; w < p.WindowCount; w++)
            {
                var load = active.ToDictionary(h => h, h => Enumerable.Range(0, p.VmCount).Where(v => target[v] == h).Sum(v => (long)p.Demand(v, r, w)));
                var spare = active.Sum(h => p.Capacity(h, r) - load[h]);
                foreach (var h in active)
                {
                    var othersSpare = spare - (p.Capacity(h, r) - load[h]);
                    if (othersSpare < load[h])
                    {
                        yield return new Violation("rule.failover",
                            $"{Name(rule)}: if host {p.Hosts[h].Id} fails in window {p.Windows.Windows[w].Label}, its {HostLoads.Amount(r, load[h])} " +
                            $"{Resources.Name(r)} does not fit the {HostLoads.Amount(r, othersSpare)} spare on the other {active.Length - 1} active host(s) of the cluster");
                        yield break;
                    }
                }
            }
    }

    private static string Name(Rule rule) => $"{rule.Kind} rule '{rule.Name}'";
}

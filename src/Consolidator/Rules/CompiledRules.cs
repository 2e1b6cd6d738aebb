using System.Collections.Immutable;
using Consolidator.Inventory;

namespace Consolidator.Rules;

/// <summary>The rules of a dataset resolved to VM and host indices, in the forms the checker, the solver
/// encoding and the heuristics share. Built once per placement problem.</summary>
public sealed class CompiledRules
{
    // (v, h) -> the pin, ban and drain rules that keep VM v off host h
    private readonly Dictionary<(int Vm, int Host), List<Rule>> _forbidden = [];

    public static CompiledRules None { get; } = new([], [], []);

    public CompiledRules(ImmutableArray<Rule> rules, IReadOnlyList<Host> hosts, IReadOnlyList<Vm> vms)
    {
        Rules = rules;
        var hostIndex = hosts.Select((h, i) => (h.Id, i)).ToDictionary(t => t.Id, t => t.i, StringComparer.Ordinal);
        var vmIndex = vms.Select((v, i) => (v.Id, i)).ToDictionary(t => t.Id, t => t.i, StringComparer.Ordinal);
        int[] Vms(ImmutableArray<string> ids) => [.. ids.Select(id => vmIndex[id]).Distinct().Order()];
        int[] Hosts(ImmutableArray<string> ids) => ids.IsEmpty ? [.. Enumerable.Range(0, hosts.Count)] : [.. ids.Select(id => hostIndex[id]).Distinct().Order()];

        var spread = new List<Group>();
        var gather = new List<Group>();
        var caps = new List<(Rule Rule, int[] Hosts, int Limit)>();
        var clusters = new List<Group>();
        foreach (var rule in rules)
        {
            switch (rule)
            {
                case Spread s: spread.Add(new Group(s, Vms(s.Vms))); break;
                case Gather g: gather.Add(new Group(g, Vms(g.Vms))); break;
                case MaxVmsPerHost m: caps.Add((m, Hosts(m.Hosts), m.Limit)); break;
                case FailoverReserve f: clusters.Add(new Group(f, Hosts(f.Hosts))); break;
                case Pin p:
                    var allowed = Hosts(p.Hosts).ToHashSet();
                    foreach (var v in Vms(p.Vms))
                        for (var h = 0; h < hosts.Count; h++)
                            if (!allowed.Contains(h)) Forbid(v, h, p);
                    break;
                case Ban b:
                    foreach (var v in Vms(b.Vms)) foreach (var h in Hosts(b.Hosts)) Forbid(v, h, b);
                    break;
                case Drain d:
                    foreach (var h in Hosts(d.Hosts)) for (var v = 0; v < vms.Count; v++) Forbid(v, h, d);
                    break;
            }
        }
        SpreadGroups = [.. spread];
        GatherGroups = [.. gather];
        Caps = [.. caps];
        Clusters = [.. clusters];
    }

    public ImmutableArray<Rule> Rules { get; }
    public ImmutableArray<Group> SpreadGroups { get; }
    public ImmutableArray<Group> GatherGroups { get; }
    public ImmutableArray<(Rule Rule, int[] Hosts, int Limit)> Caps { get; }

    /// <summary>Failover clusters: Members are host indices.</summary>
    public ImmutableArray<Group> Clusters { get; }

    public bool IsEmpty => Rules.IsEmpty;

    /// <summary>True when rules that couple VMs or hosts exist (more than pin, ban and drain).</summary>
    public bool Couples => !SpreadGroups.IsEmpty || !GatherGroups.IsEmpty || !Caps.IsEmpty || !Clusters.IsEmpty;

    /// <summary>False when pin, ban or drain keep VM v off host h.</summary>
    public bool Allows(int v, int h) => _forbidden.Count == 0 || !_forbidden.ContainsKey((v, h));

    /// <summary>The pin, ban and drain rules that keep VM v off host h.</summary>
    public IReadOnlyList<Rule> Forbidding(int v, int h) => _forbidden.TryGetValue((v, h), out var rules) ? rules : [];

    private void Forbid(int v, int h, Rule rule)
    {
        if (!_forbidden.TryGetValue((v, h), out var list)) _forbidden[(v, h)] = list = [];
        if (!list.Contains(rule)) list.Add(rule);
    }

    /// <summary>A rule's members: VM indices for spread and gather, host indices for failover clusters.</summary>
    public sealed record Group(Rule Rule, int[] Members);
}

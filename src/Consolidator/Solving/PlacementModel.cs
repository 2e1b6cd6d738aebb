using Consolidator.Inventory;
using Consolidator.Packing;
using Google.OrTools.Sat;

namespace Consolidator.Solving;

/// <summary>The CP-SAT encoding of a <see cref="PlacementProblem"/> (research/consolidation.md section 2),
/// over all of it or over a neighbourhood: a subset of hosts and the VMs that must go on them. x[v,h]
/// Booleans exist only where VM v fits host h alone, y[h] marks a powered host, one capacity row per host,
/// resource and non-dominated window; energy plus migration cost is minimised in tenths of a Wh.</summary>
internal sealed class PlacementModel
{
    private readonly PlacementProblem _p;
    private readonly BoolVar?[,] _x; // [local vm, local host]

    public CpModel Model { get; } = new();
    public int[] Vms { get; }
    public int[] Hosts { get; }
    public BoolVar[] Y { get; }

    /// <summary>Multiplies the energy objective when a tie-break is added, so the tie-break never outweighs a
    /// tenth of a Wh.</summary>
    public long Scale { get; }

    /// <param name="tieBreakRank">Optional rank per local host: adds rank x CPU load (tenths of a core-window)
    /// as a secondary objective, so among equal-energy placements load gathers on low ranks and high-rank
    /// hosts drain, which a later neighbourhood can then switch off.</param>
    /// <param name="basis">Where the VMs outside <paramref name="vms"/> are: rules that reach beyond the
    /// neighbourhood (failover clusters, spread groups) count them as fixed. Null for the whole model.</param>
    /// <param name="ruleSwitches">When given, no objective is set and every rule is enforced only under its
    /// own literal, registered here: the feasibility model whose assumptions explain an infeasible instance.</param>
    public PlacementModel(PlacementProblem p, int[] vms, int[] hosts, IReadOnlySet<int> stayPut, int[]? tieBreakRank = null,
        Placement? basis = null, List<(BoolVar Literal, Rules.Rule Rule)>? ruleSwitches = null)
    {
        _p = p;
        Vms = vms;
        Hosts = hosts;
        _x = new BoolVar?[vms.Length, hosts.Length];
        Y = hosts.Select(h => Model.NewBoolVar($"y{h}")).ToArray();

        for (var i = 0; i < vms.Length; i++)
        {
            var v = vms[i];
            var choices = new List<ILiteral>();
            for (var j = 0; j < hosts.Length; j++)
            {
                var h = hosts[j];
                var possible = ruleSwitches is null ? p.CanHost(v, h) : p.FitsAlone(v, h);
                if (stayPut.Contains(v) ? h != p.CurrentHost(v) : !possible) continue;
                var x = Model.NewBoolVar($"x{v}_{h}");
                _x[i, j] = x;
                choices.Add(x);
                // Redundant with the capacity rows, but it tightens the LP relaxation a lot.
                Model.AddImplication(x, Y[j]);
            }
            Model.AddExactlyOne(choices);
        }

        AddCapacityRows();
        if (p.CountsImagesOnce) AddStoreRows();
        if (!p.Rules.IsEmpty) new RuleEncoding(this, p, basis, ruleSwitches).AddAll();
        if (ruleSwitches is not null) return;
        if (p.Rules.IsEmpty) BreakSymmetry();

        var tieLoad = tieBreakRank is null ? null : vms.Select(CpuLoadTenths).ToArray();
        Scale = tieBreakRank is null ? 1 : 1 + hosts.Length * Math.Max(1, tieLoad!.Sum());
        var vars = new List<BoolVar>();
        var coefs = new List<long>();
        long offset = 0; // every placed VM pays its move, refunded when it stays
        for (var j = 0; j < hosts.Length; j++) { vars.Add(Y[j]); coefs.Add(Scale * Objective.IdleUnits(p, hosts[j])); }
        for (var i = 0; i < vms.Length; i++)
        {
            var v = vms[i];
            var move = p.CurrentHost(v) >= 0 ? Objective.MigrationUnits(p, v) : 0;
            offset += move;
            for (var j = 0; j < hosts.Length; j++)
            {
                if (_x[i, j] is not { } x) continue;
                var c = Scale * (Objective.DynamicUnits(p, v, hosts[j]) - (hosts[j] == p.CurrentHost(v) ? move : 0) + Objective.DiskUnits(p, v, hosts[j]));
                if (tieBreakRank is not null) c += tieBreakRank[j] * tieLoad![i];
                if (c != 0) { vars.Add(x); coefs.Add(c); }
            }
        }
        Model.Minimize(LinearExpr.WeightedSum(vars, coefs) + Scale * offset);
    }

    /// <summary>The x[v,h] Boolean, or null when VM v cannot go to host h in this model.</summary>
    public BoolVar? X(int localVm, int localHost) => _x[localVm, localHost];

    /// <summary>Warm start: CP-SAT tries the hinted placement first and repairs it if it breaks a row.</summary>
    public void Hint(Placement placement)
    {
        for (var j = 0; j < Hosts.Length; j++)
            Model.AddHint(Y[j], Vms.Any(v => placement[v] == Hosts[j]));
        for (var i = 0; i < Vms.Length; i++)
            for (var j = 0; j < Hosts.Length; j++)
                if (_x[i, j] is { } x) Model.AddHint(x, placement[Vms[i]] == Hosts[j]);
        foreach (var ((j, image), z) in _present)
            Model.AddHint(z, Vms.Any(v => placement[v] == Hosts[j] && _p.Disks.ImageOf(v) >= 0 && _p.Disks.Chain(_p.Disks.ImageOf(v)).Contains(image)));
    }

    /// <summary>Writes the solver's choice for the model's VMs into a copy of <paramref name="basis"/>.</summary>
    public Placement Read(Placement basis, Func<BoolVar, bool> value)
    {
        var hostOf = basis.HostOf.ToArray();
        for (var i = 0; i < Vms.Length; i++)
            for (var j = 0; j < Hosts.Length; j++)
                if (_x[i, j] is { } x && value(x)) { hostOf[Vms[i]] = Hosts[j]; break; }
        return new Placement([.. hostOf]);
    }

    private long CpuLoadTenths(int v)
    {
        long sum = 0;
        for (var w = 0; w < _p.WindowCount; w++) sum += _p.Demand(v, Resource.Cpu, w);
        return (sum + 99) / 100;
    }

    private void AddCapacityRows()
    {
        var windows = NonDominatedWindows;
        for (var j = 0; j < Hosts.Length; j++)
        {
            var h = Hosts[j];
            foreach (var r in Resources.All.Where(_p.Additive))
                foreach (var w in windows[(int)r])
                {
                    var vars = new List<BoolVar>();
                    var coefs = new List<long>();
                    for (var i = 0; i < Vms.Length; i++)
                        if (_x[i, j] is { } x && _p.Demand(Vms[i], r, w) > 0) { vars.Add(x); coefs.Add(_p.Demand(Vms[i], r, w)); }
                    if (vars.Count == 0 || coefs.Sum() <= _p.Usable(h, r)) continue;
                    Model.Add(LinearExpr.WeightedSum(vars, coefs) <= LinearExpr.Term(Y[j], _p.Usable(h, r)));
                }
        }
    }

    /// <summary>The presence Boolean of image i on local host j (created on first use), or null when none exists.</summary>
    private readonly Dictionary<(int Host, int Image), BoolVar> _present = [];

    private BoolVar Present(int j, int image)
    {
        if (_present.TryGetValue((j, image), out var z)) return z;
        _present[(j, image)] = z = Model.NewBoolVar($"z{Hosts[j]}_{image}");
        // A layered image is stored over its parent: holding it means holding the parent.
        var chain = _p.Disks.Chain(image);
        if (chain.Count > 1) Model.AddImplication(z, Present(j, chain[1]));
        return z;
    }

    /// <summary>One row per local host for its content-addressed store (Parallax-style CAS): z[h,i] marks image i held
    /// on h, implied by every x[v,h] of a VM of i (and by a layer over i); the store's private blocks plus each held
    /// image's own blocks fit the disk. It replaces the disk row's sum of whole disks, which it never exceeds.</summary>
    private void AddStoreRows()
    {
        var d = _p.Disks;
        for (var j = 0; j < Hosts.Length; j++)
        {
            if (!d.IsLocal(Hosts[j])) continue;
            long whole = 0;
            for (var i = 0; i < Vms.Length; i++)
                if (_x[i, j] is not null) whole += d.AloneMib(Vms[i]);
            // Every disk whole fits: the row could bind nothing.
            if (whole <= d.CapacityMib(Hosts[j])) continue;
            var vars = new List<BoolVar>();
            var coefs = new List<long>();
            for (var i = 0; i < Vms.Length; i++)
            {
                if (_x[i, j] is not { } x) continue;
                var v = Vms[i];
                if (d.PrivateMib(v) > 0) { vars.Add(x); coefs.Add(d.PrivateMib(v)); }
                if (d.ImageOf(v) >= 0) Model.AddImplication(x, Present(j, d.ImageOf(v)));
            }
            foreach (var ((host, image), z) in _present.Where(e => e.Key.Host == j))
                if (d.ImageMib(image) > 0) { vars.Add(z); coefs.Add(d.ImageMib(image)); }
            Model.Add(LinearExpr.WeightedSum(vars, coefs) <= LinearExpr.Term(Y[j], d.CapacityMib(Hosts[j])));
        }
    }

    /// <summary>A window whose every demand is at most another window's gives a row that the other implies;
    /// drop it. Memory floored at the allocation is usually the same in every window, so one row remains.</summary>
    public List<int>[] NonDominatedWindows => _nonDominated ??= FindNonDominatedWindows(_p, Vms);
    private List<int>[]? _nonDominated;

    /// <summary>Per resource, the windows whose row over <paramref name="vms"/> no other kept window implies.</summary>
    internal static List<int>[] FindNonDominatedWindows(PlacementProblem p, IReadOnlyList<int> vms)
    {
        var result = new List<int>[Resources.Count];
        foreach (var r in Resources.All)
        {
            var kept = new List<int>();
            for (var w = 0; w < p.WindowCount; w++)
            {
                var dominated = kept.Any(k => vms.All(v => p.Demand(v, r, w) <= p.Demand(v, r, k)));
                if (!dominated) kept.Add(w);
            }
            result[(int)r] = kept;
        }
        return result;
    }

    /// <summary>Hosts of one model that carry no VM today are interchangeable: power them on in index order.
    /// Hosts with current VMs differ through migration costs, so they are left alone.</summary>
    private void BreakSymmetry()
    {
        var hasVms = new HashSet<int>();
        for (var v = 0; v < _p.VmCount; v++) if (_p.CurrentHost(v) >= 0) hasVms.Add(_p.CurrentHost(v));
        var groups = Enumerable.Range(0, Hosts.Length)
            .Where(j => !hasVms.Contains(Hosts[j]))
            .GroupBy(j => (_p.Hosts[Hosts[j]].CpuCores, _p.Hosts[Hosts[j]].MemoryMib, _p.Hosts[Hosts[j]].IdleWatts, _p.Hosts[Hosts[j]].MaxWatts, _p.Hosts[Hosts[j]].PowerTable,
                _p.Hosts[Hosts[j]].Storage, _p.Hosts[Hosts[j]].DiskGib));
        foreach (var g in groups)
        {
            var js = g.ToArray();
            for (var k = 0; k + 1 < js.Length; k++)
                Model.AddImplication(Y[js[k + 1]], Y[js[k]]);
        }
    }
}

using Consolidator.Packing;

namespace Consolidator.Solving;

/// <summary>Moves whole host loads between identical hosts so that more VMs stay where they run: a placement's
/// energy depends on which host model carries each load, not on which of several identical hosts does, so each
/// load goes to the identical host that already runs most of its VMs (greedy maximum-overlap assignment). Energy is
/// unchanged; only moves are saved. Loads that hold a VM that must stay put keep their host.</summary>
internal static class HostRelabel
{
    public static Placement Apply(PlacementProblem p, Placement placement, IReadOnlySet<int> stayPut)
    {
        // Rules name hosts: a load moved to another host could break a pin, ban or spread rule.
        if (!p.Rules.IsEmpty) return placement;
        var model = new int[p.HostCount];
        var models = new Dictionary<(double, double, double, double, object?, int, int), int>();
        for (var h = 0; h < p.HostCount; h++)
        {
            var host = p.Hosts[h];
            var key = (host.CpuCores, host.MemoryMib, host.IdleWatts, host.MaxWatts, (object?)host.PowerTable, p.Usable(h, Inventory.Resource.Cpu), p.Usable(h, Inventory.Resource.Memory));
            if (!models.TryGetValue(key, out var m)) models[key] = m = models.Count;
            model[h] = m;
        }
        var loads = new Dictionary<int, List<int>>();
        for (var v = 0; v < p.VmCount; v++)
        {
            var h = placement[v];
            if (h < 0) continue;
            if (!loads.TryGetValue(h, out var list)) loads[h] = list = [];
            list.Add(v);
        }
        var target = new Dictionary<int, int>(); // load (its host in the placement) -> host it goes to
        var taken = new bool[p.HostCount];
        foreach (var (h, vms) in loads)
            if (vms.Any(stayPut.Contains)) { target[h] = h; taken[h] = true; }

        var pairs = new List<(int Count, bool Same, int Load, int Host)>();
        foreach (var (h, vms) in loads)
        {
            if (target.ContainsKey(h)) continue;
            foreach (var g in vms.Where(v => p.CurrentHost(v) >= 0 && model[p.CurrentHost(v)] == model[h]).GroupBy(v => p.CurrentHost(v)))
                pairs.Add((g.Count(), g.Key == h, h, g.Key));
        }
        foreach (var (_, _, load, host) in pairs.OrderByDescending(x => x.Count).ThenByDescending(x => x.Same).ThenBy(x => x.Load).ThenBy(x => x.Host))
        {
            if (target.ContainsKey(load) || taken[host]) continue;
            target[load] = host;
            taken[host] = true;
        }
        // The rest keep their host when it is free, or take any free identical host.
        var free = Enumerable.Range(0, p.HostCount).Where(h => !taken[h]).GroupBy(h => model[h]).ToDictionary(g => g.Key, g => new Queue<int>(g));
        foreach (var h in loads.Keys.Order().Where(h => !target.ContainsKey(h) && !taken[h])) { target[h] = h; taken[h] = true; }
        foreach (var h in loads.Keys.Order().Where(h => !target.ContainsKey(h)))
        {
            var queue = free[model[h]];
            while (taken[queue.Peek()]) queue.Dequeue();
            target[h] = queue.Dequeue();
            taken[target[h]] = true;
        }
        var relabelled = new Placement([.. placement.HostOf.Select(h => h < 0 ? h : target[h])]);
        return Objective.Units(p, relabelled) <= Objective.Units(p, placement) ? relabelled : placement;
    }
}

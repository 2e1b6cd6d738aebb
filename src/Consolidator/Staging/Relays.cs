namespace Consolidator.Staging;

/// <summary>Breaks the waits that stop a stage: when no pending move fits, its destination is held by VMs
/// that are themselves waiting (a cycle of full hosts, or a chain ending in one) or that stay there.
/// Parking one of them on a host with room frees its place at the end of the stage.</summary>
internal static class Relays
{
    /// <summary>Parks at most one VM per congested destination, because every park is an extra migration and
    /// one departure is often enough; the next stages park more if it was not. In order of preference:
    /// <list type="number">
    /// <item>a VM of a wait cycle, for a destination on that cycle. Parking a VM of a chain that hangs off
    /// a cycle would take a relay host the cycle may need and gain nothing the cycle's break would not;</item>
    /// <item>any VM that is due to leave a congested destination;</item>
    /// <item>a VM that stays on a congested destination, if its departure alone lets a blocked VM in: it
    /// costs two extra migrations (out and back) but is the only way out when the room is held by VMs that
    /// are already where they belong.</item>
    /// <item>failing all of these, a VM that makes room on a host where one of the above could then park
    /// (see <see cref="RelayRoom"/>).</item>
    /// </list>
    /// Returns false when nothing could be parked, i.e. the plan is stuck.</summary>
    /// <param name="next">A park the next stage must start with, when this one only clears room for it.</param>
    /// <param name="pending">The blocked moves, in the planner's priority order.</param>
    /// <param name="parks">How often each VM has been parked; one parked <paramref name="maxParks"/> times is
    /// not parked again, which bounds the plan.</param>
    public static bool Park(StagingState state, StageDraft draft, List<int> pending, int[] parks, int maxParks, out ParkNext? next)
    {
        var leavers = LeaversByHost(state, pending);
        var cycleOf = WaitCycles.CycleOf(state, leavers);
        next = null;
        var mostRoom = state.MostRoom();
        var stayers = new Lazy<List<int>[]>(() => StayersByHost(state));
        bool Parkable(int c) => parks[c] < maxParks;
        return ParkInTheWay(state, draft, pending, parks, mostRoom, d => cycleOf[d] >= 0,
                   d => leavers[d].Where(c => Parkable(c) && cycleOf[state.Target[c]] == cycleOf[d]))
               || ParkInTheWay(state, draft, pending, parks, mostRoom, _ => true, d => leavers[d].Where(Parkable))
               || ParkInTheWay(state, draft, pending, parks, mostRoom, _ => true, d => stayers.Value[d].Where(Parkable), mustSuffice: true)
               || RelayRoom.Clear(state, draft, pending, parks, maxParks, leavers, mostRoom, out next);
    }

    private static bool ParkInTheWay(StagingState state, StageDraft draft, List<int> pending, int[] parks, long[] mostRoom,
        Func<int, bool> relieves, Func<int, IEnumerable<int>> inTheWay, bool mustSuffice = false)
    {
        var tried = new bool[state.Problem.HostCount];
        var any = false;
        foreach (var u in pending)
        {
            var destination = state.Target[u];
            if (tried[destination] || !relieves(destination)) continue;
            tried[destination] = true;
            // A VM whose departure alone lets the blocked VM in is the better one to park; otherwise any, as
            // freeing part of the room may be enough after later stages (but not a VM that stays: it would
            // just come back). OrderBy is stable, so VM index order holds among equals.
            var candidates = inTheWay(destination).Select(c => (Vm: c, Suffices: state.FitsAfterLeaving(u, destination, c)))
                .Where(c => c.Suffices || !mustSuffice).OrderBy(c => c.Suffices ? 0 : 1).Select(c => c.Vm);
            foreach (var c in candidates)
            {
                var relay = RelayHost(state, draft, c, mostRoom);
                if (relay < 0) continue;
                draft.Admit(c, relay, MigrationKind.Relay);
                parks[c]++;
                any = true;
                break;
            }
        }
        return any;
    }

    /// <summary>Pending VMs on each host, by VM index.</summary>
    public static List<int>[] LeaversByHost(StagingState state, IEnumerable<int> pending)
    {
        var byHost = NewLists(state.Problem.HostCount);
        foreach (var v in pending)
            if (state.Position[v] >= 0) byHost[state.Position[v]].Add(v);
        foreach (var list in byHost) list.Sort();
        return byHost;
    }

    /// <summary>VMs already on their target host, by host and VM index.</summary>
    public static List<int>[] StayersByHost(StagingState state)
    {
        var byHost = NewLists(state.Problem.HostCount);
        for (var v = 0; v < state.Problem.VmCount; v++)
            if (state.Position[v] >= 0 && !state.IsPending(v)) byHost[state.Position[v]].Add(v);
        return byHost;
    }

    private static List<int>[] NewLists(int count) => [.. Enumerable.Range(0, count).Select(_ => new List<int>())];

    /// <summary>Where to park VM v: a host that is empty now and receives nothing in the target is best (it
    /// delays nobody); then a host no VM is waiting to enter; then any host with room. Never the VM's own
    /// target (the park would be the final move) or where it is. Lowest index among equals.</summary>
    public static int RelayHost(StagingState state, StageDraft draft, int v, long[]? mostRoom = null)
    {
        if (mostRoom is not null && !state.FitsWithin(v, mostRoom)) return -1;
        int best = -1, bestRank = int.MaxValue;
        var from = state.Position[v];
        for (var h = 0; h < state.Problem.HostCount && bestRank > 0; h++)
        {
            if (h == from || h == state.Target[v] || !state.Problem.Rules.Allows(v, h) || !draft.WithinHostLimit(from, h) || !state.Fits(v, h)) continue;
            var rank = state.IsEmpty(h) && state.TargetResidents[h] == 0 ? 0 : state.AwaitedBy[h] == 0 ? 1 : 2;
            if (rank < bestRank) (best, bestRank) = (h, rank);
        }
        return best;
    }
}

namespace Consolidator.Staging;

/// <summary>The last resort of a stuck stage: no VM in the way fits on any other host, but one would once
/// some other VM left that host. Parking that other VM now (it may be one already where it belongs, or one
/// that just arrived) lets the next stuck stage park the VM in the way. Two stages and up to two extra
/// migrations, which is why it comes last. The pass parks the VM in the way at the start of the next stage,
/// before anything else can take the room back.</summary>
internal static class RelayRoom
{
    /// <summary>Fit checks allowed per stuck stage. The search is hosts x residents x hosts in the worst case;
    /// on 20,000 VMs that could take minutes, so it stops early and the plan reports the moves as blocked.</summary>
    private const int Budget = 200_000;

    public static bool Clear(StagingState state, StageDraft draft, List<int> pending, int[] parks, int maxParks,
        List<int>[] leavers, long[] mostRoom, out ParkNext? next)
    {
        var p = state.Problem;
        var residents = new List<int>[p.HostCount];
        for (var h = 0; h < p.HostCount; h++) residents[h] = [];
        for (var v = 0; v < p.VmCount; v++)
            if (state.Position[v] >= 0) residents[state.Position[v]].Add(v);
        next = null;
        var work = 0;
        var tried = new bool[p.HostCount];
        foreach (var u in pending)
        {
            var destination = state.Target[u];
            if (tried[destination]) continue;
            tried[destination] = true;
            foreach (var c in leavers[destination].Where(c => parks[c] < maxParks))
                for (var h = 0; h < p.HostCount; h++)
                {
                    if (h == state.Position[c] || h == state.Target[c]) continue;
                    foreach (var e in residents[h])
                    {
                        if (++work > Budget) return false;
                        if (e == c || parks[e] >= maxParks || !state.FitsAfterLeaving(c, h, e)) continue;
                        var relay = Relays.RelayHost(state, draft, e, mostRoom);
                        work += p.HostCount;
                        if (relay < 0) continue;
                        draft.Admit(e, relay, MigrationKind.Relay);
                        parks[e]++;
                        next = new ParkNext(c, h);
                        return true;
                    }
                }
        }
        return false;
    }
}

/// <summary>A park promised for the next stage: VM <paramref name="Vm"/> to host <paramref name="Host"/>,
/// where room is being cleared for it now.</summary>
internal sealed record ParkNext(int Vm, int Host);

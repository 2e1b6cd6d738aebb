using System.Collections.Immutable;
using Consolidator.Packing;

namespace Consolidator.Staging;

/// <summary>One greedy pass: each stage admits, in a fixed priority order, every pending move whose
/// destination has room in every window given what is there plus what this stage already sends there.
/// A stage that can admit nothing means the remaining moves wait on each other (two full hosts swapping
/// VMs, or a chain ending in such a swap); then <see cref="Relays"/> parks VMs that are in the way on a
/// host with room. Every stage completes a VM's last move or parks one, and parks per VM are bounded, so
/// the pass ends; if nothing can be parked it stops and reports every remaining move as blocked.</summary>
internal static class StagingPass
{
    public const int MaxVms = 1 << 25;

    /// <summary>The stages, and when the pass got stuck, how many moves were left and a way to explain them
    /// (deferred: explaining costs more than planning, and only the plan the planner keeps needs it).</summary>
    public sealed record Outcome(ImmutableArray<Stage> Stages, int BlockedCount, Func<ImmutableArray<BlockedMove>> Explain);

    public static Outcome Run(PlacementProblem problem, Placement target, int maxPerHost, StagingStrategy strategy)
    {
        var state = new StagingState(problem, target);
        var pending = Enumerable.Range(0, problem.VmCount).Where(state.IsPending).ToList();
        var parks = new int[problem.VmCount];
        var comesBack = new bool[problem.VmCount];
        var checkedAt = new int[problem.VmCount];
        Array.Fill(checkedAt, -1);
        ParkNext? promised = null;
        var stages = ImmutableArray.CreateBuilder<Stage>();
        while (pending.Count > 0)
        {
            SortByPriority(pending, state, strategy.CyclesFirst, comesBack);
            var draft = new StageDraft(state, maxPerHost);
            if (promised is { } park && parks[park.Vm] < strategy.MaxParksPerVm && state.IsPending(park.Vm)
                && state.Position[park.Vm] != park.Host && draft.WithinHostLimit(state.Position[park.Vm], park.Host)
                && state.Fits(park.Vm, park.Host))
            {
                draft.Admit(park.Vm, park.Host, MigrationKind.Relay);
                parks[park.Vm]++;
            }
            AdmitWhatFits(state, draft, pending, checkedAt, startNewVms: !strategy.PlacesLast);
            if (draft.IsEmpty && strategy.PlacesLast) AdmitWhatFits(state, draft, pending, checkedAt, startNewVms: true);
            promised = null;
            if (draft.IsEmpty && !Relays.Park(state, draft, pending, parks, strategy.MaxParksPerVm, out promised))
                return new Outcome(stages.ToImmutable(), pending.Count,
                    () => BlockedReasons.Explain(state, pending, parks, strategy.MaxParksPerVm));
            var stage = draft.Close(stages.Count + 1);
            stages.Add(stage);
            pending.RemoveAll(v => !state.IsPending(v));
            // A VM parked away from its own target host has to come back.
            foreach (var m in stage.Migrations.Where(m => m.Kind == MigrationKind.Relay && m.From == target[m.Vm]))
            {
                pending.Add(m.Vm);
                comesBack[m.Vm] = true;
            }
        }
        return new Outcome(stages.ToImmutable(), 0, () => []);
    }

    /// <param name="checkedAt">The destination's room version when the VM last did not fit there: until a
    /// VM leaves that host, it cannot fit now either, and skipping it keeps long plans fast.</param>
    private static void AdmitWhatFits(StagingState state, StageDraft draft, List<int> pending, int[] checkedAt, bool startNewVms)
    {
        foreach (var v in pending)
        {
            var from = state.Position[v];
            var to = state.Target[v];
            if ((from < 0 && !startNewVms) || draft.Contains(v) || checkedAt[v] == state.RoomVersion[to]
                || !draft.WithinHostLimit(from, to))
                continue;
            if (state.Fits(v, to))
                draft.Admit(v, to, from < 0 ? MigrationKind.Place : MigrationKind.Move);
            else
                checkedAt[v] = state.RoomVersion[to];
        }
    }

    /// <summary>Moves out of hosts that other VMs wait to enter go first: when several moves compete for
    /// the room on one destination, the one whose departure frees room for the most waiting VMs at the end
    /// of this stage should get it. First placements free nothing and come after them, but still in the
    /// first stage with room. A VM parked away from its own host returns last, or it would take back the
    /// room it was parked to free. Ties go by VM index so that the plan is reproducible.</summary>
    private static void SortByPriority(List<int> pending, StagingState state, bool cyclesFirst, bool[] comesBack)
    {
        int Waiting(int v) => state.Position[v] >= 0 ? state.AwaitedBy[state.Position[v]] : 0;
        var cycleOf = cyclesFirst ? WaitCycles.CycleOf(state, Relays.LeaversByHost(state, pending)) : null;
        int OnCycle(int v) => cycleOf is not null && state.Position[v] >= 0 && cycleOf[state.Position[v]] >= 0
                                                  && cycleOf[state.Position[v]] == cycleOf[state.Target[v]] ? 1 : 0;
        // One packed key per move and a primitive sort: this runs once per stage over every pending move.
        // VM index and waiting count are below 2^25 (MigrationPlanner refuses larger problems).
        var keys = new long[pending.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var v = pending[i];
            keys[i] = ((comesBack[v] ? 1L : 0L) << 51) | ((1L - OnCycle(v)) << 50)
                      | ((long)(MaxVms - 1 - Waiting(v)) << 25) | (long)v;
        }
        var order = pending.ToArray();
        Array.Sort(keys, order);
        pending.Clear();
        pending.AddRange(order);
    }
}

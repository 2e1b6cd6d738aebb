using Consolidator.Packing;

namespace Consolidator.Staging;

/// <summary>Turns the current placement into the target one through stages that never cross a host's
/// physical capacity, under BtrPlace's continuous-capacity rule: a migrating VM holds its demand on both
/// source and destination for its whole stage and leaves the source only when the stage ends.</summary>
/// <remarks>
/// Greedy staging (<see cref="StagingPass"/>) rather than an exact search: finding the fewest stages is
/// NP-hard and would not scale to 20,000 VMs, while a greedy pass is deterministic and costs about
/// moves x windows per stage. A greedy order can paint itself into a corner, though: a first placement
/// or an early move may take the room a later relay needs. So when the first pass leaves moves blocked,
/// the planner runs passes that may park a VM more than once, start new VMs last or give wait cycles the
/// room first, and keeps the first plan that reaches the target (else the one with the fewest blocked
/// moves, the first among equals). The first pass is the thriftiest in relays, so a plan that needs no
/// fallback is not charged for one. All passes are deterministic, so the plan is too.
///
/// Only hosts that receive a VM are checked. A host that only loses VMs cannot get worse than it is, so a
/// host overloaded before the plan starts may still be emptied; nothing may arrive on it until it fits.
/// </remarks>
public static class MigrationPlanner
{
    private static readonly StagingStrategy[] Strategies =
    [
        new(MaxParksPerVm: 1, PlacesLast: false),
        new(MaxParksPerVm: 3, PlacesLast: false),
        new(MaxParksPerVm: 3, PlacesLast: true),
        new(MaxParksPerVm: 3, PlacesLast: false, CyclesFirst: true),
    ];

    /// <param name="maxMigrationsPerHostPerStage">How many migrations may start or end on one host in one
    /// stage (in and out together, as hypervisors limit concurrent live migrations); 0 means no limit.</param>
    public static MigrationPlan Plan(PlacementProblem problem, Placement target, int maxMigrationsPerHostPerStage = 0)
    {
        CheckArguments(problem, target, maxMigrationsPerHostPerStage);
        StagingPass.Outcome? best = null;
        foreach (var strategy in Strategies)
        {
            var outcome = StagingPass.Run(problem, target, maxMigrationsPerHostPerStage, strategy);
            if (best is null || outcome.BlockedCount < best.BlockedCount) best = outcome;
            if (outcome.BlockedCount == 0) break;
        }
        return new MigrationPlan(best!.Stages, best.Explain());
    }

    private static void CheckArguments(PlacementProblem problem, Placement target, int maxMigrationsPerHostPerStage)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxMigrationsPerHostPerStage);
        if (problem.VmCount >= StagingPass.MaxVms)
            throw new ArgumentException($"the planner handles fewer than {StagingPass.MaxVms} VMs, not {problem.VmCount}", nameof(problem));
        if (target.HostOf.IsDefault || target.HostOf.Length != problem.VmCount)
            throw new ArgumentException($"the target places {(target.HostOf.IsDefault ? 0 : target.HostOf.Length)} VMs but the problem has {problem.VmCount}", nameof(target));
        for (var v = 0; v < problem.VmCount; v++)
        {
            var h = target[v];
            if (h >= problem.HostCount || h < -1)
                throw new ArgumentException($"the target puts {problem.Vms[v].Id} on host index {h}, which does not exist", nameof(target));
            // Staging moves VMs; stopping one that runs is not a migration and has no capacity rule here.
            if (h == -1 && problem.CurrentHost(v) >= 0)
                throw new ArgumentException($"the target leaves {problem.Vms[v].Id} unplaced although it runs on {problem.Hosts[problem.CurrentHost(v)].Id}", nameof(target));
        }
    }
}

using System.Collections.Immutable;

namespace Consolidator.Staging;

/// <summary>A move the stager could not make without crossing some host's physical capacity.</summary>
public sealed record BlockedMove(int Vm, int From, int To, string Reason);

/// <summary>The ordered stages that take the current placement to the planned one. When
/// <see cref="Blocked"/> is not empty the plan does not reach the target and says why.</summary>
public sealed record MigrationPlan(ImmutableArray<Stage> Stages, ImmutableArray<BlockedMove> Blocked)
{
    public int MigrationCount => Stages.Sum(s => s.Migrations.Count(m => m.Kind != MigrationKind.Place));
    public bool ReachesTarget => Blocked.IsEmpty;
}

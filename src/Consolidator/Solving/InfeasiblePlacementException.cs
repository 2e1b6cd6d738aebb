using System.Collections.Immutable;

namespace Consolidator.Solving;

/// <summary>No placement can satisfy the instance; <see cref="Reasons"/> says why, in operator terms.</summary>
public sealed class InfeasiblePlacementException(ImmutableArray<string> reasons)
    : Exception("no feasible placement: " + string.Join("; ", reasons))
{
    public ImmutableArray<string> Reasons { get; } = reasons;
}

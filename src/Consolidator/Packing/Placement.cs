using System.Collections.Immutable;

namespace Consolidator.Packing;

/// <summary>Which host each VM runs on, by index into the problem's hosts (-1: not placed).</summary>
public sealed record Placement(ImmutableArray<int> HostOf)
{
    public int this[int v] => HostOf[v];

    public int ActiveHostCount => HostOf.Where(h => h >= 0).Distinct().Count();

    public bool Equals(Placement? other) => other is not null && HostOf.SequenceEqual(other.HostOf);

    public override int GetHashCode() => HostOf.Aggregate(17, (acc, h) => acc * 31 + h);
}

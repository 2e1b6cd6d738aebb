using System.Collections.Immutable;
using Consolidator.Datasets;
using Consolidator.Packing;
using Consolidator.Profiles;

namespace Consolidator.Tests.Support;

/// <summary>Small vector bin packing instances read as placement problems (each dimension a window).</summary>
internal static class VectorPackingProblems
{
    public static PlacementProblem Vbp(int[][] items, int capacity = 100)
    {
        var instance = new VectorPackingInstance("t", [.. Enumerable.Repeat(capacity, items[0].Length)],
            [.. items.Select(i => i.ToImmutableArray())]);
        var d = instance.ToDataset();
        return PlacementProblem.From(d, ProfileBuilder.Build(d, instance.Windows(), 100), new PlacementOptions(0, 0));
    }

    /// <summary>k hosts each filled to exactly 100 in all three dimensions by three items, then shuffled.</summary>
    public static int[][] Triplets(int k, int seed)
    {
        var rng = new Random(seed);
        var items = new List<int[]>();
        for (var b = 0; b < k; b++)
        {
            var (x, y, z) = (new int[3], new int[3], new int[3]);
            for (var dim = 0; dim < 3; dim++)
            {
                x[dim] = rng.Next(22, 46);
                y[dim] = rng.Next(22, 46);
                z[dim] = 100 - x[dim] - y[dim];
            }
            items.AddRange([x, y, z]);
        }
        return [.. items.OrderBy(_ => rng.Next())];
    }
}

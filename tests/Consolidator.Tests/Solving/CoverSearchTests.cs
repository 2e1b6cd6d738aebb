using Consolidator.Randomness;
using Consolidator.Solving.FullHosts;

namespace Consolidator.Tests.Solving;

public class CoverSearchTests
{
    /// <summary>An exact cover planted among decoys: <paramref name="vms"/> VMs split into sets of 5-7 (the cover),
    /// then <paramref name="decoys"/> random sets of 5-7, all shuffled. Hard enough to take restarts.</summary>
    internal static (FullHostSets Sets, SizePrior Prior, int Hosts) Planted(int vms, int decoys, int seed)
    {
        var rng = new SplitMix64((ulong)seed);
        var order = Enumerable.Range(0, vms).ToArray();
        rng.Shuffle(order);
        var sets = new List<int[]>();
        var hosts = 0;
        for (var i = 0; i < vms; hosts++)
        {
            var n = Math.Min(rng.Next(5, 8), vms - i);
            sets.Add(order[i..(i + n)]);
            i += n;
        }
        for (var d = 0; d < decoys; d++)
        {
            rng.Shuffle(order);
            sets.Add(order[..rng.Next(5, 8)]);
        }
        rng.Shuffle(sets);
        return (FullHostSets.Of(sets), new SizePrior(sets.Select(s => s.Length), hosts, vms), hosts);
    }

    /// <summary>The nodes and restarts to the first cover, pinned: recorded from the search that recounted every live
    /// set at every node (its order with SplitMix64 draws and exactly computed keys), so a faster search must visit the
    /// same nodes in the same order, random draws included.</summary>
    [Theory]
    [InlineData(1, 12854, 8)]
    [InlineData(3, 1795, 2)]
    [InlineData(6, 25974, 15)]
    public void Visits_the_recorded_nodes_to_a_cover(int seed, long nodes, int runs)
    {
        var (sets, prior, hosts) = Planted(60, 500, seed);

        var (cover, search) = CoverSearch.Find(sets, prior, 60, hosts, (ulong)seed, long.MaxValue, () => false);

        Assert.NotNull(cover);
        Assert.Equal(hosts, cover.Length);
        var vms = cover.SelectMany(s => sets.Set(s).ToArray()).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 60), vms);
        Assert.Equal((nodes, runs), (search.Nodes, search.Runs));
    }

    [Fact]
    public void Luby_s_sequence_begins_as_published()
    {
        Assert.Equal([1L, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8], Enumerable.Range(1, 15).Select(i => CoverSearch.Luby(i)));
    }
}

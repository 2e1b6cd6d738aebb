using Consolidator.Solving;

namespace Consolidator.Tests.Solving;

public class SubsetJoinTests
{
    /// <summary>Stored and probing subsets of a trial, in chunks: random keys with the same low bits (a residue, as
    /// in a trial), some probing keys equal to stored ones, and some stored keys repeated in later chunks.</summary>
    private static (ulong Key, ulong Members)[][] Side(Random rng, int chunks, int perChunk, IReadOnlyList<ulong> reuse, double share)
    {
        var side = new (ulong, ulong)[chunks][];
        var member = 1UL;
        for (var c = 0; c < chunks; c++)
            side[c] = [.. Enumerable.Range(0, perChunk).Select(_ =>
                (reuse.Count > 0 && rng.NextDouble() < share ? reuse[rng.Next(reuse.Count)] : ((ulong)rng.NextInt64() << 8) | 0x5A, member++))];
        return side;
    }

    private static List<(ulong, ulong)> Join((ulong Key, ulong Members)[][] stored, (ulong Key, ulong Members)[][] probing, int threads)
    {
        var join = new SubsetJoin(stored.Length, threads);
        join.Begin();
        for (var c = 0; c < stored.Length; c++)
            foreach (var (key, members) in stored[c]) join.Stored(c).Add(key, members);
        join.Store(stored.Length);
        for (var c = 0; c < probing.Length; c++)
        {
            var probe = join.Probe(c);
            foreach (var (key, members) in probing[c]) probe.Add(key, members);
            probe.Flush();
        }
        return join.Join(stored.Length);
    }

    [Fact]
    public void Finds_every_equal_key_in_probing_order_with_the_first_stored_subset_of_a_key_whatever_the_threads()
    {
        var rng = new Random(11);
        var stored = Side(rng, chunks: 5, perChunk: 3000, reuse: [], share: 0);
        var keys = stored.SelectMany(c => c).Select(s => s.Key).ToList();
        // Later chunks repeat some stored keys: the join keeps the first (in chunk order) of each.
        foreach (var chunk in stored.Skip(2))
            for (var e = 0; e < chunk.Length; e += 7) chunk[e] = (keys[rng.Next(keys.Count / 3)], chunk[e].Members);
        var probing = Side(rng, chunks: 5, perChunk: 3000, reuse: keys, share: 0.01);
        var first = new Dictionary<ulong, ulong>();
        foreach (var (key, members) in stored.SelectMany(c => c)) first.TryAdd(key, members);
        var expected = probing.SelectMany(c => c).Where(p => first.ContainsKey(p.Key)).Select(p => (first[p.Key], p.Members)).ToList();

        Assert.InRange(expected.Count, 100, 300);
        Assert.Equal(expected, Join(stored, probing, threads: 1));
        Assert.Equal(expected, Join(stored, probing, threads: 3));
    }

    [Fact]
    public void A_new_trial_forgets_the_last_one()
    {
        var join = new SubsetJoin(chunks: 1, threads: 1);
        join.Begin();
        join.Stored(0).Add(0x1234_5678_9ABC_DEF0, 7);
        join.Store(1);
        var probe = join.Probe(0);
        probe.Add(0x1234_5678_9ABC_DEF0, 9);
        probe.Flush();
        Assert.Equal([(7UL, 9UL)], join.Join(1));

        join.Begin();
        join.Store(1);
        probe = join.Probe(0);
        probe.Add(0x1234_5678_9ABC_DEF0, 9);
        probe.Flush();
        Assert.Empty(join.Join(1));
    }
}

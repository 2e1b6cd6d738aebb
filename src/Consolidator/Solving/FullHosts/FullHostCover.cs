using System.Globalization;
using Consolidator.Packing;
using Consolidator.Randomness;

namespace Consolidator.Solving.FullHosts;

/// <summary>The full-host cover phase: where <see cref="ZeroSlack"/> holds, every set of VMs that fills a host exactly
/// is enumerated (<see cref="HalfTable"/>, <see cref="FullHostSets"/>) and a cover of every VM by host-bound many of
/// them is searched for (<see cref="CoverSearch"/>). A cover is a placement on the bound's hosts, optimal because the
/// bound proves it; it is checked by the validator like every plan. Nothing here is built for an instance with slack.</summary>
internal static class FullHostCover
{
    /// <summary>The most memory the half table may take: about the plan's whole peak on the planted K = 20 instances
    /// (200 MiB, docs/solver.md); 146 VMs' subsets of at most 4 take 150 MiB.</summary>
    public const long TableCeilingBytes = 256L << 20;

    /// <summary>Counted seconds per half-table subset visited, per candidate pair checked, and per operation of the
    /// cover search (<see cref="CoverSearch.Operations"/>): rough idle-machine figures, not measurements to rely on; they
    /// keep counted seconds near real ones. The table's and the join's from one run (flat-mem K = 20, 64 x 512 seed 1:
    /// the table's two walks over 14.9 million entries in 2.9 s). The search's from a harness timing one search thread's
    /// CPU seconds on flat-mem K = 20 40 x 384 seed 2 and 64 x 512 seed 1 (8 s each, load 18-21, 2026-12-07): 112-117
    /// million operations a CPU second, 8.5-8.9 ns each, so a counted second is about 0.9 s of one core's work.</summary>
    public const double SecondsPerSubset = 3e-8, SecondsPerPair = 5e-8, SecondsPerOperation = 1e-8;

    public sealed record Outcome(Placement? Cover, string Note, double Charged);

    /// <param name="hostIds">At least <see cref="ZeroSlack.Hosts"/> identical hosts, the cover's sets go to the first.</param>
    public static Outcome Run(PlacementProblem p, ZeroSlack z, IReadOnlyList<int> hostIds, double budget, Func<bool> stop, ulong seed, int workers, long ceilingBytes = TableCeilingBytes)
    {
        var note = $"full-host cover (zero slack: every used resource's demand is exactly {z.Hosts} hosts' capacity in every window): ";
        // Sets of up to twice the half; the half is the largest (at most 4) whose table of every subset fits the
        // ceiling, and the cover's average set (VMs over hosts) must lie within twice it.
        var half = HalfTable.MaxHalf;
        while (half > 0 && HalfTable.MostEntries(z.VmCount, half) * HalfTable.EntryBytes > ceilingBytes) half--;
        var average = (double)z.VmCount / z.Hosts;
        if (z.VmCount > HalfTable.MaxVms || average > 2 * half)
            return new Outcome(null, note + string.Format(CultureInfo.InvariantCulture,
                "not run: a cover's sets average {0:0.#} VMs, and the sets of at most {1} that a table within {2:0.##} MiB allows{3} would not hold it",
                average, 2 * half, ceilingBytes / 1048576.0, z.VmCount > HalfTable.MaxVms ? $" (and at most {HalfTable.MaxVms} VMs)" : ""), 0);
        // The table is walked twice, about one visit per subset each time; counted up front, so that a share too short
        // for it (the counted mode's, where nothing else would stop the walk) is never overrun.
        var tableSeconds = 2 * HalfTable.MostEntries(z.VmCount, half) * SecondsPerSubset;
        if (tableSeconds > budget)
            return new Outcome(null, note + string.Format(CultureInfo.InvariantCulture,
                "not run: its table of the subsets of at most {0} VMs takes about {1:0.##} s of counted work, more than its share ({2:0.##} s)", half, tableSeconds, budget), 0);
        var table = HalfTable.Build(z, half, stop, workers, out var entries);
        var charged = table.Visited * SecondsPerSubset;
        if (table.Stopped)
            return new Outcome(null, note + $"stopped by the time limit while tabling {entries} sets of at most {half} VMs", charged);
        var sets = FullHostSets.Join(z, table, stop);
        if (sets.Stopped || stop()) return new Outcome(null, note + $"stopped by the time limit while joining {entries} halves of at most {half} VMs", charged + sets.Checked * SecondsPerPair);
        charged += sets.Checked * SecondsPerPair;
        var enumerated = string.Format(CultureInfo.InvariantCulture, "{0} sets of at most {1} VMs fill a host exactly ({2}; sets of more VMs left out), from {3} halves",
            sets.Count, 2 * half, BySize(sets), entries);
        if (sets.TooMany) return new Outcome(null, note + $"stopped above {FullHostSets.MaxSets} sets; {enumerated}", charged);
        var prior = new SizePrior(Enumerable.Range(0, sets.Count).Select(s => sets.Set(s).Length), z.Hosts, z.VmCount);
        charged += prior.Cells * SecondsPerSubset;
        var operations = (long)Math.Max(0, (budget - charged) / SecondsPerOperation);
        var (cover, searches) = Search(sets, prior, z, seed, operations, stop, workers);
        var search = (Nodes: searches.Sum(s => s.Nodes), Runs: searches.Sum(s => s.Runs), Operations: searches.Sum(s => s.Operations), Stopped: searches.Any(s => s.Stopped));
        charged += search.Operations * SecondsPerOperation;
        var searched = string.Format(CultureInfo.InvariantCulture, "size-prior search with Luby restarts: {0} nodes in {1} runs{2}, ", search.Nodes, search.Runs, workers > 1 ? $" on {workers} threads" : "");
        if (cover is null)
            return new Outcome(null, note + enumerated + "; " + searched + (search.Stopped ? "stopped by the time limit, no cover" : "its work ran out, no cover"), charged);
        var hostOf = new int[p.VmCount];
        for (var i = 0; i < cover.Length; i++)
            foreach (var v in sets.Set(cover[i])) hostOf[v] = hostIds[i];
        return new Outcome(new Placement([.. hostOf]), note + enumerated + "; " + searched + $"a cover: every VM on {z.Hosts} exactly full hosts", charged);
    }

    /// <summary>One search, or (outside the deterministic mode, which has one worker) one per worker with its own
    /// random seed, the first cover found stopping the others: independent randomized runs of a heavy-tailed search
    /// reach a cover sooner together than one does (Gomes, Selman and Kautz 1998). Each on a thread of its own (the
    /// first on the caller's), so every core searches from the start whatever the thread pool is doing.</summary>
    private static (int[]? Cover, CoverSearch[] Searches) Search(FullHostSets sets, SizePrior prior, ZeroSlack z, ulong seed, long operations, Func<bool> stop, int workers)
    {
        // Each search's generator seeded by a draw of the phase's own: independent streams, not shifted copies; the
        // deterministic mode's one search is the first of them.
        var seeds = new SplitMix64(seed);
        var own = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => seeds.NextULong()).ToArray();
        if (workers <= 1)
        {
            var (cover, one) = CoverSearch.Find(sets, prior, z.VmCount, z.Hosts, own[0], operations, stop);
            return (cover, [one]);
        }
        var found = 0;
        var results = new (int[]? Cover, CoverSearch Search)[workers];
        var failed = new Exception?[workers];
        void Run(int i)
        {
            try
            {
                results[i] = CoverSearch.Find(sets, prior, z.VmCount, z.Hosts, own[i], operations, () => Volatile.Read(ref found) != 0 || stop());
                if (results[i].Cover is not null) Interlocked.Exchange(ref found, 1);
            }
            catch (Exception e)
            {
                failed[i] = e;
                Interlocked.Exchange(ref found, 1);
            }
        }
        var threads = Enumerable.Range(1, workers - 1).Select(i => new Thread(() => Run(i)) { IsBackground = true, Name = $"cover search {i}" }).ToArray();
        foreach (var t in threads) t.Start();
        Run(0);
        foreach (var t in threads) t.Join();
        if (failed.FirstOrDefault(e => e is not null) is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return (results.Select(r => r.Cover).FirstOrDefault(c => c is not null), [.. results.Select(r => r.Search)]);
    }

    private static string BySize(FullHostSets sets)
    {
        var counts = new SortedDictionary<int, int>();
        for (var s = 0; s < sets.Count; s++) counts[sets.Set(s).Length] = counts.GetValueOrDefault(sets.Set(s).Length) + 1;
        return counts.Count == 0 ? "none" : string.Join(", ", counts.Select(c => $"{c.Value} of {c.Key}"));
    }
}

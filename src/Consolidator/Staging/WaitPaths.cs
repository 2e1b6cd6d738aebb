namespace Consolidator.Staging;

/// <summary>Paths in the wait graph (host a waits on host b when a VM on a is due to move to b), for naming
/// the cycle a blocked move is caught in. One breadth-first tree per start host, kept, because thousands
/// of blocked moves often share a handful of destinations.</summary>
internal sealed class WaitPaths(StagingState state, List<int>[] leavers)
{
    private readonly Dictionary<int, (int Previous, int Leaver)[]> _trees = [];

    /// <summary>The hosts from <paramref name="start"/> to <paramref name="goal"/>, each with the VM on it
    /// that waits for the next one; null when <paramref name="goal"/> cannot be reached.</summary>
    public List<(int Host, int Leaver)>? From(int start, int goal)
    {
        if (!_trees.TryGetValue(start, out var via)) _trees[start] = via = Tree(start);
        if (via[goal].Previous == -2 || goal == start) return null;
        var path = new List<(int Host, int Leaver)>();
        for (var h = goal; h != start; h = via[h].Previous)
            path.Add((via[h].Previous, via[h].Leaver));
        path.Reverse();
        return path;
    }

    private (int Previous, int Leaver)[] Tree(int start)
    {
        var via = new (int Previous, int Leaver)[state.Problem.HostCount];
        Array.Fill(via, (-2, -1));
        via[start] = (-1, -1);
        var queue = new Queue<int>([start]);
        while (queue.Count > 0)
        {
            var h = queue.Dequeue();
            foreach (var l in leavers[h])
            {
                var next = state.Target[l];
                if (via[next].Previous != -2) continue;
                via[next] = (h, l);
                queue.Enqueue(next);
            }
        }
        return via;
    }
}

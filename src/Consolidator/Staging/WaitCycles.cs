namespace Consolidator.Staging;

/// <summary>The hosts that wait on each other in a cycle. Host a waits on host b when a VM on a is due to
/// move to b: whatever wants to enter a needs that VM gone first. Only a cycle can block for ever; a chain
/// that ends in a cycle clears itself once the cycle is broken, so relays go to cycles first.</summary>
internal static class WaitCycles
{
    /// <summary>For each host, the id of its strongly connected component in the wait graph when that
    /// component holds a cycle (two hosts or more), else -1.</summary>
    public static int[] CycleOf(StagingState state, List<int>[] leavers)
    {
        var n = state.Problem.HostCount;
        var successors = new List<int>[n];
        for (var h = 0; h < n; h++) successors[h] = [.. leavers[h].Select(v => state.Target[v]).Distinct()];
        var component = Tarjan(successors);
        var size = new int[n];
        foreach (var c in component) size[c]++;
        return [.. component.Select(c => size[c] >= 2 ? c : -1)];
    }

    /// <summary>Tarjan's algorithm without recursion, so that a long chain of hosts cannot overflow the stack.</summary>
    private static int[] Tarjan(List<int>[] successors)
    {
        var n = successors.Length;
        int[] index = new int[n], low = new int[n], component = new int[n];
        Array.Fill(index, -1);
        var onStack = new bool[n];
        var stack = new Stack<int>();
        var work = new Stack<(int Host, int Next)>();
        int counter = 0, components = 0;
        for (var root = 0; root < n; root++)
        {
            if (index[root] >= 0) continue;
            work.Push((root, 0));
            while (work.Count > 0)
            {
                var (h, next) = work.Pop();
                if (next == 0)
                {
                    index[h] = low[h] = counter++;
                    stack.Push(h);
                    onStack[h] = true;
                }
                else
                {
                    var child = successors[h][next - 1];
                    low[h] = Math.Min(low[h], low[child]);
                }
                var descended = false;
                for (var i = next; i < successors[h].Count; i++)
                {
                    var s = successors[h][i];
                    if (index[s] < 0)
                    {
                        work.Push((h, i + 1));
                        work.Push((s, 0));
                        descended = true;
                        break;
                    }
                    if (onStack[s]) low[h] = Math.Min(low[h], index[s]);
                }
                if (descended || low[h] != index[h]) continue;
                int member;
                do
                {
                    member = stack.Pop();
                    onStack[member] = false;
                    component[member] = components;
                } while (member != h);
                components++;
            }
        }
        return component;
    }
}

using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Profiles;

namespace Consolidator.Evaluation.Adaptive;

/// <summary>What a plan expects to draw over the interval ahead, from its own profiles only: each active host at
/// the sum of its VMs' mean CPU in the window of each instant, under its power model (the estimate the solver
/// minimises, <see cref="Packing.Energy"/>, taken over the interval's own instants, so that any window scheme,
/// weekly ones included, counts each window for as long as it lasts in the interval). It reads no trace: the
/// profiles were built from the history before the round.</summary>
public static class PlanForecast
{
    /// <param name="hosts">The inventory.</param>
    /// <param name="profiles">The profiles the plan was made on, one per planned VM.</param>
    /// <param name="hostOf">The plan's host per planned VM (-1: not placed).</param>
    /// <param name="from">The start of the interval (the round).</param>
    /// <param name="to">Its end.</param>
    /// <param name="stepSeconds">How finely the interval is walked (the traces' 300 s sampling).</param>
    public static double KWhPerDay(ImmutableArray<Host> hosts, ProfileSet profiles, IReadOnlyList<int> hostOf, long from, long to, long stepSeconds)
    {
        if (to <= from) return 0;
        var byHost = Enumerable.Range(0, hostOf.Count).Where(v => hostOf[v] >= 0).GroupBy(v => hostOf[v]).ToList();
        double wattSeconds = 0;
        for (var t = from; t < to; t += stepSeconds)
        {
            var w = profiles.Windows.IndexOf(t);
            var seconds = Math.Min(stepSeconds, to - t);
            foreach (var host in byHost)
                wattSeconds += seconds * hosts[host.Key].WattsAt(Math.Min(hosts[host.Key].CpuCores, host.Sum(v => profiles.Vms[v].MeanCpu[w])));
        }
        return wattSeconds / 3.6e6 / ((to - from) / (double)Period.DaySeconds);
    }
}

using System.Collections.Immutable;
using Consolidator.Inventory;

namespace Consolidator.Evaluation;

/// <summary>A migration during the test period: the VM moves at <see cref="Start"/> (Unix seconds) and is
/// degraded for <see cref="Seconds"/>.</summary>
public readonly record struct TimedMigration(int Vm, double Start, double Seconds);

/// <summary>Replays the test samples on a placement that does not change during the test period.</summary>
internal static class StaticReplay
{
    public static PolicyOutcome Run(string policy, ImmutableArray<Host> hosts, IReadOnlyList<Timeline> vms, IReadOnlyList<int> hostOf,
        Period span, IReadOnlyList<TimedMigration> migrations)
    {
        var replay = new HostReplay();
        var byHost = new SortedDictionary<int, List<Timeline>>();
        for (var v = 0; v < vms.Count; v++)
        {
            if (hostOf[v] < 0) continue;
            if (!byHost.TryGetValue(hostOf[v], out var list)) byHost[hostOf[v]] = list = [];
            list.Add(vms[v]);
        }
        foreach (var (h, list) in byHost) replay.Run(hosts[h], list, span.From, span.To);
        var degraded = migrations.Sum(m => MigrationPenalty.Degradation(vms[m.Vm], m.Start, m.Seconds));
        return Outcome(policy, replay, byHost.Count, span, degraded, migrations.Count);
    }

    public static PolicyOutcome Outcome(string policy, HostReplay replay, double activeHosts, Period span, double degraded, int migrations)
    {
        double Share(double part, double whole) => whole > 0 ? part / whole : 0;
        var slatah = Share(replay.CpuOverSeconds, replay.HostSeconds);
        var pdm = Share(degraded, replay.CpuRequested);
        return new PolicyOutcome(
            Policy: policy,
            ActiveHosts: activeHosts,
            EnergyKWhPerDay: replay.EnergyJoules / 3.6e6 / span.Days,
            CpuOverloadFraction: slatah,
            MemoryOverloadFraction: Share(replay.MemoryOverSeconds, replay.HostSeconds),
            Slatah: slatah,
            Pdm: pdm,
            Slav: slatah * pdm,
            CpuShortfall: Share(replay.CpuShortfall, replay.CpuRequested),
            WorstCpuDepth: replay.WorstCpuDepth,
            P99CpuDepth: replay.P99CpuDepth,
            WorstMemoryDepth: replay.WorstMemoryDepth,
            P99MemoryDepth: replay.P99MemoryDepth,
            Migrations: migrations);
    }
}

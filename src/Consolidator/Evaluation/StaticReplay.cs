using System.Collections.Immutable;
using Consolidator.Inventory;

namespace Consolidator.Evaluation;

/// <summary>A live migration during the test period: the VM moves at <see cref="Start"/> (Unix seconds), is
/// degraded for <see cref="Seconds"/>, stops for <see cref="DowntimeSeconds"/> and costs
/// <see cref="EnergyJoules"/>.</summary>
public readonly record struct TimedMigration(int Vm, double Start, double Seconds, double DowntimeSeconds = 0, double EnergyJoules = 0);

/// <summary>Replays the test samples on placements and adds the migrations' costs.</summary>
internal static class StaticReplay
{
    /// <summary>VMs that stay on one host for the whole span.</summary>
    public static PolicyOutcome Run(string policy, ImmutableArray<Host> hosts, IReadOnlyList<Timeline> vms, IReadOnlyList<int> hostOf,
        Period span, IReadOnlyList<TimedMigration> migrations)
    {
        var totals = new ReplayTotals();
        Replay(totals, hosts, [.. Enumerable.Range(0, vms.Count).Where(v => hostOf[v] >= 0)
            .Select(v => (hostOf[v], new Resident(vms[v], span.From, span.To, QosClass.Interactive)))], span);
        AddMigrations(totals, vms, migrations);
        return totals.Outcome(policy, span);
    }

    /// <summary>Replays every host's residents over <paramref name="span"/>.</summary>
    public static void Replay(ReplayTotals totals, ImmutableArray<Host> hosts, IEnumerable<(int Host, Resident Resident)> stays, Period span)
    {
        foreach (var group in stays.GroupBy(s => s.Host).OrderBy(g => g.Key))
            HostReplay.Run(totals, hosts[group.Key], [.. group.Select(g => g.Resident)], span.From, span.To);
    }

    public static void AddMigrations(ReplayTotals totals, IReadOnlyList<Timeline> vms, IEnumerable<TimedMigration> migrations)
    {
        foreach (var m in migrations)
        {
            totals.Migrations++;
            totals.DowntimeSeconds += m.DowntimeSeconds;
            totals.MigrationEnergyJoules += m.EnergyJoules;
            totals.Degraded += MigrationPenalty.Degradation(vms[m.Vm], m.Start, m.Seconds);
        }
    }
}

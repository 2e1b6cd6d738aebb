using System.Globalization;
using Consolidator.Packing;
using Consolidator.Reporting;
using Consolidator.Simulation;

namespace Consolidator.Cli;

/// <summary>The short human summary of a simulation, as "key: value" lines, with SLO violations and
/// failures flagged.</summary>
internal static class SimulationText
{
    private const int ListedAtMost = 10;

    public static void Write(SimulationResult r, PlacementProblem p, TextWriter o)
    {
        var s = r.Summary;
        var inv = CultureInfo.InvariantCulture;
        var longest = r.Stages.IsEmpty ? 0 : r.Stages.Max(st => st.MakespanSeconds);
        o.WriteLine(string.Format(inv, "migration time: {0} for {1} live migration(s) in {2} stage(s) (longest stage {3})",
            Duration(s.TotalSeconds), s.Migrations, r.Stages.Length, Duration(longest)));
        o.WriteLine(string.Format(inv, "methods: pre-copy {0}, post-copy {1}, hybrid {2} ({3}; {4}, {5})",
            s.PreCopy, s.PostCopy, s.Hybrid, MigrationMethods.Name(r.Options.Method), r.Options.Rules.Name, r.Options.Transport.Name));
        var worst = s.WorstDowntimeVm is { } v ? $" ({p.Vms[v].Id})" : "";
        o.WriteLine(string.Format(inv, "worst downtime: {0:0} ms{1} stopped, mean {2:0} ms; SLO {3:0} ms: {5} (it judges {4})",
            s.WorstDowntimeSeconds * 1000, worst, s.MeanDowntimeSeconds * 1000, s.MaxDowntimeSeconds * 1000,
            s.Slo == SloDowntime.Stop ? "the stop only" : $"the stop plus post-copy fault stalls, worst {s.WorstSloDowntimeSeconds * 1000:0} ms",
            SloVerdict(s)));
        o.WriteLine(string.Format(inv, "data moved: {0:0.0} GiB; migration energy {1:0.0} Wh (power model {2:0.0} Wh)",
            s.DataMovedGiB, s.MigrationEnergyWh, s.MigrationEnergyPowerModelWh));
        if (s.Disks is { } d)
            o.WriteLine(string.Format(inv, "local disks: {0} block copies sent {1:0.0} GiB ({2:0.0} GiB the destinations lacked, {3:0.0} GiB re-dirtied by the guests during the copies); {4:0.0} GiB not sent, the images being there already; longest copy {5}{6}",
                d.Copies, d.CopiedGiB, d.BulkGiB, d.CopiedGiB - d.BulkGiB, d.DedupSavedGiB, Duration(d.LongestSeconds),
                d.NonConverging > 0 ? $"; {d.NonConverging} copy(ies) outpaced by their guest's writes (synchronous writes assumed)" : ""));
        o.WriteLine(string.Format(inv, "energy per day: {0:0.00} kWh before -> {1:0.00} kWh after the migrations", s.EnergyKWhPerDayBefore, s.EnergyKWhPerDayAfter));
        o.WriteLine(string.Format(inv, "over capacity on the raw trace: {0:0.0} -> {1:0.0} host-hours ({2} -> {3} host(s)) in {4:0} h of trace",
            s.OverCapacity.HostHoursBefore, s.OverCapacity.HostHoursAfter, s.OverCapacity.HostsBefore, s.OverCapacity.HostsAfter, s.OverCapacity.TraceHours));
        if (s.DegradedSeconds > 0)
            o.WriteLine(string.Format(inv, "post-copy: VMs ran degraded for {0} in all while their memory arrived, {1} of it blocked on page faults",
                Duration(s.DegradedSeconds), Duration(s.FaultStallSeconds)));
        if (s.Recovered > 0) o.WriteLine(string.Format(inv, "post-copy recovery: {0} migration(s) resumed by migrate-recover after a link failure", s.Recovered));
        WriteViolations(r, p, o);
        WriteFailures(r, p, o);
        WriteIdleScriptedFailure(r, o);
    }

    /// <summary>A scripted failure at or after the moment the last migration ended hit nothing: said, not left to be
    /// inferred from a run without failures.</summary>
    private static void WriteIdleScriptedFailure(SimulationResult r, TextWriter o)
    {
        if (r.Options.FaultPlan.FailAtSeconds is not { } t || t < r.Summary.TotalSeconds) return;
        o.WriteLine(string.Format(CultureInfo.InvariantCulture, "--fail-at {0:0.###} s: no migration was in progress then ({1}); it failed nothing",
            t, r.Summary.Migrations == 0 ? "the plan has no live migration" : $"the last ended at {r.Summary.TotalSeconds:0.###} s"));
    }

    /// <summary>Only a migration that reached its destination met the SLO: an aborted, rolled-back, lost or
    /// skipped one is counted apart, never as having met it (a run whose every link failed said "met by every
    /// migration").</summary>
    private static string SloVerdict(SimulationSummary s)
    {
        // With nothing to move "met by every migration" was vacuously true.
        if (s.Migrations == 0) return "no live migration to judge";
        var arrived = s.Completed + s.Recovered;
        var unfinished = s.Migrations - arrived;
        var apart = unfinished == 0 ? "" : string.Format(CultureInfo.InvariantCulture,
            "{0} did not complete ({1} aborted, {2} rolled back to their source, {3} lost, {4} skipped)",
            unfinished, s.Aborted, s.Restored, s.Lost, s.Skipped);
        if (s.SloViolations > 0) return unfinished == 0 ? $"{s.SloViolations} violation(s)" : $"{s.SloViolations} violation(s); {apart}";
        if (unfinished == 0) return "met by every migration";
        return arrived == 0 ? $"no migration completed to be judged: {apart}" : $"met by the {arrived} that completed; {apart}";
    }

    private static void WriteViolations(SimulationResult r, PlacementProblem p, TextWriter o)
    {
        var violations = r.Migrations.Where(m => SimulationJsonWriter.SloViolation(m, r.Options)).OrderByDescending(m => m.DowntimeSeconds).ToArray();
        if (violations.Length == 0) return;
        o.WriteLine($"SLO VIOLATION: {violations.Length} migration(s) pause their VM longer than {r.Options.MaxDowntimeSeconds * 1000:0} ms:");
        foreach (var m in violations.Take(ListedAtMost))
            o.WriteLine(string.Format(CultureInfo.InvariantCulture, "  - {0} {1} -> {2}: {3:0} ms stopped{4} by {5} ({6})",
                p.Vms[m.Vm].Id, p.Hosts[m.From].Id, p.Hosts[m.To].Id, m.DowntimeSeconds * 1000,
                m.FaultStallSeconds > 0 && r.Options.Slo == SloDowntime.StopAndStalls ? $" + {m.FaultStallSeconds * 1000:0} ms of fault stalls" : "",
                MigrationMethods.Name(m.Method), m.MethodReason));
        if (violations.Length > ListedAtMost) o.WriteLine($"  ... and {violations.Length - ListedAtMost} more in simulation.csv");
    }

    private static void WriteFailures(SimulationResult r, PlacementProblem p, TextWriter o)
    {
        var s = r.Summary;
        var failed = r.Migrations.Where(m => m.Status is not (MigrationStatus.Completed or MigrationStatus.Recovered)).ToArray();
        if (failed.Length == 0) return;
        o.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "FAILURES: {0} aborted, {1} restored from checkpoint ({2:0.###} s of state lost), {3} lost, {4} skipped; {5} VM(s) not on their planned host",
            s.Aborted, s.Restored, s.LostStateSeconds, s.Lost, s.Skipped, s.VmsOffTarget));
        foreach (var m in failed.Take(ListedAtMost))
            o.WriteLine($"  - {p.Vms[m.Vm].Id} {p.Hosts[m.From].Id} -> {p.Hosts[m.To].Id}: {Names.Of(m.Status)}: {m.Note}");
        if (failed.Length > ListedAtMost) o.WriteLine($"  ... and {failed.Length - ListedAtMost} more in simulation.csv");
    }

    private static string Duration(double seconds) => seconds >= 120
        ? string.Format(CultureInfo.InvariantCulture, "{0:0.0} min", seconds / 60)
        : string.Format(CultureInfo.InvariantCulture, "{0:0.0} s", seconds);
}

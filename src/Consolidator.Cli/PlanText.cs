using System.Globalization;
using Consolidator.Planning;
using Consolidator.Reporting;

namespace Consolidator.Cli;

/// <summary>The short human summary of a plan, as "key: value" lines that a script can also read.</summary>
internal static class PlanText
{
    /// <param name="deterministic">Show the solver's counted work instead of its wall-clock seconds, so that the
    /// output is the same on any machine.</param>
    public static void Write(PlanOutcome plan, TextWriter o, bool deterministic = false)
    {
        var s = plan.Summary;
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Format(inv, "vms: {0}  hosts: {1}  windows: {2} ({3})  percentile: {4}",
            s.Vms, s.Hosts, plan.Profiles.Windows.Count, plan.Profiles.Windows.Name, plan.Profiles.Percentile));
        if (plan.Profiles.Note is { } choice) o.WriteLine($"windows: {choice}");
        if (plan.Profiles.Options.HalfLifeHours is not null || plan.Profiles.Options.Margin > 0) o.WriteLine($"profiles: {plan.Profiles.Options}");
        o.WriteLine("vm classes: " + string.Join(", ", s.VmClasses.Select(kv => $"{Names.Of(kv.Key)} {kv.Value}")));
        o.WriteLine(string.Format(inv, "active hosts: {0} -> {1}  (lower bound {2}; baselines: peak-sized FFD {3}, temporal FFD {4}, temporal BFD {5})",
            s.ActiveHostsBefore, s.ActiveHostsAfter, s.HostLowerBound, Show(s.PeakSizedFfdHosts), Show(s.TemporalFfdHosts), Show(s.TemporalBfdHosts)));
        var saved = s.EnergyKWhPerDayBefore > 0 ? 1 - s.EnergyKWhPerDayAfter / s.EnergyKWhPerDayBefore : 0;
        o.WriteLine(string.Format(inv, "energy: {0:0.00} -> {1:0.00} kWh/day  ({2:0.0%} saved; lower bound {3:0.00} kWh/day)",
            s.EnergyKWhPerDayBefore, s.EnergyKWhPerDayAfter, saved, s.EnergyLowerBoundKWhPerDay));
        o.WriteLine(string.Format(inv, "migrations: {0} in {1} stage(s)  (relays {2}, first placements {3}, {4:0.0} GiB of memory moved)",
            s.Migrations, s.Stages, s.RelayMigrations, s.FirstPlacements, s.MemoryMovedGiB));
        o.WriteLine(string.Format(inv, "kept in place: {0} VM(s) stay on their host, of at most {1} that could with {2} active hosts",
            s.KeptInPlace, s.KeepableUpperBound, s.ActiveHostsAfter));
        if (s.Storage is { } st)
        {
            o.WriteLine(string.Format(inv, "local storage: {0:0.0} -> {1:0.0} GiB on {2} host(s) of {3:0.0} GiB  (images stored once per host: {4:0.0} GiB saved against {5:0.0} GiB of whole disks; placement counted {6})",
                st.UsedGiBBefore, st.UsedGiBAfter, st.LocalHosts, st.CapacityGiB, st.SavedGiB, st.WholeGiBAfter, st.ImagesOnce ? "images once per host" : "whole disks"));
            o.WriteLine(string.Format(inv, "disk copied by migrations: {0:0.0} GiB  ({1:0.0} GiB of whole disks; {2:0.0} GiB of image blocks already at the destination not sent)",
                st.DiskSentGiB, st.DiskSentWholeGiB, st.SentSavedGiB));
        }
        if (!plan.Problem.Rules.IsEmpty) o.WriteLine($"rules: {plan.Problem.Rules.Rules.Length} kept ({string.Join(", ", plan.Problem.Rules.Rules.GroupBy(r => r.Kind).Select(g => $"{g.Count()} {g.Key}"))})");
        o.WriteLine(string.Format(inv, "solver: cp-sat {0}  objective {1:0.0} Wh/day  bound {2:0.0}  gap {3:0.00%}  ({4})",
            Names.Of(s.SolverStatus), s.ObjectiveWh, s.BoundWh, s.Gap,
            deterministic ? string.Format(inv, "{0:0.0} s of counted work", plan.Solve.CountedSeconds) : string.Format(inv, "{0:0.0} s", plan.Solve.WallSeconds)));
        // The solver's gap mixes energy with the migration cost that no bound covers: say each part on its own.
        o.WriteLine(string.Format(inv, "gap, in words: energy {0:0.0%} above what no placement can beat; migrations cost {1:0.0} Wh-equivalent for {2} move(s), where any placement on {3} hosts moves at least {4} VM(s) for {5:0.0}",
            s.EnergyGap, s.MigrationCostWh, s.Migrations, s.ActiveHostsAfter, s.MovesLowerBound, s.MigrationCostLowerBoundWh));
        if (!plan.Migrations.Blocked.IsEmpty)
        {
            o.WriteLine($"blocked moves: {plan.Migrations.Blocked.Length} (cannot be staged within physical capacity)");
            foreach (var b in plan.Migrations.Blocked) o.WriteLine($"  - {b.Reason}");
        }
        foreach (var note in s.Notes) o.WriteLine($"note: {note}");
        o.WriteLine("validation: every VM placed once, no host over capacity in any window, every stage within physical capacity, every CPU allocation within its host"
            + (s.Storage is not null ? ", every local store within its disk" : ""));
        if (plan.Allocation is { } a)
        {
            var batch = a.Qos.Count(q => q == Inventory.QosClass.Batch);
            o.WriteLine(string.Format(inv, "cpu allocation: {0} host-window caps for {1} interactive and {2} batch VM(s)",
                a.Entries.Select(e => (e.Host, e.Window)).Distinct().Count(), a.Qos.Length - batch, batch));
        }
    }

    /// <summary>Where the wall clock went, phase by phase, and the pace, with the CPU quota that bounds it from below
    /// where the process has one (not in the deterministic mode, whose output must not change with the machine's load).
    /// The quota's line gives the processors the runtime counts too (Environment.ProcessorCount, a quota rounded up to
    /// whole processors): the solver's parallel workers, where no --workers is given.</summary>
    public static void WriteTimeLine(Timing.Deadline deadline, TextWriter o) =>
        o.WriteLine(string.Format(CultureInfo.InvariantCulture, "time: {0:0.0} s{1} ({2}){3}{4}", deadline.Elapsed,
            deadline.IsWallClock ? string.Format(CultureInfo.InvariantCulture, " of {0:0.0} s", deadline.Limit) : "",
            string.Join(", ", deadline.Phases.Select(ph => string.Format(CultureInfo.InvariantCulture, "{0} {1:0.0} s", ph.Phase, ph.Seconds))),
            deadline.IsWallClock ? string.Format(CultureInfo.InvariantCulture, "; pace {0:0.0} x an idle machine's time (reading, profiles, staging and validation; the latest when slower; or their wall-clock over processor time, or the command thread's run plus wait for a processor over run, when more)", deadline.Pace) : "",
            deadline.IsWallClock && deadline.Clock.QuotaCores is > 0 and var quota && double.IsFinite(quota)
                ? string.Format(CultureInfo.InvariantCulture, "; CPU quota {0:0.00} processors (its cgroup's CFS bandwidth: a pace of at least {1:0.0}; the runtime counts {2})",
                    quota, Timing.Deadline.QuotaPace(quota), Environment.ProcessorCount) : ""));

    private static string Show(int? hosts) => hosts?.ToString(CultureInfo.InvariantCulture) ?? "n/a";
}

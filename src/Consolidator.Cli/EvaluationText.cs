using System.Globalization;
using Consolidator.Evaluation;
using Consolidator.Reporting;

namespace Consolidator.Cli;

/// <summary>An evaluation as text: per fold, the plan and re-planning rounds in a line each, then a table with
/// a row per policy; after a roll, the same table over all folds.</summary>
internal static class EvaluationText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="table">Draws the policy table instead of the aligned text (terminal tables) and says whether it
    /// did; null or false: text.</param>
    public static void Write(EvaluationResult r, TextWriter o, Func<string[], IReadOnlyList<string[]>, bool>? table = null)
    {
        var s = r.Plan.Summary;
        o.WriteLine($"train: {r.Train}  test: {r.Test}");
        o.WriteLine(string.Format(Inv, "vms: {0} (left out: {1} only in training, {2} only in the test period)", r.Vms, r.TrainOnlyVms, r.TestOnlyVms));
        o.WriteLine(string.Format(Inv, "static plan (trained on the first fold): {0} -> {1} hosts, {2} migrations in {3} stage(s), solver {4} gap {5:0.00%}",
            s.ActiveHostsBefore, s.ActiveHostsAfter, s.Migrations + s.RelayMigrations, s.Stages, Names.Of(s.SolverStatus), s.Gap));
        foreach (var round in r.Rounds)
            o.WriteLine(string.Format(Inv, "re-plan at {0}: {1} VMs on {2} windows -> {3} hosts, {4} migrations in {5} stage(s) ({6:0.0} s downtime), solver {7} gap {8:0.00%}",
                Period.Stamp(round.Time), round.Vms, round.Windows, round.Hosts, round.Migrations, round.Stages, round.DowntimeSeconds, Names.Of(round.SolverStatus), round.Gap));
        o.WriteLine(string.Format(Inv, "test period replayed: {0:0.###} day(s); energy from each host's power model, overload against physical capacity", r.TestDays));
        Table(r.Policies, o, table);
        foreach (var note in r.Notes) o.WriteLine($"note: {note}");
        foreach (var note in r.Rounds.SelectMany(x => x.Notes).Distinct()) o.WriteLine($"note (re-plan): {note}");
        o.WriteLine();
    }

    /// <summary>Where the wall-clock limit went: the whole (reading, the folds, their plans given and used, the work
    /// outside the plans), then a line per fold (its plans' shares and what they took, the seconds outside them, the
    /// pace, and what the split had set aside at its start for that fold's and the later folds' work never cut short).</summary>
    public static void WriteTimeLine(EvaluationTime t, Timing.Deadline deadline, TextWriter o)
    {
        var reading = deadline.Phases.Where(ph => ph.Phase == "reading").Sum(ph => ph.Seconds);
        o.WriteLine(string.Format(Inv, "time: {0:0.0} s of {1:0.0} s (reading {2:0.0} s; {3} fold(s) {4:0.0} s: {5} plan(s) took {6:0.0} s of {7:0.0} s given, the work outside them {8:0.0} s); pace {9:0.0} at the end",
            deadline.Elapsed, deadline.Limit, reading, t.Folds.Length, t.Folds.Sum(f => f.Seconds), t.Plans.Length, t.Plans.Sum(p => p.Used),
            t.Plans.Sum(p => p.Share), t.Folds.Sum(f => f.OutsidePlans), deadline.Pace));
        foreach (var f in t.Folds)
            o.WriteLine(string.Format(Inv, "time, fold {0}: {1:0.0} s; plan(s) given -> took {2}; outside them {3:0.0} s; pace {4:0.0}; set aside at its start {5:0.0} s",
                f.Fold, f.Seconds, string.Join(", ", t.Plans.Where(p => p.Fold == f.Fold).Select(p => string.Format(Inv, "{0:0.0} -> {1:0.0} s", p.Share, p.Used))),
                f.OutsidePlans, f.Pace, f.Reserve));
    }

    public static void WriteOverall(EvaluationRun run, TextWriter o, Func<string[], IReadOnlyList<string[]>, bool>? table = null)
    {
        o.WriteLine(string.Format(Inv, "all {0} folds ({1:0.###} days): energy per day over all test days, SLATAH over all active host-time", run.Folds.Length, run.Days));
        Table(run.Overall, o, table);
        foreach (var p in run.Overall)
        {
            var worst = run.Folds.Select(f => f.Policies.FirstOrDefault(x => x.Policy == p.Policy)?.Slatah ?? 0).DefaultIfEmpty(0).Max();
            o.WriteLine(string.Format(Inv, "{0}: worst fold SLATAH {1:0.000%}", p.Policy, worst));
        }
        if (Verdict.Of(run) is { } verdict)
        {
            o.WriteLine($"verdict, {verdict.Policy} against {verdict.Baseline}: {(verdict.Holds ? "holds" : "does not hold")}");
            foreach (var c in verdict.Checks) o.WriteLine($"  {(c.Holds ? "holds" : "fails")}  {c.Text}");
        }
        o.WriteLine();
    }

    private static readonly string[] Header = ["policy", "hosts", "kWh/day", "saved", "SLATAH", "mem-over", "PDM", "SLAV", "thr-int", "thr-batch", "migr", "downtime"];

    /// <summary>The plain columns' widths (policy left-aligned, the rest right-aligned), as scripts and the README read them.</summary>
    private const string PlainRow = "{0,-19} {1,6} {2,8} {3,6} {4,8} {5,8} {6,9} {7,10} {8,9} {9,9} {10,6} {11,9}";

    private static void Table(IReadOnlyList<PolicyOutcome> policies, TextWriter o, Func<string[], IReadOnlyList<string[]>, bool>? table)
    {
        var current = policies.FirstOrDefault(p => p.Policy == Evaluator.Current);
        string[][] rows = [.. policies.Select(p => new[]
        {
            p.Policy, p.ActiveHosts.ToString("0.#", Inv), p.EnergyKWhPerDay.ToString("0.00", Inv),
            current is { EnergyKWhPerDay: > 0 } ? (1 - p.EnergyKWhPerDay / current.EnergyKWhPerDay).ToString("0.0%", Inv) : "n/a",
            p.Slatah.ToString("0.000%", Inv), p.MemoryOverloadFraction.ToString("0.000%", Inv), p.Pdm.ToString("0.0000%", Inv),
            p.Slav.ToString("0.0000%", Inv), p.ThrottledInteractive.ToString("0.000%", Inv), p.ThrottledBatch.ToString("0.000%", Inv),
            p.Migrations.ToString(Inv), p.DowntimeSeconds.ToString("0.0", Inv) + "s",
        })];
        if (table is not null && table(Header, rows)) return;
        foreach (var row in rows.Prepend(Header)) o.WriteLine(string.Format(Inv, PlainRow, row.Cast<object>().ToArray()));
    }
}

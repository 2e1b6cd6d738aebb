using System.Globalization;
using Consolidator.Evaluation;
using Consolidator.Reporting;

namespace Consolidator.Cli;

/// <summary>One evaluation fold as text: the plan in a line, then a table with a row per policy.</summary>
internal static class EvaluationText
{
    public static void Write(EvaluationResult r, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = r.Plan.Summary;
        o.WriteLine($"train: {r.Train}  test: {r.Test}");
        o.WriteLine(string.Format(inv, "vms: {0} (left out: {1} only in training, {2} only in the test period)", r.Vms, r.TrainOnlyVms, r.TestOnlyVms));
        o.WriteLine(string.Format(inv, "plan (trained): {0} -> {1} hosts, {2} migrations in {3} stage(s), solver {4} gap {5:0.00%}",
            s.ActiveHostsBefore, s.ActiveHostsAfter, s.Migrations + s.RelayMigrations, s.Stages, Names.Of(s.SolverStatus), s.Gap));
        var current = r.Policies.FirstOrDefault(p => p.Policy == Evaluator.Current);
        o.WriteLine(string.Format(inv, "test period replayed: {0:0.###} day(s); energy from each host's power model, overload against physical capacity", r.TestDays));
        o.WriteLine(string.Format(inv, "{0,-16} {1,7} {2,9} {3,7} {4,9} {5,9} {6,9} {7,10} {8,11} {9,14} {10,5}",
            "policy", "hosts", "kWh/day", "saved", "cpu-over", "mem-over", "SLATAH", "PDM", "SLAV", "cpu depth w/99", "migr"));
        foreach (var p in r.Policies)
        {
            var saved = current is { EnergyKWhPerDay: > 0 } ? (1 - p.EnergyKWhPerDay / current.EnergyKWhPerDay).ToString("0.0%", inv) : "n/a";
            o.WriteLine(string.Format(inv, "{0,-16} {1,7:0.#} {2,9:0.00} {3,7} {4,9:0.000%} {5,9:0.000%} {6,9:0.000%} {7,10:0.0000%} {8,11:0.00000%} {9,14} {10,5}",
                p.Policy, p.ActiveHosts, p.EnergyKWhPerDay, saved, p.CpuOverloadFraction, p.MemoryOverloadFraction, p.Slatah, p.Pdm, p.Slav,
                string.Format(inv, "{0:0.0%}/{1:0.0%}", p.WorstCpuDepth, p.P99CpuDepth), p.Migrations));
        }
        foreach (var note in r.Notes) o.WriteLine($"note: {note}");
        o.WriteLine();
    }
}

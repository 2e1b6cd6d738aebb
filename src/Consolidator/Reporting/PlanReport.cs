using System.Text;
using Consolidator.Planning;
using Consolidator.Plots;
using Consolidator.Simulation;
using static Consolidator.Reporting.Html;

namespace Consolidator.Reporting;

/// <summary>One plan as a self-contained HTML page for the people who decide: the savings, the risks, the
/// stages, the downtime SLO table and the plots.</summary>
public static class PlanReport
{
    public static string ToHtml(PlanOutcome plan, IReadOnlyList<Figure> figures)
    {
        var s = new StringBuilder();
        var sum = plan.Summary;
        var replay = plan.Simulation;
        Open(s, $"Consolidation plan: {sum.Vms} VMs on {sum.Hosts} hosts");
        var saved = sum.EnergyKWhPerDayBefore > 0 ? 1 - sum.EnergyKWhPerDayAfter / sum.EnergyKWhPerDayBefore : 0;
        s.Append("<p class=\"headline\">Active hosts <b>").Append(sum.ActiveHostsBefore).Append(" &rarr; ").Append(sum.ActiveHostsAfter)
            .Append("</b>; energy <b>").Append(N(sum.EnergyKWhPerDayBefore)).Append(" &rarr; ").Append(N(sum.EnergyKWhPerDayAfter))
            .Append(" kWh/day</b> (").Append(N(saved * 100, "0.0")).Append(" % saved, ").Append(N((sum.EnergyKWhPerDayBefore - sum.EnergyKWhPerDayAfter) * 365 / 1000, "0.0"))
            .Append(" MWh a year).</p>\n");
        s.Append("<p>").Append(sum.Migrations).Append(" live migration(s) in ").Append(sum.Stages).Append(" stage(s), ")
            .Append(N(sum.MemoryMovedGiB, "0.0")).Append(" GiB of memory moved. Options: ").Append(E(plan.Profiles.Windows.Name)).Append(" windows, percentile ")
            .Append(N(plan.Profiles.Percentile)).Append(", headroom ").Append(N(plan.Problem.Options.Headroom)).Append(", migration weight ")
            .Append(N(plan.Problem.Options.MigrationWeightWhPerGiB)).Append(" Wh/GiB. Solver: ").Append(E(Names.Of(sum.SolverStatus)))
            .Append(", gap ").Append(N(sum.Gap * 100, "0.00")).Append(" %; the plan passed independent validation.</p>\n");

        s.Append("<h2>Risks</h2>\n<ul>\n");
        foreach (var (text, bad) in Risks(plan, replay)) s.Append(bad ? "<li class=\"risk\">" : "<li class=\"ok\">").Append(E(text)).Append("</li>\n");
        s.Append("</ul>\n");

        s.Append("<h2>Stages</h2>\n");
        if (replay is null)
            Table(s, ["stage", "migrations"], plan.Migrations.Stages.Select(st => new[] { st.Number.ToString(), st.Migrations.Length.ToString() }));
        else
            Table(s, ["stage", "migrations", "start (min)", "end (min)", "failed", "skipped"], replay.Stages.Select(st => new[]
            {
                st.Number.ToString(), st.Migrations.ToString(), N(st.StartSeconds / 60, "0.0"), N(st.EndSeconds / 60, "0.0"), st.Failed.ToString(), st.Skipped.ToString(),
            }));

        if (replay is not null)
        {
            s.Append("<h2>Downtime SLO (").Append(N(replay.Options.MaxDowntimeSeconds * 1000, "0")).Append(" ms)</h2>\n");
            var worst = replay.Migrations.Where(m => m.Started).OrderByDescending(m => m.DowntimeSeconds).ThenBy(m => m.Index).Take(15).ToList();
            s.Append("<p>The ").Append(worst.Count).Append(" longest downtimes of ").Append(replay.Summary.Migrations).Append(" migration(s); ")
                .Append(replay.Summary.SloViolations).Append(" over the SLO.</p>\n");
            var p = plan.Problem;
            Table(s, ["VM", "from", "to", "stage", "method", "downtime (ms)", "within SLO", "status"], worst.Select(m => new[]
            {
                p.Vms[m.Vm].Id, p.Hosts[m.From].Id, p.Hosts[m.To].Id, m.Stage.ToString(), MigrationMethods.Name(m.Method),
                N(m.DowntimeSeconds * 1000, "0"), SimulationJsonWriter.SloViolation(m, replay.Options) ? "no" : "yes", Names.Of(m.Status),
            }), i => SimulationJsonWriter.SloViolation(worst[i], replay.Options));
        }

        s.Append("<h2>Plots</h2>\n");
        foreach (var f in figures) Figure(s, f);
        return Close(s);
    }

    private static IEnumerable<(string Text, bool Bad)> Risks(PlanOutcome plan, SimulationResult? replay)
    {
        var blocked = plan.Migrations.Blocked.Length;
        yield return blocked == 0 ? ("Every move can be staged within physical capacity.", false) : ($"{blocked} move(s) cannot be staged within physical capacity.", true);
        if (replay is null)
        {
            yield return ("The migrations were not simulated (--no-simulate): no downtime or overload figures.", true);
            yield break;
        }
        var r = replay.Summary;
        var o = r.OverCapacity;
        yield return (N(o.HostHoursAfter, "0.0") + " host-hour(s) over physical capacity on the raw trace after consolidation (" + N(o.HostHoursBefore, "0.0")
            + " before) in " + N(o.TraceHours, "0") + " h of trace.", o.HostHoursAfter > 0);
        yield return (r.SloViolations == 0 ? "Every migration meets the downtime SLO." : $"{r.SloViolations} migration(s) stop their VM longer than the SLO.", r.SloViolations > 0);
        yield return ($"Worst downtime {N(r.WorstDowntimeSeconds * 1000, "0")} ms; the migrations take {N(r.TotalSeconds / 60, "0.0")} min and move {N(r.DataMovedGiB, "0.0")} GiB.", false);
        if (r.PostCopy + r.Hybrid > 0)
            yield return ($"{r.PostCopy + r.Hybrid} migration(s) use post-copy or hybrid: a link failure after the switch loses the VM unless it is checkpointed.", true);
        var failed = r.Aborted + r.Restored + r.Lost + r.Skipped;
        if (failed > 0) yield return ($"Injected failures: {r.Aborted} aborted, {r.Restored} restored, {r.Lost} lost, {r.Skipped} skipped.", true);
    }
}

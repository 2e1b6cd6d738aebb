using System.Text;
using Consolidator.Planning;
using Consolidator.Plots;
using Consolidator.Simulation;
using static Consolidator.Reporting.Html;

namespace Consolidator.Reporting;

/// <summary>Who made a report, from what and when: the footer a planner quotes. <see cref="Time"/> is null when
/// the report must repeat byte for byte (--deterministic).</summary>
public sealed record ReportFooter(string Version, string Dataset, string CommandLine, DateTimeOffset? Time);

/// <summary>One plan as a self-contained HTML page for the people who decide: the savings, the risks, the hosts
/// to switch off and when, each host's busiest window before and after, the stages, the downtime SLO and the
/// plots.</summary>
public static class PlanReport
{
    public static string ToHtml(PlanOutcome plan, IReadOnlyList<Figure> figures, ReportFooter? footer = null)
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

        if (sum.Storage is { } st)
        {
            s.Append("<h2>Storage</h2>\n<p>Local storage holds each image once per host (content-addressed, as in Parallax) plus each VM's own blocks. ")
                .Append("Image sharing saves <b>").Append(N(st.SavedGiB, "0.0")).Append(" GiB</b> in the planned placement, and the migrations copy <b>")
                .Append(N(st.DiskSentGiB, "0.0")).Append(" GiB</b> of disk instead of ").Append(N(st.DiskSentWholeGiB, "0.0"))
                .Append(" GiB, as image blocks already on the destination are not sent.</p>\n");
            Table(s, ["", "before", "after"],
            [
                ["local storage used (GiB)", N(st.UsedGiBBefore, "0.0"), N(st.UsedGiBAfter, "0.0")],
                ["with every disk stored whole (GiB)", "", N(st.WholeGiBAfter, "0.0")],
                ["capacity of the " + st.LocalHosts + " local host(s) (GiB)", N(st.CapacityGiB, "0.0"), N(st.CapacityGiB, "0.0")],
            ]);
        }

        s.Append("<h2>Risks</h2>\n<ul>\n");
        foreach (var (text, bad) in Risks(plan, replay)) s.Append(bad ? "<li class=\"risk\">" : "<li class=\"ok\">").Append(E(text)).Append("</li>\n");
        s.Append("</ul>\n");

        Hosts(s, plan, replay);

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
            var p = plan.Problem;
            var over = replay.Migrations.Where(m => m.Started && SimulationJsonWriter.SloViolation(m, replay.Options))
                .OrderByDescending(m => m.DowntimeSeconds).ThenBy(m => m.Index).ToList();
            if (over.Count == 0)
            {
                var worst = replay.Summary.WorstDowntimeVm is { } wv ? $" The longest stop is {E(p.Vms[wv].Id)}'s, {N(replay.Summary.WorstDowntimeSeconds * 1000, "0")} ms." : "";
                s.Append("<p class=\"ok\">All ").Append(replay.Summary.Migrations).Append(" migration(s) stop their VM within the SLO.").Append(worst).Append("</p>\n");
            }
            else
            {
                s.Append("<p class=\"risk\">").Append(over.Count).Append(" of ").Append(replay.Summary.Migrations)
                    .Append(" migration(s) stop their VM longer than the SLO").Append(over.Count > 15 ? "; the 15 longest:" : ":").Append("</p>\n");
                Table(s, ["VM", "from", "to", "stage", "method", "downtime (ms)", "status"], over.Take(15).Select(m => new[]
                {
                    p.Vms[m.Vm].Id, p.Hosts[m.From].Id, p.Hosts[m.To].Id, m.Stage.ToString(), MigrationMethods.Name(m.Method),
                    N(m.DowntimeSeconds * 1000, "0"), Names.Of(m.Status),
                }), _ => true);
            }
        }

        s.Append("<h2>Plots</h2>\n");
        foreach (var f in figures) Figure(s, f);
        if (footer is not null)
            s.Append("<footer><p>Made by consolidator ").Append(E(footer.Version)).Append(" from the dataset ").Append(E(footer.Dataset))
                .Append(footer.Time is { } t ? " on " + E(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)) : "")
                .Append(":<br><code>").Append(E(footer.CommandLine)).Append("</code></p></footer>\n");
        return Close(s);
    }

    /// <summary>The hosts to switch off and when, then every host that carries a VM before or after, with its
    /// busiest window's CPU and memory before and after.</summary>
    private static void Hosts(StringBuilder s, PlanOutcome plan, SimulationResult? replay)
    {
        var changes = HostChanges.Of(plan);
        var off = changes.Where(c => c.Fate == HostFate.SwitchedOff).OrderBy(c => c.EmptyAfterStage).ThenBy(c => c.Host, StringComparer.Ordinal).ToList();
        s.Append("<h2>Hosts to switch off</h2>\n");
        if (off.Count == 0) s.Append("<p>The plan empties no host.</p>\n");
        else
        {
            var idle = off.Sum(c => plan.Problem.Hosts.First(h => h.Id == c.Host).IdleWatts);
            s.Append("<p>").Append(off.Count).Append(" host(s) carry no VM once the stage named below is done: switch each off then (")
                .Append(N(idle, "0")).Append(" W of idle power in all).</p>\n");
            var ends = replay?.Stages.ToDictionary(st => st.Number, st => st.EndSeconds);
            Table(s, ends is null ? ["host", "empty after stage"] : ["host", "empty after stage", "stage ends (min)"], off.Select(c =>
            {
                var stage = c.EmptyAfterStage?.ToString() ?? "-";
                return ends is null ? new[] { c.Host, stage }
                    : [c.Host, stage, c.EmptyAfterStage is { } n && ends.TryGetValue(n, out var end) ? N(end / 60, "0.0") : "-"];
            }));
        }
        var on = changes.Count(c => c.Fate == HostFate.SwitchedOn);
        if (on > 0) s.Append("<p class=\"risk\">").Append(on).Append(" host(s) that carry no VM today take VMs in the plan: switch them on before stage 1.</p>\n");

        s.Append("<h2>Hosts before and after (busiest window, percentile demand over capacity)</h2>\n");
        string Pct(double x) => N(x * 100, "0") + " %";
        Table(s, ["host", "plan", "CPU before", "CPU after", "memory before", "memory after"],
            changes.Where(c => c.Fate != HostFate.Idle).Select(c => new[]
            {
                c.Host, c.Fate switch { HostFate.SwitchedOff => "switch off", HostFate.SwitchedOn => "switch on", _ => "keep" },
                Pct(c.CpuPeakBefore), c.Fate == HostFate.SwitchedOff ? "off" : Pct(c.CpuPeakAfter),
                Pct(c.MemoryPeakBefore), c.Fate == HostFate.SwitchedOff ? "off" : Pct(c.MemoryPeakAfter),
            }));
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

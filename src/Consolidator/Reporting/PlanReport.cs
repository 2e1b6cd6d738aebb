using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Plots;
using Consolidator.Simulation;
using static Consolidator.Reporting.Html;

namespace Consolidator.Reporting;

/// <summary>Who made a report, from what and when: the footer a planner quotes. <see cref="Time"/> is null when
/// the report must repeat byte for byte (--deterministic).</summary>
public sealed record ReportFooter(string Version, string Dataset, string CommandLine, DateTimeOffset? Time);

/// <summary>One plan as a self-contained HTML page for the people who decide: the savings, local storage, the risks, the hosts
/// to switch off and when, each host's busiest window before and after, the stages, the downtime SLO and the
/// plots. The page is Templates/plan-report.html; this class only gathers the figures it shows.</summary>
public static class PlanReport
{
    public static string ToHtml(PlanOutcome plan, IReadOnlyList<Figure> figures, ReportFooter? footer = null)
    {
        var sum = plan.Summary;
        var replay = plan.Simulation;
        var saved = sum.EnergyKWhPerDayBefore > 0 ? 1 - sum.EnergyKWhPerDayAfter / sum.EnergyKWhPerDayBefore : 0;
        var changes = HostChanges.Of(plan);
        return Html.PlanReport(new
        {
            Title = $"Consolidation plan: {sum.Vms} VMs on {sum.Hosts} hosts",
            ActiveBefore = sum.ActiveHostsBefore,
            ActiveAfter = sum.ActiveHostsAfter,
            EnergyBefore = N(sum.EnergyKWhPerDayBefore),
            EnergyAfter = N(sum.EnergyKWhPerDayAfter),
            SavedPercent = N(saved * 100, "0.0"),
            MwhAYear = N((sum.EnergyKWhPerDayBefore - sum.EnergyKWhPerDayAfter) * 365 / 1000, "0.0"),
            sum.Migrations,
            sum.Stages,
            MemoryMovedGib = N(sum.MemoryMovedGiB, "0.0"),
            Windows = plan.Profiles.Windows.Name,
            Percentile = N(plan.Profiles.Percentile),
            Headroom = N(plan.Problem.Options.Headroom),
            MigrationWeight = N(plan.Problem.Options.MigrationWeightWhPerGiB),
            Solver = Names.Of(sum.SolverStatus),
            GapPercent = N(sum.Gap * 100, "0.00"),
            Storage = sum.Storage is { } st ? new
            {
                SavedGib = N(st.SavedGiB, "0.0"),
                DiskSentGib = N(st.DiskSentGiB, "0.0"),
                DiskSentWholeGib = N(st.DiskSentWholeGiB, "0.0"),
                Table = HtmlTable.Of(["", "before", "after"],
                [
                    ["local storage used (GiB)", N(st.UsedGiBBefore, "0.0"), N(st.UsedGiBAfter, "0.0")],
                    ["with every disk stored whole (GiB)", "", N(st.WholeGiBAfter, "0.0")],
                    ["capacity of the " + st.LocalHosts + " local host(s) (GiB)", N(st.CapacityGiB, "0.0"), N(st.CapacityGiB, "0.0")],
                ]),
            } : null,
            Risks = Risks(plan, replay).Select(r => new { r.Text, r.Bad }).ToList(),
            SwitchOff = SwitchOff(plan, replay, changes),
            SwitchOn = changes.Count(c => c.Fate == HostFate.SwitchedOn) is > 0 and var on ? on : (int?)null,
            Hosts = HostTable(changes),
            StageTable = replay is null
                ? HtmlTable.Of(["stage", "migrations"], plan.Migrations.Stages.Select(st => new[] { st.Number.ToString(), st.Migrations.Length.ToString() }))
                : HtmlTable.Of(["stage", "migrations", "start (min)", "end (min)", "failed", "skipped"], replay.Stages.Select(st => new[]
                {
                    st.Number.ToString(), st.Migrations.ToString(), N(st.StartSeconds / 60, "0.0"), N(st.EndSeconds / 60, "0.0"), st.Failed.ToString(), st.Skipped.ToString(),
                })),
            Slo = replay is null ? null : Slo(plan, replay),
            Figures = figures.Select(HtmlFigure.Of).ToList(),
            Footer = footer is null ? null : new
            {
                footer.Version,
                footer.Dataset,
                Time = footer.Time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
                footer.CommandLine,
            },
        });
    }

    /// <summary>The hosts that carry no VM once a stage is done, and when to switch each off; null when none.</summary>
    private static object? SwitchOff(PlanOutcome plan, SimulationResult? replay, IReadOnlyList<HostChange> changes)
    {
        var off = changes.Where(c => c.Fate == HostFate.SwitchedOff).OrderBy(c => c.EmptyAfterStage).ThenBy(c => c.Host, StringComparer.Ordinal).ToList();
        if (off.Count == 0) return null;
        var idle = off.Sum(c => plan.Problem.Hosts.First(h => h.Id == c.Host).IdleWatts);
        var ends = replay?.Stages.ToDictionary(st => st.Number, st => st.EndSeconds);
        return new
        {
            off.Count,
            IdleWatts = N(idle, "0"),
            Table = HtmlTable.Of(ends is null ? ["host", "empty after stage"] : ["host", "empty after stage", "stage ends (min)"], off.Select(c =>
            {
                var stage = c.EmptyAfterStage?.ToString() ?? "-";
                return ends is null ? new[] { c.Host, stage }
                    : [c.Host, stage, c.EmptyAfterStage is { } n && ends.TryGetValue(n, out var end) ? N(end / 60, "0.0") : "-"];
            })),
        };
    }

    /// <summary>Every host that carries a VM before or after, with its busiest window's CPU and memory.</summary>
    private static HtmlTable HostTable(IReadOnlyList<HostChange> changes)
    {
        static string Pct(double x) => N(x * 100, "0") + " %";
        return HtmlTable.Of(["host", "plan", "CPU before", "CPU after", "memory before", "memory after"],
            changes.Where(c => c.Fate != HostFate.Idle).Select(c => new[]
            {
                c.Host, c.Fate switch { HostFate.SwitchedOff => "switch off", HostFate.SwitchedOn => "switch on", _ => "keep" },
                Pct(c.CpuPeakBefore), c.Fate == HostFate.SwitchedOff ? "off" : Pct(c.CpuPeakAfter),
                Pct(c.MemoryPeakBefore), c.Fate == HostFate.SwitchedOff ? "off" : Pct(c.MemoryPeakAfter),
            }));
    }

    /// <summary>The downtime SLO: one sentence on how many migrations completed and how many of those stop their VM
    /// within it, then only the migrations over it (the 15 longest).</summary>
    private static object Slo(PlanOutcome plan, SimulationResult replay)
    {
        var p = plan.Problem;
        // What the SLO judges: the stop, or the stop plus post-copy page-fault stalls (--slo-downtime).
        double Judged(VmMigrationResult m) => m.SloDowntimeSeconds(replay.Options.Slo);
        var over = replay.Migrations.Where(m => m.Started && SimulationJsonWriter.SloViolation(m, replay.Options))
            .OrderByDescending(Judged).ThenBy(m => m.Index).ToList();
        var (text, bad) = SloSentence(p, replay, over.Count);
        return new
        {
            LimitMs = N(replay.Options.MaxDowntimeSeconds * 1000, "0"),
            Text = text,
            Bad = bad,
            Over = over.Count == 0 ? null : new
            {
                Table = HtmlTable.Of(["VM", "from", "to", "stage", "method", replay.Options.Slo == SloDowntime.Stop ? "downtime (ms)" : "stop + stalls (ms)", "status"],
                    over.Take(15).Select(m => new[]
                {
                    p.Vms[m.Vm].Id, p.Hosts[m.From].Id, p.Hosts[m.To].Id, m.Stage.ToString(), MigrationMethods.Name(m.Method),
                    N(Judged(m) * 1000, "0"), Names.Of(m.Status),
                }), _ => true),
            },
        };
    }

    /// <summary>The SLO section's sentence for every mix of outcomes: no live migration, none completed, all
    /// completed, some completed; with or without migrations over the SLO. Only a migration that reached its
    /// destination is judged within the SLO: "All N stop within the SLO" was printed when only some completed.</summary>
    internal static (string Text, bool Bad) SloSentence(PlacementProblem problem, SimulationResult replay, int over)
    {
        var s = replay.Summary;
        var n = s.Migrations;
        var arrived = replay.Migrations.Count(m => m.Arrived);
        var within = replay.Migrations.Count(m => m.Arrived && !SimulationJsonWriter.SloViolation(m, replay.Options));
        var longer = over == 0 ? "" : $"; {over} stop their VM longer than the SLO{(over > 15 ? "; the 15 longest:" : ":")}";
        var worst = over == 0 && s.WorstDowntimeVm is { } wv
            ? $" The longest stop is {problem.Vms[wv].Id}'s, {N(s.WorstDowntimeSeconds * 1000, "0")} ms." : "";
        if (n == 0) return ("The plan has no live migration: no VM stops, and the SLO has nothing to judge.", false);
        if (arrived == 0)
            return (over == 0 ? $"None of the {n} migration(s) completed, so no stop can be judged against the SLO."
                : $"None of the {n} migration(s) completed{longer}", true);
        if (arrived == n)
            return (over == 0 ? $"All {n} migration(s) completed and stop their VM within the SLO.{worst}"
                : $"All {n} migration(s) completed and {within} of them stop their VM within the SLO{longer}", over > 0);
        return ($"{arrived} of {n} migration(s) completed and {within} of those stop their VM within the SLO; {n - arrived} did not complete{(over == 0 ? "." + worst : longer)}", true);
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
        // Only a migration that reached its destination met the SLO; the failed ones are listed below. With no
        // live migration, or none arriving, "meets the SLO" would be vacuous: say what happened instead.
        var arrived = r.Completed + r.Recovered;
        yield return (r.SloViolations > 0 ? $"{r.SloViolations} migration(s) stop their VM longer than the SLO."
            : r.Migrations == 0 ? "The plan has no live migration: there is no downtime for the SLO to judge."
            : arrived == 0 ? $"None of the {r.Migrations} migration(s) completed: no VM reached its destination, so the downtime SLO judges none."
            : arrived == r.Migrations ? "Every migration meets the downtime SLO."
            : $"{arrived} of {r.Migrations} migration(s) completed, within the downtime SLO; the others did not complete.",
            r.SloViolations > 0 || arrived < r.Migrations);
        yield return ($"Worst downtime {N(r.WorstDowntimeSeconds * 1000, "0")} ms; the migrations take {N(r.TotalSeconds / 60, "0.0")} min and move {N(r.DataMovedGiB, "0.0")} GiB.", false);
        if (r.PostCopy + r.Hybrid > 0)
            yield return ($"{r.PostCopy + r.Hybrid} migration(s) use post-copy or hybrid: a link failure after the switch loses the VM unless it is checkpointed.", true);
        var failed = r.Aborted + r.Restored + r.Lost + r.Skipped;
        if (failed > 0) yield return ($"Injected failures: {r.Aborted} aborted, {r.Restored} restored, {r.Lost} lost, {r.Skipped} skipped.", true);
    }
}

using Consolidator.Packing;
using Consolidator.Simulation;
using ScottPlot;

namespace Consolidator.Plots;

internal static class MigrationPlots
{
    private static readonly Color[] StageColours = [Colors.SteelBlue, Colors.DarkOrange];

    /// <summary>One bar per live migration from its start to its end in the replay, in plan order from the top
    /// (migration 1 is the first row), stages in alternating colours and named in the legend; failed migrations
    /// in red.</summary>
    public static Figure Gantt(PlacementProblem p, SimulationResult replay)
    {
        var plot = new Plot();
        var started = replay.Migrations.Where(m => m.Started).ToList();
        for (var i = 0; i < started.Count; i++)
        {
            var m = started[i];
            var bar = plot.Add.Rectangle(m.StartSeconds / 60, Math.Max(m.EndSeconds, m.StartSeconds + 0.5) / 60, i + 0.6, i + 1.4);
            bar.FillColor = m.Status == MigrationStatus.Completed ? StageColours[m.Stage % 2] : Colors.Red;
            bar.LineWidth = 0;
        }
        foreach (var s in replay.Stages.Skip(1))
        {
            var line = plot.Add.VerticalLine(s.StartSeconds / 60);
            line.Color = Colors.Gray.WithAlpha(0.6);
            line.LinePattern = LinePattern.Dashed;
        }
        plot.Title($"Migration plan: {started.Count} live migration(s) in {replay.Stages.Length} stage(s)");
        plot.XLabel("minutes after the plan starts (dashed: a stage starts)");
        plot.YLabel("migration, in plan order");
        // Inverted: migration 1 at the top, the axis counting down the page as the plan runs.
        plot.Axes.SetLimits(0, Math.Max(replay.Summary.TotalSeconds / 60, 0.1) * 1.02, Math.Max(1, started.Count) + 0.5, 0.5);
        List<LegendItem> legend =
        [
            new() { LabelText = "odd stage (1, 3, ...)", FillColor = StageColours[1] },
            new() { LabelText = "even stage (2, 4, ...)", FillColor = StageColours[0] },
        ];
        if (started.Any(m => m.Status != MigrationStatus.Completed)) legend.Add(new() { LabelText = "failed", FillColor = Colors.Red });
        plot.ShowLegend(legend, Alignment.UpperRight);
        return Figure.Render("gantt", plot);
    }

    /// <summary>Histogram of the downtime the SLO judges, over the started migrations. The SLO is a bin edge, and
    /// a migration falls on the side of it that the SLO check puts it on, so that no bar straddles the line.</summary>
    public static Figure Downtime(SimulationResult replay)
    {
        var plot = new Plot();
        var o = replay.Options;
        var started = replay.Migrations.Where(m => m.Started).ToList();
        var slo = o.MaxDowntimeSeconds * 1000;
        // A violation as the simulator counts one (SimulationSummary.SloViolations).
        var (width, within, over) = Bins(slo, [.. started.Select(m => (m.SloDowntimeSeconds(o.Slo) * 1000, m.SloDowntimeSeconds(o.Slo) > o.MaxDowntimeSeconds + MethodChoice.DowntimeToleranceSeconds))]);
        var bins = within.Length;
        var centres = Enumerable.Range(0, bins).Select(b => (b + 0.5) * width).ToArray();
        var ok = plot.Add.Bars(centres, within);
        ok.Color = Colors.SteelBlue;
        ok.LegendText = "within the SLO";
        var bad = plot.Add.Bars(centres, over);
        bad.Color = Colors.Red;
        bad.LegendText = "over the SLO";
        foreach (var b in ok.Bars.Concat(bad.Bars)) b.Size = width * 0.9;
        var line = plot.Add.VerticalLine(slo);
        line.Color = Colors.Red;
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = $"SLO {slo:0} ms";
        plot.Axes.SetLimits(0, bins * width, 0, Math.Max(1, within.Concat(over).Max()) * 1.1);
        plot.Title($"Downtime of {started.Count} migration(s); {replay.Summary.SloViolations} over the SLO");
        var longest = started.Select(m => m.SloDowntimeSeconds(o.Slo) * 1000).DefaultIfEmpty(0).Max();
        plot.XLabel((o.Slo == SloDowntime.Stop ? "downtime: the VM's stop (ms)" : "downtime: the VM's stop plus post-copy stalls (ms)")
            + (longest > bins * width ? $"; the last bar holds all from {(bins - 1) * width:0} ms to {longest:0} ms" : ""));
        plot.YLabel("migrations");
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Render("downtime", plot);
    }

    /// <summary>Bins of the downtimes (ms) with the SLO on an edge (about 30 over the range, a whole number below
    /// the SLO, at most 60); a downtime counts left of the SLO unless the SLO check calls it a violation, so that one just over
    /// the line but within the check's tolerance is not drawn as a violation.</summary>
    internal static (double Width, double[] Within, double[] Over) Bins(double sloMs, IReadOnlyList<(double Ms, bool Violation)> downtimes)
    {
        var top = Math.Max(sloMs * 1.5, downtimes.Select(d => d.Ms).DefaultIfEmpty(0).Max() * 1.05);
        var below = Math.Max(1, (int)Math.Round(30 * sloMs / top));
        var width = sloMs / below;
        // At most 60 bins: with an SLO far below the longest downtime, the last bin holds every longer one.
        var bins = Math.Max(below + 1, Math.Min(60, (int)Math.Ceiling(top / width)));
        var within = new double[bins];
        var over = new double[bins];
        foreach (var (ms, violation) in downtimes)
        {
            // Bins are (a, b]: a downtime exactly at the SLO is in the bin that ends there.
            var bin = Math.Clamp((int)Math.Ceiling(ms / width) - 1, 0, bins - 1);
            if (violation) over[Math.Max(bin, below)]++;
            else within[Math.Min(bin, below - 1)]++;
        }
        return (width, within, over);
    }
}

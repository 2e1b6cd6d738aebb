using Consolidator.Packing;
using Consolidator.Simulation;
using ScottPlot;

namespace Consolidator.Plots;

internal static class MigrationPlots
{
    private static readonly Color[] StageColours = [Colors.SteelBlue, Colors.DarkOrange];

    /// <summary>One bar per live migration from its start to its end in the replay, stages in alternating
    /// colours; failed migrations in red.</summary>
    public static Figure Gantt(PlacementProblem p, SimulationResult replay)
    {
        var plot = new Plot();
        var started = replay.Migrations.Where(m => m.Started).ToList();
        for (var i = 0; i < started.Count; i++)
        {
            var m = started[i];
            var bar = plot.Add.Rectangle(m.StartSeconds / 60, Math.Max(m.EndSeconds, m.StartSeconds + 0.5) / 60, started.Count - i - 0.9, started.Count - i - 0.1);
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
        plot.XLabel("minutes after the plan starts");
        plot.YLabel("migration (plan order, first at the top)");
        plot.Axes.SetLimits(0, Math.Max(replay.Summary.TotalSeconds / 60, 0.1) * 1.02, 0, Math.Max(1, started.Count));
        return Figure.Render("gantt", plot);
    }

    /// <summary>Histogram of the downtimes of the started migrations, with the SLO marked.</summary>
    public static Figure Downtime(SimulationResult replay)
    {
        var plot = new Plot();
        var ms = replay.Migrations.Where(m => m.Started).Select(m => m.DowntimeSeconds * 1000).ToArray();
        var slo = replay.Options.MaxDowntimeSeconds * 1000;
        var top = Math.Max(slo * 1.5, ms.DefaultIfEmpty(0).Max() * 1.05);
        const int bins = 30;
        var width = top / bins;
        var counts = new double[bins];
        foreach (var x in ms) counts[Math.Min(bins - 1, (int)(x / width))]++;
        var bars = plot.Add.Bars(Enumerable.Range(0, bins).Select(b => (b + 0.5) * width).ToArray(), counts);
        foreach (var b in bars.Bars) b.Size = width * 0.9;
        var line = plot.Add.VerticalLine(slo);
        line.Color = Colors.Red;
        line.LegendText = $"SLO {slo:0} ms";
        plot.Axes.SetLimitsY(0, Math.Max(1, counts.Max()) * 1.1);
        plot.Title($"Downtime of {ms.Length} migration(s); {replay.Summary.SloViolations} over the SLO");
        plot.XLabel("downtime (ms)");
        plot.YLabel("migrations");
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Render("downtime", plot);
    }
}

using Consolidator.Sweeps;
using ScottPlot;

namespace Consolidator.Plots;

/// <summary>The sweep's trade-off: energy per day against data moved, the Pareto-optimal points joined.</summary>
public static class SweepPlots
{
    public static Figure ParetoFront(IReadOnlyList<SweepPointResult> results)
    {
        var plot = new Plot();
        var feasible = results.Where(r => r.Figures is not null).ToList();
        var others = feasible.Where(r => !r.Pareto).ToList();
        var front = feasible.Where(r => r.Pareto).OrderBy(r => r.Figures!.DataMovedGiB).ThenBy(r => r.Figures!.EnergyKWhPerDay).ToList();
        if (others.Count > 0)
        {
            var dominated = plot.Add.ScatterPoints(others.Select(r => r.Figures!.DataMovedGiB).ToArray(), others.Select(r => r.Figures!.EnergyKWhPerDay).ToArray());
            dominated.Color = Colors.Gray;
            dominated.MarkerSize = 8;
            dominated.LegendText = "dominated";
        }
        if (front.Count > 0)
        {
            var optimal = plot.Add.Scatter(front.Select(r => r.Figures!.DataMovedGiB).ToArray(), front.Select(r => r.Figures!.EnergyKWhPerDay).ToArray());
            optimal.Color = Colors.OrangeRed;
            optimal.MarkerSize = 11;
            optimal.LineWidth = 2;
            optimal.LegendText = "Pareto-optimal";
            foreach (var r in front)
            {
                var label = plot.Add.Text($"#{r.Point.Index} p{r.Point.Percentile:0.#} h{r.Point.Headroom:0.##} w{r.Point.MigrationWeight:0.#}",
                    r.Figures!.DataMovedGiB, r.Figures.EnergyKWhPerDay);
                label.LabelFontSize = 11;
                label.OffsetY = -6;
            }
        }
        plot.Title("Sweep: energy against migration cost (overload risk in sweep.csv)");
        plot.XLabel("data moved by the migrations (GiB)");
        plot.YLabel("energy after consolidation (kWh/day)");
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Render("pareto", plot);
    }
}

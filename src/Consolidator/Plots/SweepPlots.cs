using Consolidator.Sweeps;
using ScottPlot;

namespace Consolidator.Plots;

/// <summary>The sweep's trade-off: energy per day against data moved, the Pareto front drawn as the staircase
/// of what can be had (for any amount of data moved, the least energy a point on the front reaches).</summary>
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
            // Between two points of the front nothing better is on offer: energy stays at the left point's level
            // until the data moved reaches the right point.
            optimal.ConnectStyle = ConnectStyle.StepHorizontal;
            optimal.Color = Colors.OrangeRed;
            optimal.MarkerSize = 11;
            optimal.LineWidth = 2;
            optimal.LegendText = "Pareto-optimal";
        }
        plot.Title("Sweep: energy against migration cost (overload risk in sweep.csv)");
        plot.XLabel("data moved by the migrations (GiB)");
        plot.YLabel("energy after consolidation (kWh/day)");
        plot.ShowLegend(Alignment.UpperRight);
        if (front.Count > 0) Label(plot, front, feasible);
        return Figure.Render("pareto", plot);
    }

    private const float LabelHeight = 16, CharWidth = 6.5f, Gap = 8;

    /// <summary>Names every point of the front beside it without two labels overlapping: the plot is laid out once
    /// to know where the points fall in pixels, then each label takes the first free place of a few beside its
    /// point, moving further up or down if all are taken; no label covers a point's marker either.</summary>
    private static void Label(Plot plot, List<SweepPointResult> front, List<SweepPointResult> points)
    {
        plot.GetImage(Figure.Width, Figure.Height); // lays out the axes that GetPixel uses
        var data = plot.RenderManager.LastRender.DataRect;
        // Every point's marker is taken from the start, so that no label covers a point.
        var taken = points.Select(r => plot.GetPixel(new Coordinates(r.Figures!.DataMovedGiB, r.Figures.EnergyKWhPerDay)))
            .Select(at => new PixelRect(at.X - 6, at.X + 6, at.Y + 6, at.Y - 6)).ToList();
        foreach (var r in front)
        {
            var text = $"#{r.Point.Index} p{r.Point.Percentile:0.#} h{r.Point.Headroom:0.##} w{r.Point.MigrationWeight:0.#}";
            var at = plot.GetPixel(new Coordinates(r.Figures!.DataMovedGiB, r.Figures.EnergyKWhPerDay));
            var width = text.Length * CharWidth;
            PixelRect Box(float dx, float dy) => dx >= 0
                ? new PixelRect(at.X + dx, at.X + dx + width, at.Y + dy + LabelHeight / 2, at.Y + dy - LabelHeight / 2)
                : new PixelRect(at.X + dx - width, at.X + dx, at.Y + dy + LabelHeight / 2, at.Y + dy - LabelHeight / 2);
            var box = Enumerable.Range(0, 12)
                .SelectMany(k => new[] { (Gap, -k * LabelHeight), (Gap, k * LabelHeight), (-Gap, -k * LabelHeight), (-Gap, k * LabelHeight) })
                .Select(d => Box(d.Item1, d.Item2))
                .FirstOrDefault(b => b.Left >= data.Left && b.Right <= data.Right && b.Top >= data.Top && b.Bottom <= data.Bottom && !taken.Any(t => Overlap(t, b)), Box(Gap, 0));
            taken.Add(box);
            var label = plot.Add.Text(text, plot.GetCoordinates(new Pixel(box.Left, (box.Top + box.Bottom) / 2)));
            label.LabelFontSize = 11;
            label.Alignment = Alignment.MiddleLeft;
        }
    }

    private static bool Overlap(PixelRect a, PixelRect b) => a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;
}

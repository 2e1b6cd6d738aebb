using Consolidator.Evaluation;
using ScottPlot;

namespace Consolidator.Plots;

/// <summary>A rolling evaluation at a glance: SLATAH (top) and energy (bottom) per fold, one line per policy.</summary>
public static class EvaluationPlots
{
    public const string Name = "evaluation";

    /// <summary>SLATAH the acceptance allows in every fold, drawn as a reference line.</summary>
    public const double SlatahLimit = 0.005;

    public static (string Name, byte[] Png) PerFold(EvaluationRun run)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var slatah = multiplot.GetPlot(0);
        var energy = multiplot.GetPlot(1);
        var folds = Enumerable.Range(1, run.Folds.Length).Select(i => (double)i).ToArray();
        var names = run.Overall.Select(p => p.Policy).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < names.Length; i++)
        {
            var colour = palette.GetColor(i);
            double Of(EvaluationResult f, Func<PolicyOutcome, double> pick) => f.Policies.FirstOrDefault(p => p.Policy == names[i]) is { } o ? pick(o) : double.NaN;
            var s = slatah.Add.Scatter(folds, run.Folds.Select(f => 100 * Of(f, o => o.Slatah)).ToArray());
            s.Color = colour;
            s.LegendText = names[i];
            s.MarkerSize = 5;
            var e = energy.Add.Scatter(folds, run.Folds.Select(f => Of(f, o => o.EnergyKWhPerDay)).ToArray());
            e.Color = colour;
            e.LegendText = names[i];
            e.MarkerSize = 5;
        }
        var limit = slatah.Add.HorizontalLine(100 * SlatahLimit);
        limit.LinePattern = LinePattern.Dashed;
        limit.Color = Colors.Black;
        limit.LegendText = "0.5 %";
        slatah.Title("SLATAH per fold (share of active host-time over capacity)");
        slatah.YLabel("SLATAH (%)");
        // Outside the data, right of each panel: inside, a month of folds leaves no corner free.
        slatah.ShowLegend(Edge.Right);
        energy.ShowLegend(Edge.Right);
        energy.Title("Energy per fold (hosts and migrations)");
        energy.YLabel("kWh/day");
        energy.XLabel("fold (test day)");
        var image = multiplot.Render(Figure.Width, 2 * Figure.Height);
        return (Name, image.GetImageBytes(ImageFormat.Png));
    }
}

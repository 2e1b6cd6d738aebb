using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Traces;
using ScottPlot;

namespace Consolidator.Plots;

internal static class ProfilePlots
{
    /// <summary>The VM whose window demands vary most over the day (ties: the first): the one whose profile
    /// shows best why windows matter.</summary>
    public static int MostVariable(PlanOutcome plan)
    {
        var vms = plan.Profiles.Vms;
        var best = 0;
        double widest = -1;
        for (var v = 0; v < vms.Length; v++)
        {
            var range = vms[v].DemandCpu.Max() - vms[v].DemandCpu.Min();
            if (range > widest) (best, widest) = (v, range);
        }
        return best;
    }

    /// <summary>Every raw CPU sample of the VM by time of day, with its per-window percentile (which sizes
    /// it) and mean (which drives energy) drawn as steps.</summary>
    public static Figure VmProfile(PlanOutcome plan, Dataset dataset, int v)
    {
        var plot = new Plot();
        var series = dataset.Usage[v];
        var hours = series.UnixSeconds.Select(t => (double)(((t % 86400) + 86400) % 86400) / 3600).ToArray();
        var samples = plot.Add.ScatterPoints(hours, series.CpuCores.Select(c => (double)c).ToArray());
        samples.Color = Colors.Gray.WithAlpha(0.35);
        samples.MarkerSize = 3;
        samples.LegendText = "raw samples";
        var profile = plan.Profiles.Vms[v];
        Steps(plot, plan, profile.DemandCpu, $"p{plan.Profiles.Percentile:0.#} per window (sizes the VM)", Colors.OrangeRed);
        Steps(plot, plan, profile.MeanCpu, "mean per window (drives energy)", Colors.SteelBlue);
        plot.Axes.SetLimitsX(0, 24);
        plot.Title($"{profile.VmId} ({VmClasses.Name(profile.Class)}): profile against raw samples");
        plot.XLabel("hour of day (UTC)");
        plot.YLabel("CPU (cores)");
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Render("vm-profile", plot);
    }

    private static void Steps(Plot plot, PlanOutcome plan, double[] values, string legend, Color colour)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var w in plan.Profiles.Windows.Windows)
        {
            // A window that wraps midnight (day-night's 19:00-07:00) is drawn as its two pieces.
            var start = w.StartMinute / 60.0;
            var end = w.EndMinute / 60.0;
            if (end <= start) end += 24;
            foreach (var (a, b) in end > 24 ? new[] { (start, 24.0), (0.0, end - 24) } : [(start, end)])
            {
                xs.AddRange([a, b, double.NaN]);
                ys.AddRange([values[w.Index], values[w.Index], double.NaN]);
            }
        }
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        line.MarkerSize = 0;
        line.LineWidth = 3;
        line.Color = colour;
        line.LegendText = legend;
    }
}

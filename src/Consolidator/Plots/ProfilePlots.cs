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
        // A scheme that knows the week is drawn over the week (Monday 00:00 UTC = 0), a daily one over the day.
        var week = plan.Profiles.Windows.KnowsTheWeek;
        var span = week ? 24.0 * Profiles.Week.Days : 24.0;
        var hours = series.UnixSeconds.Select(t => week ? Profiles.Week.MinuteOf(t) / 60.0 : (double)(((t % 86400) + 86400) % 86400) / 3600).ToArray();
        var samples = plot.Add.ScatterPoints(hours, series.CpuCores.Select(c => (double)c).ToArray());
        samples.Color = Colors.Gray.WithAlpha(0.35);
        samples.MarkerSize = 3;
        samples.LegendText = "raw samples";
        var profile = plan.Profiles.Vms[v];
        Steps(plot, plan, profile.DemandCpu, $"p{plan.Profiles.Percentile:0.#} per window (sizes the VM)", Colors.OrangeRed);
        Steps(plot, plan, profile.MeanCpu, "mean per window (drives energy)", Colors.SteelBlue);
        plot.Axes.SetLimitsX(0, span);
        plot.Title($"{profile.VmId} ({VmClasses.Name(profile.Class)}): profile against raw samples");
        plot.XLabel(week ? "hour of the week from Monday 00:00 (UTC)" : "hour of day (UTC)");
        plot.YLabel("CPU (cores)");
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Render("vm-profile", plot);
    }

    private static void Steps(Plot plot, PlanOutcome plan, double[] values, string legend, Color colour)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        var week = plan.Profiles.Windows.KnowsTheWeek;
        foreach (var w in plan.Profiles.Windows.Windows)
        {
            // A window that wraps midnight (day-night's 19:00-07:00) is drawn as its two pieces; a window of a
            // weekly scheme once on each of its days.
            var start = w.StartMinute / 60.0;
            var end = w.EndMinute / 60.0;
            if (end <= start) end += 24;
            var offsets = week ? Enumerable.Range(0, Profiles.Week.Days).Where(d => (w.Days & Profiles.Week.Flag(d)) != 0).Select(d => 24.0 * d) : [0.0];
            foreach (var offset in offsets)
                foreach (var (a, b) in end > 24 ? new[] { (start, 24.0), (0.0, end - 24) } : [(start, end)])
                {
                    xs.AddRange([offset + a, offset + b, double.NaN]);
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

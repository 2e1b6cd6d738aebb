using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Simulation;
using Consolidator.Traces;
using ScottPlot;

namespace Consolidator.Plots;

/// <summary>The plots of one plan: CPU and memory utilisation per host and window before and after, data-centre power over
/// the day, the migration Gantt chart and the downtime distribution (when the plan was replayed), and one
/// VM's profile against its raw samples.</summary>
public static class PlanPlots
{
    /// <param name="stop">Asked before each figure: true once the time limit leaves too little for another and the rest
    /// of the output. The plots are then left out whole (none is returned), as they are when they do not fit from the
    /// start: drawing them is the one part of the output that can give way to the limit.</param>
    public static IReadOnlyList<Figure> All(PlanOutcome plan, Dataset dataset, Func<bool>? stop = null)
    {
        var p = plan.Problem;
        List<Func<Figure>> draw =
        [
            () => Utilisation(p, p.CurrentPlacement(), "utilisation-before", "Utilisation per host (percentile demand over capacity), current placement"),
            () => Utilisation(p, plan.Target, "utilisation-after", "Utilisation per host (percentile demand over capacity), planned placement"),
            () => Power(p, plan.Target),
        ];
        if (plan.Simulation is { } replay)
        {
            draw.Add(() => MigrationPlots.Gantt(p, replay));
            draw.Add(() => MigrationPlots.Downtime(replay));
        }
        draw.Add(() => ProfilePlots.VmProfile(plan, dataset, ProfilePlots.MostVariable(plan)));
        var figures = new List<Figure>(draw.Count);
        foreach (var figure in draw)
        {
            if (stop?.Invoke() == true) return [];
            figures.Add(figure());
        }
        return figures;
    }

    /// <summary>Each host's percentile demand of <paramref name="resource"/> over its capacity, per window; NaN
    /// for a host that carries no VM (switched off, not idle); unplaced VMs are left out.</summary>
    internal static double[,] Utilisation(PlacementProblem p, Placement placement, Resource resource)
    {
        var u = new double[p.HostCount, p.WindowCount];
        var carries = new bool[p.HostCount];
        for (var v = 0; v < p.VmCount; v++)
        {
            var h = placement[v];
            if (h < 0) continue;
            carries[h] = true;
            for (var w = 0; w < p.WindowCount; w++) u[h, w] += (double)p.Demand(v, resource, w) / p.Capacity(h, resource);
        }
        for (var h = 0; h < p.HostCount; h++)
            if (!carries[h])
                for (var w = 0; w < p.WindowCount; w++) u[h, w] = double.NaN;
        return u;
    }

    /// <summary>CPU (left) and memory (right) per host and window, on one colour scale; a host that carries no VM
    /// is grey (switched off), apart from a host that runs at 0 % (dark).</summary>
    private static Figure Utilisation(PlacementProblem p, Placement placement, string name, string title)
    {
        var plot = new Plot();
        // The memory map sits right of the CPU map, a gap of two windows between them.
        var offset = p.WindowCount + 2;
        var scaled = false;
        foreach (var (resource, left) in new[] { (Resource.Cpu, 0), (Resource.Memory, offset) })
        {
            var values = Utilisation(p, placement, resource);
            if (!values.Cast<double>().Any(double.IsFinite))
            {
                // No host carries a VM (every VM is new): all grey. ScottPlot cannot scale a map without a number.
                var off = plot.Add.Rectangle(left - 0.5, left + p.WindowCount - 0.5, -0.5, p.HostCount - 0.5);
                off.FillColor = Colors.LightGray;
                off.LineWidth = 0;
                continue;
            }
            var map = plot.Add.Heatmap(values);
            map.Colormap = new ScottPlot.Colormaps.Viridis();
            map.ManualRange = new ScottPlot.Range(0, 1);
            map.NaNCellColor = Colors.LightGray;
            map.Position = new CoordinateRect(left, left + p.WindowCount - 1, 0, p.HostCount - 1);
            if (!scaled)
            {
                var bar = plot.Add.ColorBar(map);
                bar.Label = "share of capacity";
                // Fixed ticks: the bar sizes itself on ticks generated for a guessed 600 px axis, and the
                // automatic ticks of the real one were wider, so its label overlapped them.
                bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                    [.. Enumerable.Range(0, 6).Select(i => new Tick(i / 5.0, $"{i * 20} %"))]);
            }
            scaled = true;
        }
        plot.Title(title);
        plot.XLabel($"window (UTC): CPU left, memory right; grey = host switched off (no VM)");
        plot.YLabel("host (row 1 at the top)");
        // Three labels a map: a window label is up to about 20 characters.
        var step = Math.Max(1, (p.WindowCount + 2) / 3);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. p.Windows.Windows.Where(w => w.Index % step == 0).SelectMany(w => new[] { new Tick(w.Index, w.Label), new Tick(offset + w.Index, w.Label) })]);
        // Every host is named up to 40 rows (about 12 px a row); beyond that every k-th.
        var every = Math.Max(1, (p.HostCount + 39) / 40);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, p.HostCount).Where(h => h % every == 0).Select(h => new Tick(p.HostCount - 1 - h, p.Hosts[h].Id))]);
        plot.Axes.Left.TickLabelStyle.FontSize = 10;
        var cpu = plot.Add.Text("CPU", (p.WindowCount - 1) / 2.0, p.HostCount - 0.5);
        var memory = plot.Add.Text("memory", offset + (p.WindowCount - 1) / 2.0, p.HostCount - 0.5);
        foreach (var label in new[] { cpu, memory })
        {
            label.Alignment = Alignment.LowerCenter;
            label.LabelFontSize = 12;
            label.LabelBold = true;
        }
        plot.Axes.SetLimits(-0.5, offset + p.WindowCount - 0.5, -0.5, p.HostCount + 0.8);
        return Figure.Render(name, plot);
    }

    /// <summary>Watts per window under the linear power model: idle for every host with a VM, plus watts per
    /// core of the VMs' mean CPU.</summary>
    internal static double[] PowerPerWindow(PlacementProblem p, Placement placement)
    {
        var watts = new double[p.WindowCount];
        foreach (var (h, vms) in Energy.VmsByHost(p, placement))
        {
            var host = p.Hosts[h];
            for (var w = 0; w < p.WindowCount; w++)
                watts[w] += host.IdleWatts + host.WattsPerCore * Math.Min(host.CpuCores, vms.Sum(v => p.MeanCpu(v, w)));
        }
        return watts;
    }

    private static Figure Power(PlacementProblem p, Placement target)
    {
        var plot = new Plot();
        var xs = Enumerable.Range(0, p.WindowCount).Select(w => (double)w).ToArray();
        var before = plot.Add.Scatter(xs, PowerPerWindow(p, p.CurrentPlacement()).Select(w => w / 1000).ToArray());
        before.LegendText = "current placement";
        before.Color = Colors.Gray;
        var after = plot.Add.Scatter(xs, PowerPerWindow(p, target).Select(w => w / 1000).ToArray());
        after.LegendText = "planned placement";
        after.Color = Colors.SeaGreen;
        plot.Axes.SetLimitsY(0, double.NaN);
        plot.Title("Data-centre power over the day");
        plot.XLabel("window (UTC)");
        plot.YLabel("power (kW)");
        plot.Axes.Bottom.TickGenerator = WindowTicks(p);
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Render("power", plot);
    }

    private static ScottPlot.TickGenerators.NumericManual WindowTicks(PlacementProblem p)
    {
        var step = Math.Max(1, p.WindowCount / 8);
        return new ScottPlot.TickGenerators.NumericManual(
            [.. p.Windows.Windows.Where(w => w.Index % step == 0).Select(w => new Tick(w.Index, w.Label))]);
    }
}

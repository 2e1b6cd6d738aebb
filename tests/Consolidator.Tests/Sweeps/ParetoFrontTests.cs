using System.Collections.Immutable;
using Consolidator.Simulation;
using Consolidator.Sweeps;
using CsCheck;

namespace Consolidator.Tests.Sweeps;

public class ParetoFrontTests
{
    [Fact]
    public void Marks_exactly_the_non_dominated_points_of_a_hand_made_set()
    {
        // (energy kWh/day, overload host-hours, data moved GiB)
        double[][] points =
        [
            [40, 5, 900],   // 0: least energy, but risky
            [45, 0, 1200],  // 1: safe, more data
            [45, 0, 1000],  // 2: dominates 1
            [50, 0, 800],   // 3: least data
            [50, 1, 800],   // 4: dominated by 3
            [40, 5, 900],   // 5: equal to 0: neither dominates the other
            [60, 6, 1300],  // 6: dominated by everything
        ];

        var marks = ParetoFront.Mark(points);

        Assert.Equal([true, false, true, true, false, true, false], marks);
    }

    [Fact]
    public void Infeasible_points_are_never_optimal_and_sweep_figures_are_compared_as_printed()
    {
        static SweepPointResult Point(int i, SweepFigures? f) =>
            new(new SweepPoint(i, "hourly", 95, 0.1, 10, MethodSelection.Auto), f, f is null ? "infeasible" : null);
        static SweepFigures Figures(double energy, double data) => new(energy, 5, 10, data, 100, 300, 300, 0, 0);

        var marked = ParetoFront.MarkSweep(
        [
            Point(1, Figures(47.3340001, 1400)),
            Point(2, Figures(47.3339999, 1430)),
            Point(3, null),
        ]);

        Assert.Equal([true, false, false], marked.Select(r => r.Pareto));
    }

    [Fact]
    public void No_marked_point_is_dominated_and_every_unmarked_point_is()
    {
        var point = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 5], Gen.Int[0, 5], (a, b, c) => new double[] { a, b, c });
        point.Array[1, 12].Sample(points =>
        {
            var marks = ParetoFront.Mark(points);
            for (var i = 0; i < points.Length; i++)
            {
                var dominated = points.Any(q => ParetoFront.Dominates(q, points[i]));
                Assert.Equal(!dominated, marks[i]);
            }
            Assert.Contains(true, marks);
        }, iter: 200, threads: 1);
    }
}

using Consolidator.Generation;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;

namespace Consolidator.Tests.Solving;

public class HostByHostFillTests
{
    private static PlacementProblem Fleet(int seed) => PlacementProblem.From(
        DatasetGenerator.Generate(new GeneratorOptions(Seed: seed, Vms: 40, Days: 1, SampleMinutes: 60)) is var d ? d : null!,
        ProfileBuilder.Build(d, WindowScheme.Hourly(), 95), new PlacementOptions());

    private static Placement? Fill(PlacementProblem p, long toBeat, out bool abandoned) =>
        HostByHostFill.Pack(p, new HashSet<int>(), secondsPerHost: 0.05, budget: 1, seed: 1, workers: 1, clock: new WorkClock(counted: true), toBeat, out _, out abandoned);

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void The_fill_stops_only_when_its_placement_could_not_beat_the_start(int seed)
    {
        // What the fill has placed is a part of its final objective (hosts on, VMs' dynamic energy, moves), so it may
        // stop once that part reaches the objective it competes with, and never sooner: stopped at a threshold, the
        // whole fill costs at least the threshold; not stopped, it is the same placement as the fill that never stops.
        var p = Fleet(seed);
        var whole = Fill(p, long.MaxValue, out var never);
        Assert.NotNull(whole);
        Assert.False(never);
        var again = Fill(p, long.MaxValue, out _);
        Assert.Equal(string.Join(",", whole.HostOf), string.Join(",", again!.HostOf));
        var units = Objective.Units(p, whole);
        var stops = 0;
        foreach (var share in new[] { 0.0, 0.2, 0.5, 0.8, 0.95, 0.99, 1.0, 1.001, 1.05, 1.5, 3.0 })
        {
            var threshold = (long)(units * share);
            var part = Fill(p, threshold, out var abandoned);
            if (abandoned)
            {
                stops++;
                Assert.Null(part);
                Assert.True(units >= threshold, $"stopped at {threshold} units although the whole fill costs {units}");
            }
            else Assert.Equal(string.Join(",", whole.HostOf), string.Join(",", part!.HostOf));
        }
        // Below the whole fill's cost it stops (at 0 before its second host); at or above it, it never does.
        Assert.InRange(stops, 3, 6);
    }
}

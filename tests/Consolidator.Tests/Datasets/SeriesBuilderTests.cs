using Consolidator.Datasets;

namespace Consolidator.Tests.Datasets;

public class SeriesBuilderTests
{
    private static Traces.VmSeries Build(int reserve, params long[] times)
    {
        var b = new SeriesBuilder();
        b.Reserve(reserve);
        foreach (var t in times) b.Add(t, t / 10.0, t * 2.0);
        return b.ToSeries(out var conflict) ?? throw new InvalidOperationException($"conflict {conflict}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(100)]
    public void Room_reserved_ahead_changes_nothing_in_the_series(int reserve)
    {
        var inOrder = Build(reserve, 10, 20, 30, 40);
        Assert.Equal([10L, 20, 30, 40], inOrder.UnixSeconds);
        Assert.Equal([1.0, 2, 3, 4], inOrder.CpuCores);
        Assert.Equal([20.0, 40, 60, 80], inOrder.MemoryMib);

        var shuffled = Build(reserve, 30, 10, 40, 20, 20);
        Assert.Equal([10L, 20, 30, 40], shuffled.UnixSeconds);
        Assert.Equal([20.0, 40, 60, 80], shuffled.MemoryMib);
    }
}

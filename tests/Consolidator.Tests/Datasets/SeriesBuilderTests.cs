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

    [Theory]
    [InlineData(10_000)]
    [InlineData(100_000)]
    public void A_long_series_keeps_at_most_one_chunk_of_spare_room(int samples)
    {
        // Doubling ended 10,000 samples in 16,384 slots and 100,000 in 131,072; with the copy to size at the end of
        // the read, a file of 10,000 samples a VM held 63 bytes of heap per 24-byte sample (bench throughput).
        var b = new SeriesBuilder();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < samples; i++) b.Add(i * 300L, 1, 2);
        Assert.InRange(b.Capacity, samples, samples + SeriesBuilder.ChunkSamples);
        var series = b.ToSeries(out _)!;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(samples, series.UnixSeconds.Length);
        // The chunks (at most one of spare room, the doubling up to the first chunk) and one copy to size, 24 bytes a
        // slot, plus the chunk list and object headers.
        Assert.InRange(allocated, 0, 24L * (2 * samples + 2 * SeriesBuilder.ChunkSamples) + 64 * 1024);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2_500)]
    public void Samples_across_chunks_come_back_in_time_order_with_repeats_dropped(int reserve)
    {
        const int instants = 5_000;
        var b = new SeriesBuilder();
        b.Reserve(reserve);
        // A fixed permutation of the instants (7,919 is prime to 5,000), each instant of a multiple of 7 twice.
        for (var k = 0; k < instants; k++)
        {
            var t = (long)(k * 7_919 % instants);
            b.Add(t * 60, t / 10.0, t * 2.0);
            if (t % 7 == 0) b.Add(t * 60, t / 10.0, t * 2.0);
        }
        var series = b.ToSeries(out var conflict) ?? throw new InvalidOperationException($"conflict {conflict}");
        Assert.Equal(Enumerable.Range(0, instants).Select(t => t * 60L), series.UnixSeconds);
        Assert.Equal(Enumerable.Range(0, instants).Select(t => t / 10.0), series.CpuCores);
        Assert.Equal(Enumerable.Range(0, instants).Select(t => t * 2.0), series.MemoryMib);

        var inOrder = new SeriesBuilder();
        inOrder.Reserve(reserve);
        for (var t = 0; t < instants; t++) inOrder.Add(t * 60L, t / 10.0, t * 2.0);
        var same = inOrder.ToSeries(out _)!;
        Assert.Equal(series.UnixSeconds, same.UnixSeconds);
        Assert.Equal(series.CpuCores, same.CpuCores);
        Assert.Equal(series.MemoryMib, same.MemoryMib);
    }
}

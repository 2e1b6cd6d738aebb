using Consolidator.Traces;

namespace Consolidator.Datasets;

/// <summary>Collects one VM's usage samples in file order and hands them back as a time-ordered
/// <see cref="VmSeries"/>. Samples with equal timestamps keep their file order (stable).</summary>
internal sealed class SeriesBuilder
{
    private long[] _times = new long[16];
    private double[] _cpu = new double[16];
    private double[] _memory = new double[16];
    private bool _inOrder = true;

    private long _zeroAt = long.MinValue;
    private double? _zeroFraction;

    public int Count { get; private set; }

    /// <summary>Keeps the zero fraction of the latest sample that gives one (a later row wins a tie).</summary>
    public void NoteZeroFraction(long unixSeconds, double fraction)
    {
        if (unixSeconds < _zeroAt) return;
        _zeroAt = unixSeconds;
        _zeroFraction = fraction;
    }

    public void Add(long unixSeconds, double cpuCores, double memoryMib)
    {
        if (Count == _times.Length)
        {
            var capacity = Count * 2;
            Array.Resize(ref _times, capacity);
            Array.Resize(ref _cpu, capacity);
            Array.Resize(ref _memory, capacity);
        }
        if (Count > 0 && unixSeconds < _times[Count - 1]) _inOrder = false;
        _times[Count] = unixSeconds;
        _cpu[Count] = cpuCores;
        _memory[Count] = memoryMib;
        Count++;
    }

    public VmSeries ToSeries()
    {
        var n = Count;
        if (_inOrder) return new VmSeries(_times[..n], _cpu[..n], _memory[..n]) { LastZeroFraction = _zeroFraction };

        var times = _times[..n];
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        Array.Sort(times, order);
        // Array.Sort is not stable: restore file order within each run of equal timestamps.
        for (var start = 0; start < n;)
        {
            var end = start + 1;
            while (end < n && times[end] == times[start]) end++;
            if (end - start > 1) Array.Sort(order, start, end - start);
            start = end;
        }
        var cpu = new double[n];
        var memory = new double[n];
        for (var i = 0; i < n; i++)
        {
            cpu[i] = _cpu[order[i]];
            memory[i] = _memory[order[i]];
        }
        return new VmSeries(times, cpu, memory) { LastZeroFraction = _zeroFraction };
    }
}

using Consolidator.Traces;

namespace Consolidator.Datasets;

/// <summary>Collects one VM's usage samples in file order and hands them back as a time-ordered
/// <see cref="VmSeries"/> with one sample per instant: a sample repeating an earlier one of the same instant
/// exactly is dropped (exported traces repeat rows); one with other values is a conflict the reader reports
/// with both lines, since which of the two is right cannot be told.</summary>
internal sealed class SeriesBuilder
{
    private long[] _times = new long[16];
    private double[] _cpu = new double[16];
    private double[] _memory = new double[16];
    private bool _inOrder = true;

    private long _zeroAt = long.MinValue;
    private double? _zeroFraction;

    private double _diskWriteSum;
    private int _diskWrites;

    public int Count { get; private set; }

    /// <summary>Adds one sample's disk write throughput to the VM's mean.</summary>
    public void NoteDiskWrite(double kibPerSecond)
    {
        _diskWriteSum += kibPerSecond;
        _diskWrites++;
    }

    private double? MeanDiskWrite => _diskWrites > 0 ? _diskWriteSum / _diskWrites : null;

    /// <summary>Keeps the zero fraction of the latest sample that gives one (a later row wins a tie).</summary>
    public void NoteZeroFraction(long unixSeconds, double fraction)
    {
        if (unixSeconds < _zeroAt) return;
        _zeroAt = unixSeconds;
        _zeroFraction = fraction;
    }

    /// <summary>Makes room for <paramref name="capacity"/> samples before the first is added: the reader passes the
    /// longest series so far, so that in a file written VM by VM each later VM's arrays are allocated once at their
    /// final length and handed over as they are, instead of doubled five or six times and copied to size (copying
    /// took half of the reading time at 30,000 VMs).</summary>
    public void Reserve(int capacity)
    {
        if (Count > 0 || capacity <= _times.Length) return;
        _times = new long[capacity];
        _cpu = new double[capacity];
        _memory = new double[capacity];
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

    /// <summary>The series (once: the builder's arrays may become the series'); or null, with <paramref name="conflict"/> set to the file-order positions (0-based,
    /// among this VM's samples) of the first two samples of one instant whose values differ.</summary>
    public VmSeries? ToSeries(out (int First, int Second)? conflict)
    {
        var (times, cpu, memory, order) = Sorted();
        conflict = null;
        var n = times.Length;
        var repeats = 0;
        for (int i = 1, first = 0; i < n; i++)
        {
            if (times[i] != times[i - 1])
            {
                first = i;
                continue;
            }
            // A later sample of the instant that starts at `first` (the sort is stable: file order within it).
            if (cpu[i] == cpu[first] && memory[i] == memory[first])
            {
                repeats++;
                continue;
            }
            conflict = (order?[first] ?? first, order?[i] ?? i);
            return null;
        }
        if (repeats == 0) return new VmSeries(times, cpu, memory) { LastZeroFraction = _zeroFraction, MeanDiskWriteKibPerSecond = MeanDiskWrite };
        var kept = 0;
        for (var i = 0; i < n; i++)
        {
            if (kept > 0 && times[i] == times[kept - 1]) continue;
            times[kept] = times[i];
            cpu[kept] = cpu[i];
            memory[kept] = memory[i];
            kept++;
        }
        return new VmSeries(times[..kept], cpu[..kept], memory[..kept]) { LastZeroFraction = _zeroFraction, MeanDiskWriteKibPerSecond = MeanDiskWrite };
    }

    private (long[] Times, double[] Cpu, double[] Memory, int[]? Order) Sorted()
    {
        var n = Count;
        if (_inOrder) return _times.Length == n ? (_times, _cpu, _memory, null) : (_times[..n], _cpu[..n], _memory[..n], null);

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
        return (times, cpu, memory, order);
    }
}

using Consolidator.Traces;

namespace Consolidator.Datasets;

/// <summary>Collects one VM's usage samples in file order and hands them back as a time-ordered
/// <see cref="VmSeries"/> with one sample per instant: a sample repeating an earlier one of the same instant
/// exactly is dropped (exported traces repeat rows); one with other values is a conflict the reader reports
/// with both lines, since which of the two is right cannot be told.</summary>
internal sealed class SeriesBuilder
{
    /// <summary>Samples a chunk holds once a series outgrows its first arrays. A series grows chunk by chunk rather than
    /// by doubling, so that its spare room is at most one chunk: doubled arrays ended a 10,000-sample series in 16,384
    /// slots, and with the copy to size at the end of the read the heap held 63 bytes per 24-byte sample.</summary>
    internal const int ChunkSamples = 1024;

    private readonly List<(long[] Times, double[] Cpu, double[] Memory)> _full = [];
    private long[] _times = new long[16];
    private double[] _cpu = new double[16];
    private double[] _memory = new double[16];
    private int _inChunk;
    private long _last;
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
        if (_inChunk == _times.Length)
        {
            if (_full.Count == 0 && _times.Length < ChunkSamples)
            {
                var capacity = Math.Min(_times.Length * 2, ChunkSamples);
                Array.Resize(ref _times, capacity);
                Array.Resize(ref _cpu, capacity);
                Array.Resize(ref _memory, capacity);
            }
            else
            {
                _full.Add((_times, _cpu, _memory));
                _times = new long[ChunkSamples];
                _cpu = new double[ChunkSamples];
                _memory = new double[ChunkSamples];
                _inChunk = 0;
            }
        }
        if (Count > 0 && unixSeconds < _last) _inOrder = false;
        _last = unixSeconds;
        _times[_inChunk] = unixSeconds;
        _cpu[_inChunk] = cpuCores;
        _memory[_inChunk] = memoryMib;
        _inChunk++;
        Count++;
    }

    /// <summary>Slots the builder holds for samples, used or not.</summary>
    internal long Capacity => _times.Length + _full.Sum(c => (long)c.Times.Length);

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
        var (times, cpu, memory) = Joined();
        if (_inOrder) return (times, cpu, memory, null);

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
        var sortedCpu = new double[n];
        var sortedMemory = new double[n];
        for (var i = 0; i < n; i++)
        {
            sortedCpu[i] = cpu[order[i]];
            sortedMemory[i] = memory[order[i]];
        }
        return (times, sortedCpu, sortedMemory, order);
    }

    /// <summary>The samples in file order in arrays of their count: the builder's own when they are exactly full
    /// (a series read into the room reserved for it), else one copy.</summary>
    private (long[] Times, double[] Cpu, double[] Memory) Joined()
    {
        if (_full.Count == 0 && _inChunk == _times.Length) return (_times, _cpu, _memory);
        var n = Count;
        var times = new long[n];
        var cpu = new double[n];
        var memory = new double[n];
        var at = 0;
        foreach (var chunk in _full)
        {
            chunk.Times.CopyTo(times, at);
            chunk.Cpu.CopyTo(cpu, at);
            chunk.Memory.CopyTo(memory, at);
            at += chunk.Times.Length;
        }
        Array.Copy(_times, 0, times, at, _inChunk);
        Array.Copy(_cpu, 0, cpu, at, _inChunk);
        Array.Copy(_memory, 0, memory, at, _inChunk);
        return (times, cpu, memory);
    }
}

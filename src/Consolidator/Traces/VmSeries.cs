namespace Consolidator.Traces;

/// <summary>The usage samples of one VM in time order: Unix seconds (UTC), CPU in cores and memory in MiB.</summary>
public sealed class VmSeries
{
    public VmSeries(long[] unixSeconds, double[] cpuCores, double[] memoryMib)
    {
        if (unixSeconds.Length != cpuCores.Length || unixSeconds.Length != memoryMib.Length)
            throw new ArgumentException("series arrays must have the same length");
        UnixSeconds = unixSeconds;
        CpuCores = cpuCores;
        MemoryMib = memoryMib;
    }

    public long[] UnixSeconds { get; }
    public double[] CpuCores { get; }
    public double[] MemoryMib { get; }
    public int Count => UnixSeconds.Length;

    /// <summary>usage.csv's optional <c>zero_fraction</c> at the VM's latest sample: the share of its allocated
    /// memory that reads as zero; null when the file gives none.</summary>
    public double? LastZeroFraction { get; init; }

    /// <summary>usage.csv's optional <c>disk_write_kib_s</c>, averaged over the samples that give it: the rate at
    /// which the VM rewrites disk blocks, which block migration copies again; null when the file gives none.</summary>
    public double? MeanDiskWriteKibPerSecond { get; init; }

    /// <summary>The index of the first sample stamped at or after <paramref name="unixSeconds"/> (<see cref="Count"/>
    /// when none is): the samples before it are exactly those a policy deciding at that instant has seen.</summary>
    public int FirstAtOrAfter(long unixSeconds)
    {
        int lo = 0, hi = UnixSeconds.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (UnixSeconds[mid] < unixSeconds) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Memory in use at the latest sample (MiB); 0 for an empty series.</summary>
    public double LastMemoryMib => Count > 0 ? MemoryMib[^1] : 0;
}

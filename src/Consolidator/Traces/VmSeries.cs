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
}

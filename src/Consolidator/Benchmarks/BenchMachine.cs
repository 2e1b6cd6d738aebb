using System.Runtime.InteropServices;

namespace Consolidator.Benchmarks;

/// <summary>The machine a benchmark ran on, as the README's and docs/'s tables cite it.</summary>
public sealed record BenchMachine(int Cores, string Os, string Runtime, string? Cpu, double MemoryGib)
{
    /// <param name="cpuinfo">The text of /proc/cpuinfo when the platform has one (the caller reads it), else null.</param>
    public static BenchMachine Describe(string? cpuinfo) => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        CpuModel(cpuinfo),
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1));

    /// <summary>The first "model name" of a /proc/cpuinfo text.</summary>
    public static string? CpuModel(string? cpuinfo)
    {
        if (cpuinfo is null) return null;
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == "model name") return line[(colon + 1)..].Trim();
        }
        return null;
    }

    public override string ToString() =>
        $"{Cpu ?? "unknown CPU"}, {Cores} cores, {MemoryGib:0.#} GiB, {Os}, {Runtime}";
}

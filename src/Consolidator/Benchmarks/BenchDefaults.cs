namespace Consolidator.Benchmarks;

/// <summary>The <c>plan</c> command's defaults, which benchmark rows use unless a family's instance calls for others.</summary>
public static class BenchDefaults
{
    public const double Percentile = 95;
    public const int MaxMigrationsPerHost = 2;
}

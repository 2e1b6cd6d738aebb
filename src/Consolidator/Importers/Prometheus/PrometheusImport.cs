namespace Consolidator.Importers.Prometheus;

/// <summary>Where and what to read: the server, the period [Start, End] sampled every Step, and the metrics.</summary>
public sealed record PrometheusImport(Uri Url, DateTimeOffset Start, DateTimeOffset End, TimeSpan Step, PrometheusMetrics Metrics)
{
    /// <summary>How long one answer may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    public void Validate()
    {
        if (Step < TimeSpan.FromSeconds(1) || Step.Ticks % TimeSpan.TicksPerSecond != 0)
            throw new ArgumentOutOfRangeException(nameof(Step), Step, "--step must be a whole number of seconds, at least 1 s");
        if (End <= Start)
            throw new ArgumentOutOfRangeException(nameof(End), End, $"--end must come after --start ({Start:yyyy-MM-dd'T'HH:mm:ss'Z'})");
        if (string.IsNullOrWhiteSpace(Metrics.VmLabel))
            throw new ArgumentOutOfRangeException(nameof(Metrics.VmLabel), Metrics.VmLabel, "--vm-label must name a label");
    }
}

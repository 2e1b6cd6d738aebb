namespace Consolidator.Importers.Prometheus;

/// <summary>Where and what to read: the server, the period [Start, End] sampled every Step, and the metrics.</summary>
public sealed record PrometheusImport(Uri Url, DateTimeOffset Start, DateTimeOffset End, TimeSpan Step, PrometheusMetrics Metrics)
{
    /// <summary>Wall-clock seconds for all the server's answers together (<c>--timeout</c>): a server that never
    /// answers, or drips its answer, ends the import with an error when they are spent.</summary>
    public double TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;

    /// <summary>Ten minutes: a month of 1,000 VMs at a 5-minute step is 18 range queries of about 30 MiB each, which a
    /// Prometheus server answers in seconds; a server still sending after ten minutes is stuck or far too slow.</summary>
    public const double DefaultTimeoutSeconds = 600;

    /// <summary>The most <see cref="TimeoutSeconds"/> may be: a day.</summary>
    public const double MaxTimeoutSeconds = 86_400;

    /// <summary>The most one answer may hold (<see cref="PrometheusClient.MaxAnswerBytes"/>).</summary>
    public int MaxAnswerBytes { get; init; } = PrometheusClient.MaxAnswerBytes;

    public void Validate()
    {
        if (Step < TimeSpan.FromSeconds(1) || Step.Ticks % TimeSpan.TicksPerSecond != 0)
            throw new ArgumentOutOfRangeException(nameof(Step), Step, "--step must be a whole number of seconds, at least 1 s");
        // The CPU counter is read one step before Start, so that the first sample has an increase.
        if (Start - DateTimeOffset.MinValue < Step)
            throw new ArgumentOutOfRangeException(nameof(Start), Start, "--start must be at least one --step after 0001-01-01T00:00:00Z: the CPU counter is read one step before it");
        if (End <= Start)
            throw new ArgumentOutOfRangeException(nameof(End), End, $"--end must come after --start ({Start:yyyy-MM-dd'T'HH:mm:ss'Z'})");
        if (!(TimeoutSeconds > 0 && TimeoutSeconds <= MaxTimeoutSeconds))
            throw new ArgumentOutOfRangeException(nameof(TimeoutSeconds), TimeoutSeconds, "--timeout must be a number of seconds above 0 and at most a day (86400)");
        if (MaxAnswerBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxAnswerBytes), MaxAnswerBytes, "the bound on an answer must be at least a byte");
        if (string.IsNullOrWhiteSpace(Metrics.VmLabel))
            throw new ArgumentOutOfRangeException(nameof(Metrics.VmLabel), Metrics.VmLabel, "--vm-label must name a label");
    }
}

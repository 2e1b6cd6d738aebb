using System.Globalization;

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

    /// <summary>The most samples per VM one import reads: more than a year at a 5 s step or 19 years at a minute (a
    /// month at the default 5 minutes is 8,929). The period and the step are refused before any query above it: nine
    /// thousand years at 1 s (3e11 samples, 3e8 pairs of range queries) ran until --timeout.</summary>
    public const long MaxSamplesPerVm = 10_000_000;

    /// <summary>Samples per VM on the step grid Start, Start + Step, ..., End.</summary>
    public long SamplesPerVm => (End - Start).Ticks / Step.Ticks + 1;

    public void Validate()
    {
        if (Step < TimeSpan.FromSeconds(1) || Step.Ticks % TimeSpan.TicksPerSecond != 0)
            throw new ArgumentOutOfRangeException(nameof(Step), Step, "--step must be a whole number of seconds, at least 1 s");
        // The CPU counter is read one step before Start, so that the first sample has an increase.
        if (Start - DateTimeOffset.MinValue < Step)
            throw new ArgumentOutOfRangeException(nameof(Start), Start, "--start must be at least one --step after 0001-01-01T00:00:00Z: the CPU counter is read one step before it");
        if (End <= Start)
            throw new ArgumentOutOfRangeException(nameof(End), End, $"--end must come after --start ({Start:yyyy-MM-dd'T'HH:mm:ss'Z'})");
        if (SamplesPerVm > MaxSamplesPerVm)
            throw new ArgumentOutOfRangeException(nameof(Step), Step, string.Create(CultureInfo.InvariantCulture,
                $"--start {Start:yyyy-MM-dd'T'HH:mm:ss'Z'}, --end {End:yyyy-MM-dd'T'HH:mm:ss'Z'} and --step {(long)Step.TotalSeconds}s make {SamplesPerVm:N0} samples per VM; an import reads at most {MaxSamplesPerVm:N0} (more than a year at 5 s): shorten the period or lengthen --step"));
        if (!(TimeoutSeconds > 0 && TimeoutSeconds <= MaxTimeoutSeconds))
            throw new ArgumentOutOfRangeException(nameof(TimeoutSeconds), TimeoutSeconds, "--timeout must be a number of seconds above 0 and at most a day (86400)");
        if (MaxAnswerBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxAnswerBytes), MaxAnswerBytes, "the bound on an answer must be at least a byte");
        if (string.IsNullOrWhiteSpace(Metrics.VmLabel))
            throw new ArgumentOutOfRangeException(nameof(Metrics.VmLabel), Metrics.VmLabel, "--vm-label must name a label");
    }
}

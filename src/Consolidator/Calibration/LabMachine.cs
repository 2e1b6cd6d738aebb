using System.Collections.Immutable;

namespace Consolidator.Calibration;

/// <summary>What one machine's QEMU spends in CPU per MiB of migration work, measured from a recording's own rows marked
/// fit (<see cref="LabPoints.FitScenarios"/>) and never from its held-out rows, which then judge it. Each recording is
/// replayed with the figures of the machine it was made on: the rerun's machine needed ~0.65x the migration thread's CPU
/// time and ~0.15x the destination's per MiB of zero pages of the machine the lab's constants were fitted on, and a refit
/// of every constant on the rerun did not close its misses (19 of 21).</summary>
/// <param name="SourceCpuFactor">The source's migration-thread CPU time (schedstat, the migration_cpu_s column) over the
/// CPU time the model's own accounting gives the same migrations at the environment's constants (setup, syncs, zero-page
/// scan, sends; <see cref="LabEnvironment.ModelSourceCpuSeconds"/>), each the median of a fit pre-copy setting's runs,
/// summed over those settings, relative to the
/// same ratio on the recordings the constants were fitted on (<see cref="LabEnvironment.ReferenceSourceCpuRatio"/>): the
/// environment's CPU constants are scaled by it.</param>
/// <param name="DestinationZeroCpuSecondsPerGib">The destination's CPU time per GiB of zero pages loaded (QEMU 7.2
/// ram_load_precopy's RAM_SAVE_FLAG_ZERO: the header, one byte and buffer_is_zero over the destination's own page).</param>
/// <param name="DestinationDataCpuSecondsPerGib">Its CPU time per GiB of data pages loaded (the 4 KiB copy out of the
/// stream's buffer). Both: least squares of destination_other_cpu_s (the main loop, whose coroutine loads the stream) on
/// the GiB of zero and of data pages received, through the origin, over the fit pre-copy settings (each the median of
/// its runs).</param>
/// <param name="Source">Where the figures come from: the recording's fit rows, or why the reference's stand in.</param>
/// <param name="SourceSendCpuFactor">The migration thread's CPU cost of a data page sent on this machine, measured apart from
/// its other work (<see cref="SendLeastSquares(IEnumerable{LabMeasurement}, LabEnvironment)"/>), over the same on the
/// reference machine (<see cref="LabEnvironment.ReferenceSendCpuSecondsPerGib"/>); null where the fit rows do not tell the
/// two apart. A data page's send is kernel work (QEMU 7.2 save_normal_page queues the page as an iovec, ram.c 1342-1357,
/// and qemu_fflush writes 32 of them at a time into the socket, qemu-file.c 291-302: the copy into the socket and
/// loopback TCP), a zero page's a buffer_is_zero over it and 9 bytes in the buffer (ram.c 1257-1271): the two need not
/// scale alike from machine to machine. Used only with <see cref="LabEnvironment.MeasuredSendCost"/> and
/// <see cref="LabEnvironment.SendOverlap"/>.</param>
/// <param name="SourceBesideSendCpuFactor">The same least squares' other coefficient: the thread's measured CPU time beside
/// the sends over the model's for that work at the environment's constants (<see cref="LabEnvironment.ModelSourceCpuSecondsBesideData"/>),
/// absolute, not relative to the reference: with the send at its measured cost, the setup, syncs and zero-page checks
/// scaled by it make the model's CPU time the thread's measured one on the fit rows. Null where the rows do not tell the
/// two apart. Used only with <see cref="LabEnvironment.SendOverlap"/>.</param>
public sealed record LabMachine(
    double SourceCpuFactor,
    double DestinationZeroCpuSecondsPerGib,
    double DestinationDataCpuSecondsPerGib,
    string Source,
    double? SourceSendCpuFactor = null,
    double? SourceBesideSendCpuFactor = null)
{
    /// <summary>The machine the lab's constants were fitted on, as measured by <see cref="Measure"/> on the fit rows of
    /// datasets/calibration/qemu-7.2-tcg-threads.csv (calibrate prints each recording's; a test recomputes
    /// it): the machine of every recording made before 2026-12-06.</summary>
    public static readonly LabMachine Reference = new(1, 1.998, 1.810, "the reference machine (tcg-threads' fit rows)");

    /// <summary>One line for calibrate's summary; with <paramref name="send"/>, the data page's send factor too, and with
/// <paramref name="rest"/> the factor of the thread's other work measured beside it.</summary>
    public string Describe(string recording, bool send = false, bool rest = false) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"machine of {recording}: source CPU x{SourceCpuFactor:0.00} the reference's{(send ? SourceSendCpuFactor is { } f ? $" (a data page's send x{f:0.00}{(rest && SourceBesideSendCpuFactor is { } a ? $", the rest x{a:0.00} the model's" : "")})" : " (a data page's send not told apart: the source factor)" : "")}, destination {DestinationZeroCpuSecondsPerGib:0.00} s per GiB of zero pages and {DestinationDataCpuSecondsPerGib:0.00} per GiB of data ({Source})");

    /// <summary>Fewest fit pre-copy rows with the CPU columns a measurement needs (two unknowns per end, and more than
    /// one run of them).</summary>
    public const int MinimumRows = 3;

    /// <summary>The recording's machine as measured on its fit pre-copy rows; where those rows lack a figure (recordings
    /// made before the columns existed), <see cref="Reference"/>'s stands in, as those recordings were made on it.</summary>
    public static LabMachine Measure(IEnumerable<LabMeasurement> rows, LabEnvironment environment)
    {
        var fit = FitPreCopy(rows).ToImmutableArray();
        var factor = Reference.SourceCpuFactor;
        var sources = new List<string>();
        var withSource = Settings(fit.Where(m => m.MigrationCpuSeconds is > 0), m => m.MigrationCpuSeconds!.Value, environment);
        double? sendFactor = null, besideSend = null;
        if (withSource.Sum(s => s.Runs) >= MinimumRows)
        {
            factor = withSource.Sum(s => s.Cpu) / withSource.Sum(s => s.Model) / environment.ReferenceSourceCpuRatio;
            if (environment.ReferenceSendCpuSecondsPerGib > 0 && SendSplit(withSource) is { } split)
                (sendFactor, besideSend) = (split.B / environment.ReferenceSendCpuSecondsPerGib, split.A);
            sources.Add($"source from {withSource.Sum(s => s.Runs)} fit rows");
        }
        var (zero, data) = (Reference.DestinationZeroCpuSecondsPerGib, Reference.DestinationDataCpuSecondsPerGib);
        var withDestination = Settings(fit.Where(m => m.DestinationOtherCpuSeconds is > 0), m => m.DestinationOtherCpuSeconds!.Value, environment);
        if (withDestination.Sum(s => s.Runs) >= MinimumRows && DestinationLeastSquares(withDestination) is { } measured)
        {
            (zero, data) = measured;
            sources.Add($"destination from {withDestination.Sum(s => s.Runs)} fit rows");
        }
        return sources.Count == 0 ? Reference with { Source = "no fit row with CPU figures: " + Reference.Source }
            : new LabMachine(factor, zero, data, string.Join(", ", sources), sendFactor, besideSend);
    }

    /// <summary>One fit setting (a scenario's migration) over its runs: the medians of its CPU figure, of the model's
    /// source CPU and of its zero and data GiB, as the calibration judges a setting by the median of its runs (one far
    /// draw of a shared machine does not move a machine's figure).</summary>
    private sealed record Setting(int Runs, double Cpu, double Model, double ZeroGib, double DataGib, double BesideData);

    private static Setting[] Settings(IEnumerable<LabMeasurement> rows, Func<LabMeasurement, double> cpu, LabEnvironment environment) =>
        [.. rows.GroupBy(m => (m.Scenario, m.Migration)).Select(g => new Setting(g.Count(),
            RunSpread.Of(g.Select(cpu)).Median, RunSpread.Of(g.Select(environment.ModelSourceCpuSeconds)).Median,
            RunSpread.Of(g.Select(m => m.ZeroPages * 4096.0 / (1 << 30))).Median, RunSpread.Of(g.Select(LabEnvironment.DataGib)).Median,
            RunSpread.Of(g.Select(environment.ModelSourceCpuSecondsBesideData)).Median))];

    /// <summary>Completed pre-copy rows of the fit scenarios without a capability the model leaves out.</summary>
    public static IEnumerable<LabMeasurement> FitPreCopy(IEnumerable<LabMeasurement> rows) =>
        rows.Where(m => LabPoints.FitScenarios.Contains(m.Scenario) && m.Method == "precopy" && m.Capability == "none" && m.Status == "completed");

    /// <summary>Destination CPU = zero x GiB of zero pages + data x GiB of data pages, least squares through the origin;
    /// null when the rows do not tell the two apart or either cost comes out not positive.</summary>
    private static (double Zero, double Data)? DestinationLeastSquares(IReadOnlyList<Setting> settings) =>
        LeastSquares(settings.Select(s => (s.Cpu, s.ZeroGib, s.DataGib))) is { } fit ? (fit.A, fit.B) : null;

    /// <summary>The migration thread's CPU seconds per GiB of data pages sent, apart from the rest of its work: least squares
    /// of its measured CPU = a x the model's CPU beside the sends (<see cref="LabEnvironment.ModelSourceCpuSecondsBesideData"/>)
    /// + b x GiB of data pages, over the fit settings (each the median of its runs); b, or null when the rows do not tell
    /// the two apart.</summary>
    public static double? SendLeastSquares(IEnumerable<LabMeasurement> rows, LabEnvironment environment) =>
        SendLeastSquares(Settings(FitPreCopy(rows).Where(m => m.MigrationCpuSeconds is > 0), m => m.MigrationCpuSeconds!.Value, environment));

    private static double? SendLeastSquares(IEnumerable<Setting> settings) => SendSplit(settings)?.B;

    private static (double A, double B)? SendSplit(IEnumerable<Setting> settings) =>
        LeastSquares(settings.Select(s => (s.Cpu, s.BesideData, s.DataGib)));

    /// <summary>y = a x1 + b x2, least squares through the origin; null when the rows do not tell x1 and x2 apart or
    /// either coefficient comes out not positive.</summary>
    private static (double A, double B)? LeastSquares(IEnumerable<(double Y, double X1, double X2)> rows)
    {
        double zz = 0, zd = 0, dd = 0, zy = 0, dy = 0;
        foreach (var (y, z, d) in rows)
            (zz, zd, dd, zy, dy) = (zz + z * z, zd + z * d, dd + d * d, zy + z * y, dy + d * y);
        var det = zz * dd - zd * zd;
        if (!(det > 1e-9 * zz * dd)) return null;
        var (a, b) = ((zy * dd - dy * zd) / det, (dy * zz - zy * zd) / det);
        return a > 0 && b > 0 ? (a, b) : null;
    }
}

using System.Collections.Immutable;
using Consolidator.Traces;

namespace Consolidator.Profiles;

/// <summary>Turns raw usage into per-window demand. A window's demand is a percentile of all samples whose
/// time falls in it, whatever their date: four weeks of samples give 28 days' worth per hourly window and four
/// per weekly one. <see cref="BuildOne"/> is a function of one VM's samples alone, so profiles can be built VM
/// by VM from a stream.</summary>
public static class ProfileBuilder
{
    /// <summary>Day mean over night mean (or the reverse) at which a VM counts as peaking.</summary>
    public const double PeakRatio = 1.5;

    /// <summary>The VPA's CPU histogram starts with 0.01 cores (model.CPUHistogramOptions) ...</summary>
    public const double CpuFirstBucketCores = 0.01;

    /// <summary>... and its memory histogram with 1e7 bytes (model.MemoryHistogramOptions), here in MiB.</summary>
    public const double MemoryFirstBucketMib = 1e7 / (1024.0 * 1024.0);

    /// <summary>The hour-of-day and day-night schemes every VM is read against, built once: a scheme maps all
    /// 10,080 minutes of the week when it is made, and making both per VM took 25 s of a 30,000-VM plan.</summary>
    private static readonly WindowScheme HourOfDay = WindowScheme.Hourly(), DayNight = WindowScheme.DayNight();

    /// <summary>Seconds building the profiles of <paramref name="dataset"/> takes on an idle machine, for
    /// <see cref="Timing.Deadline.Pace"/>: 20.2 M samples of `generate --vms 30000` took 2.6 s on 2 idle cores (load
    /// 1.4 to 4.8; every VM's profile is built on its own, so both cores work). Sorting each window once (<see cref="Exact"/>)
    /// took the process's CPU for profiles from 6.5 to 2.75 s (same file, `plan`, load 30 to 45): the constant scaled by
    /// that ratio, so that faster profiles do not read as an idle machine.</summary>
    public static double IdleSeconds(Dataset dataset) => IdleSecondsPerSample * dataset.Usage.Sum(s => (long)s.Count);

    public const double IdleSecondsPerSample = 0.55e-7;

    /// <summary>Processor seconds building the profiles of <paramref name="dataset"/> takes on its threads together, for
    /// <see cref="Timing.Deadline.Mark(string, double, double)"/> (every VM's profile is built on its own, on both
    /// cores): 20.2 M samples of `generate --vms 30000` took 2.18 and 2.48 s of the process's processor time (`plan`,
    /// main 4b7cd73, 2026-12-07 13:17-13:19 UTC, load 12-17); the Bitbrains month's 3.66 M 0.57 and 0.82 s. The smaller
    /// per sample, so that the pace it sets errs high.</summary>
    public static double IdleProcessorSeconds(Dataset dataset) => IdleProcessorSecondsPerSample * dataset.Usage.Sum(s => (long)s.Count);

    public const double IdleProcessorSecondsPerSample = 1.1e-7;

    public static ProfileSet Build(Dataset dataset, WindowScheme windows, double percentile) =>
        Build(dataset, windows, new ProfileOptions(percentile));

    public static ProfileSet Build(Dataset dataset, WindowScheme windows, ProfileOptions options)
    {
        options.Validate();
        var profiles = new VmProfile[dataset.Vms.Length];
        Parallel.For(0, profiles.Length, i =>
            profiles[i] = BuildOne(dataset.Vms[i].Id, dataset.Usage[i], windows, options));
        ImmutableArray<VmProfile> vms = [.. profiles];
        // Multiplexing is a property of the fleet (its mean variance per window), so it comes after every VM.
        if (options.Sizing == DemandSizing.Multiplexed) vms = MultiplexedSizing.Apply(vms, options);
        return new ProfileSet(windows, options, vms);
    }

    /// <summary>Profiles on a fixed scheme, or on the scheme the history calls for (<see cref="WeeklyPattern"/>),
    /// with the reason in <see cref="ProfileSet.Note"/>.</summary>
    public static ProfileSet Build(Dataset dataset, WindowChoice windows, ProfileOptions options)
    {
        if (windows.Fixed is { } scheme) return Build(dataset, scheme, options);
        var pattern = WeeklyPattern.Detect(dataset);
        return Build(dataset, pattern.Scheme, options) with { Note = "chosen from the history: " + pattern.Reason };
    }

    public static VmProfile BuildOne(string vmId, VmSeries series, WindowScheme windows, double percentile) =>
        BuildOne(vmId, series, windows, new ProfileOptions(percentile));

    /// <summary>The profile of one VM from its samples alone.</summary>
    public static VmProfile BuildOne(string vmId, VmSeries series, WindowScheme windows, ProfileOptions options)
        => (options.HalfLifeHours is null ? Exact(vmId, series, windows, options) : null) ?? General(vmId, series, windows, options);

    /// <summary>The profile from per-window sample sets, with the hour-of-day and whole-trace fallbacks for windows the
    /// trace does not cover, and decaying histograms when samples age.</summary>
    internal static VmProfile General(string vmId, VmSeries series, WindowScheme windows, ProfileOptions options)
    {
        var n = windows.Count;
        var cpu = new WindowSamples[n];
        var mem = new WindowSamples[n];
        var hourCpu = new WindowSamples[24];
        var hourMem = new WindowSamples[24];
        var allCpu = new WindowSamples(options, CpuFirstBucketCores);
        var allMem = new WindowSamples(options, MemoryFirstBucketMib);
        var hourOfDay = windows.KnowsTheWeek ? HourOfDay : null;
        for (var s = 0; s < series.Count; s++)
        {
            var t = series.UnixSeconds[s];
            var w = windows.IndexOf(t);
            (cpu[w] ??= new WindowSamples(options, CpuFirstBucketCores)).Add(series.CpuCores[s], t);
            (mem[w] ??= new WindowSamples(options, MemoryFirstBucketMib)).Add(series.MemoryMib[s], t);
            allCpu.Add(series.CpuCores[s], t);
            allMem.Add(series.MemoryMib[s], t);
            if (hourOfDay is null) continue;
            var h = hourOfDay.IndexOf(t);
            (hourCpu[h] ??= new WindowSamples(options, CpuFirstBucketCores)).Add(series.CpuCores[s], t);
            (hourMem[h] ??= new WindowSamples(options, MemoryFirstBucketMib)).Add(series.MemoryMib[s], t);
        }

        var f = new WindowFigures(n);
        var scale = 1 + options.Margin;
        for (var w = 0; w < n; w++)
        {
            // A window the trace never covers (a trace shorter than a week, or than a day) takes the same
            // hour of other days, and failing that the VM's whole-trace figure.
            var hour = hourOfDay is null ? -1 : windows.Windows[w].StartMinute / 60;
            var c = cpu[w] ?? (hour >= 0 ? hourCpu[hour] : null) ?? allCpu;
            var m = mem[w] ?? (hour >= 0 ? hourMem[hour] : null) ?? allMem;
            f.DemandCpu[w] = c.Percentile(options.Percentile) * scale;
            f.DemandMem[w] = m.Percentile(options.Percentile) * scale;
            f.MeanCpu[w] = c.Mean;
            f.MeanMem[w] = m.Mean;
            f.PeakCpu[w] = c.Percentile(100);
            f.StdDevCpu[w] = c.StdDev;
            f.Quantiles[w] = c.Percentiles(VmProfile.QuantileLevels);
        }
        return f.Profile(vmId, Classify(series));
    }

    /// <summary>The profile when every sample weighs the same and every window has samples (a trace of a week or more):
    /// each window's samples are gathered once, in time order, into one array per resource, summed in that order
    /// (the same sums as <see cref="WindowSamples"/>) and sorted once for every percentile. The same figures as the
    /// general path, which sorted a copy per percentile and also filled the hour-of-day and whole-trace fallbacks
    /// that such a trace never reads: 6.5 of 26 s of CPU of a 30,000-VM plan went there. Null when a window has no
    /// sample (the general path then fills it from the fallbacks).</summary>
    internal static VmProfile? Exact(string vmId, VmSeries series, WindowScheme windows, ProfileOptions options)
    {
        var n = windows.Count;
        var count = series.Count;
        var windowOf = new int[count];
        var start = new int[n + 1];
        for (var s = 0; s < count; s++)
        {
            var w = windows.IndexOf(series.UnixSeconds[s]);
            windowOf[s] = w;
            start[w + 1]++;
        }
        for (var w = 0; w < n; w++)
        {
            if (start[w + 1] == 0) return null;
            start[w + 1] += start[w];
        }
        // Stable: within a window the samples keep their time order, so the sums below add in the same order.
        var cpu = new double[count];
        var mem = new double[count];
        var next = start[..n];
        for (var s = 0; s < count; s++)
        {
            var at = next[windowOf[s]]++;
            cpu[at] = series.CpuCores[s];
            mem[at] = series.MemoryMib[s];
        }

        var f = new WindowFigures(n);
        var scale = 1 + options.Margin;
        for (var w = 0; w < n; w++)
        {
            var c = cpu.AsSpan(start[w], start[w + 1] - start[w]);
            var m = mem.AsSpan(start[w], start[w + 1] - start[w]);
            double sumCpu = 0, squaresCpu = 0, sumMem = 0;
            foreach (var v in c)
            {
                sumCpu += v;
                squaresCpu += v * v;
            }
            foreach (var v in m) sumMem += v;
            f.MeanCpu[w] = sumCpu / c.Length;
            f.MeanMem[w] = sumMem / m.Length;
            f.StdDevCpu[w] = Math.Sqrt(Math.Max(0, squaresCpu / c.Length - f.MeanCpu[w] * f.MeanCpu[w]));
            c.Sort();
            m.Sort();
            f.DemandCpu[w] = Percentile.OfSorted(c, options.Percentile) * scale;
            f.DemandMem[w] = Percentile.OfSorted(m, options.Percentile) * scale;
            f.PeakCpu[w] = Percentile.OfSorted(c, 100);
            var q = new double[VmProfile.QuantileLevels.Length];
            for (var k = 0; k < q.Length; k++) q[k] = Percentile.OfSorted(c, VmProfile.QuantileLevels[k]);
            f.Quantiles[w] = q;
        }
        return f.Profile(vmId, Classify(series));
    }

    /// <summary>Compares mean CPU in the day (07:00-19:00 UTC) with the night, independent of the window scheme.</summary>
    public static VmClass Classify(VmSeries series)
    {
        double day = 0, night = 0;
        int nd = 0, nn = 0;
        for (var s = 0; s < series.Count; s++)
        {
            if (DayNight.IndexOf(series.UnixSeconds[s]) == 0) { day += series.CpuCores[s]; nd++; }
            else { night += series.CpuCores[s]; nn++; }
        }
        if (nd == 0 || nn == 0) return VmClass.Flat;
        day /= nd;
        night /= nn;
        if (day > PeakRatio * night) return VmClass.DayPeaking;
        if (night > PeakRatio * day) return VmClass.NightPeaking;
        return VmClass.Flat;
    }

    /// <summary>One window's samples: kept as they are for the exact percentile when every sample weighs the
    /// same, or folded into a decaying histogram when samples age; the mean is weighted the same way.</summary>
    private sealed class WindowSamples(ProfileOptions options, double firstBucket)
    {
        private readonly List<double>? _values = options.HalfLifeHours is null ? [] : null;
        private readonly DecayingHistogram? _histogram = options.HalfLifeHours is null ? null
            : new DecayingHistogram(firstBucket, firstBucket * 1e5, options.HalfLifeSeconds);
        private const double MaxExponent = 100;
        private double _weightedSum, _weightedSquares, _weights;
        private long? _origin;

        public void Add(double value, long t)
        {
            if (_values is not null)
            {
                _values.Add(value);
                _weightedSum += value;
                _weightedSquares += value * value;
                _weights += 1;
                return;
            }
            _histogram!.Add(value, t);
            // The mean's weights are relative to the window's first sample; only their ratios matter.
            _origin ??= t;
            var exponent = (t - _origin.Value) / options.HalfLifeSeconds;
            if (exponent > MaxExponent)
            {
                // Move the origin forward before the weights overflow, as the VPA does with its histogram.
                var shrink = Math.Pow(2, -exponent);
                _weightedSum *= shrink;
                _weightedSquares *= shrink;
                _weights *= shrink;
                _origin = t;
                exponent = 0;
            }
            var w = Math.Pow(2, exponent);
            _weightedSum += w * value;
            _weightedSquares += w * value * value;
            _weights += w;
        }

        public double Mean => _weights > 0 ? _weightedSum / _weights : 0;

        /// <summary>The weighted population standard deviation (rounding can make E[x²] - mean² a hair negative).</summary>
        public double StdDev => _weights > 0 ? Math.Sqrt(Math.Max(0, _weightedSquares / _weights - Mean * Mean)) : 0;

        public double Percentile(double p) => _values is not null ? Profiles.Percentile.Of(_values, p) : _histogram!.Percentile(p / 100);

        public double[] Percentiles(double[] levels)
        {
            if (_values is null) return [.. levels.Select(p => _histogram!.Percentile(p / 100))];
            var sorted = _values.ToArray();
            Array.Sort(sorted);
            return [.. levels.Select(p => Profiles.Percentile.OfSorted(sorted, p))];
        }
    }

    /// <summary>The per-window figures of one VM's profile, filled by the general and the exact path alike.</summary>
    private sealed class WindowFigures(int n)
    {
        public readonly double[] DemandCpu = new double[n], DemandMem = new double[n], MeanCpu = new double[n],
            MeanMem = new double[n], PeakCpu = new double[n], StdDevCpu = new double[n];
        public readonly double[][] Quantiles = new double[n][];

        public VmProfile Profile(string vmId, VmClass vmClass) =>
            new(vmId, vmClass, DemandCpu, DemandMem, MeanCpu, MeanMem) { PeakCpu = PeakCpu, CpuQuantiles = Quantiles, CpuStdDev = StdDevCpu };
    }
}

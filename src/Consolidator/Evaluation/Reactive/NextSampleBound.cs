namespace Consolidator.Evaluation.Reactive;

/// <summary>The safety net's bound on a host's next summed CPU sample (<see cref="ReactiveOptions.SafetyNet"/>), read from
/// what was observed only: the history the net already reads, the host's recent samples and the rises around the same
/// time of day on the earlier days of the kind (<see cref="Observation.Recent"/>, <see cref="Observation.Seasonal"/>).
/// <para>Two kinds of host want two bounds (docs/two-level.md, "a switch on the lag-1 autocorrelation of the host's
/// rises"). Where the summed load walks or steps and stays (a burst that adds to the state the host is in: July 2013's
/// real VMs), the next sample is the last one plus a rise, and the largest rise seen is the bound (main's: the last
/// sample plus the largest rise). Where it is a level plus independent noise (the generated months' plateaus), the last
/// sample plus the largest rise counts the noise twice, once in the last sample and once in the rise; there each VM is
/// forecast by its own level and the margin is the largest of the VMs' one-step errors summed at the same instants
/// (<see cref="JointBound"/>). Which kind a host is, is read from the lag-1 autocorrelation of its one-step rises
/// (<see cref="RiseAutocorrelation"/>): the first differences of a level plus independent noise are an MA(1) with
/// coefficient -1, whose lag-1 autocorrelation is -1 / (1 + 1) = -0.5 (each noise sample enters two consecutive rises
/// with opposite signs); those of a walk are independent, 0 (Box, Jenkins and Reinsel, <i>Time Series Analysis</i>, the
/// MA(1) autocorrelation and over-differencing; recalled, not re-read here). The switch sits at the midpoint of the two
/// models' values, <see cref="LevelPlusNoise"/>; neither value is fitted to a month.</para></summary>
internal static class NextSampleBound
{
    /// <summary>At or below this lag-1 autocorrelation of the rises the host is read as a level plus noise: the midpoint of
    /// -0.5 (a level plus independent noise) and 0 (a walk, or steps that last), the two models' values (see the class).</summary>
    public const double LevelPlusNoise = -0.25;

    /// <summary>A lag-1 autocorrelation within this of <see cref="LevelPlusNoise"/> is read as on it, and on it is main's bound
    /// (the safe side): quantised samples (whole cores, or two decimals) can put the pooled ratio exactly at -0.25, where
    /// the sums' rounding alone would decide.</summary>
    public const double Tie = 1e-9;

    /// <summary>The grid step of the smoothing factor (0.05, 0.10, ..., 1), as docs/two-level-rho-switch.patch fits it.</summary>
    private const double Grid = 0.05;

    /// <summary>The bound on the host's next summed sample, and its margin above <paramref name="load"/> (what the relief's
    /// and the receiving tests add to the host's recent peaks, as they added main's largest rise). Main's bound
    /// (<paramref name="load"/> plus <paramref name="rise"/>, margin <paramref name="rise"/>) unless the host's rises are
    /// anti-correlated as a level plus noise makes them (<see cref="RiseAutocorrelation"/> at most
    /// <see cref="LevelPlusNoise"/>); then <see cref="JointBound"/>, where it is below main's.</summary>
    /// <param name="vms">What was seen of each of the host's VMs.</param>
    /// <param name="load">The host's observed load, the sum of its VMs' last samples.</param>
    /// <param name="rise">Main's largest one-step rise of the host's summed load over the same history.</param>
    /// <param name="seasonalWidth">How many rises each earlier day holds in <see cref="Observation.Seasonal"/>.</param>
    public static (double Bound, double Margin) Of(IReadOnlyList<Observation> vms, double load, double rise, int seasonalWidth)
    {
        if (vms.Count == 0) return (load + rise, rise);
        var stretches = Stretches(vms, seasonalWidth);
        if (RiseAutocorrelation(vms, stretches, seasonalWidth) > LevelPlusNoise - Tie) return (load + rise, rise);
        var (level, margin) = JointBound(stretches, vms);
        // The switch only takes out main's double count of the noise: where the joint form's bound is above main's (a
        // short or heavy-tailed history's prediction bound), main's stands, as it does on every host that is not switched.
        var joint = Math.Max(0, level - load) + margin;
        return joint < rise ? (load + joint, joint) : (load + rise, rise);
    }

    /// <summary>Per VM, its history as chronological runs of samples: [0] its recent samples (as many as every VM of the
    /// host has), then one per earlier day, the running sum of that day's rises from 0 (a stretch's constant offset
    /// changes neither its rises nor its fitted errors: the fit's initial level absorbs it). A NaN rise (no sample yet)
    /// makes the rest of its run NaN, which leaves the run out.</summary>
    private static double[][][] Stretches(IReadOnlyList<Observation> vms, int seasonalWidth)
    {
        var n = vms.Min(v => v.Recent?.Length ?? 0);
        var days = seasonalWidth > 0 && vms.All(v => v.Seasonal is not null) ? vms.Min(v => v.Seasonal!.Length) / seasonalWidth : 0;
        var all = new double[vms.Count][][];
        for (var i = 0; i < vms.Count; i++)
        {
            var runs = new double[1 + days][];
            runs[0] = new double[n];
            for (var k = 0; k < n; k++) runs[0][k] = vms[i].Recent![n - 1 - k];
            for (var d = 0; d < days; d++)
            {
                var run = runs[1 + d] = new double[seasonalWidth + 1];
                for (var j = 0; j < seasonalWidth; j++) run[j + 1] = run[j] + vms[i].Seasonal![d * seasonalWidth + j];
            }
            all[i] = runs;
        }
        return all;
    }

    /// <summary>The lag-1 autocorrelation of the host's one-step rises (its VMs' samples summed), pooled over the runs (the
    /// recent samples, each earlier day's rises): the sum of consecutive rises' products over the sum of the first one's
    /// squares, a pair with a NaN rise (a VM with no sample yet) left out; 0 when the host never moved (main's bound).</summary>
    private static double RiseAutocorrelation(IReadOnlyList<Observation> vms, double[][][] stretches, int seasonalWidth)
    {
        double num = 0, den = 0;
        void Add(ReadOnlySpan<double> rises)
        {
            for (var i = 1; i < rises.Length; i++)
            {
                double d1 = rises[i - 1], d2 = rises[i];
                if (!double.IsFinite(d1) || !double.IsFinite(d2)) continue;
                num += d1 * d2;
                den += d1 * d1;
            }
        }
        var load = new double[stretches[0][0].Length];
        foreach (var vm in stretches)
            for (var i = 0; i < load.Length; i++) load[i] += vm[0][i];
        var recent = new double[Math.Max(0, load.Length - 1)];
        for (var i = 0; i < recent.Length; i++) recent[i] = load[i + 1] - load[i];
        Add(recent);
        var day = new double[seasonalWidth];
        for (var d = 1; d < stretches[0].Length; d++)
        {
            Array.Clear(day);
            foreach (var vm in vms)
                for (var j = 0; j < seasonalWidth; j++) day[j] += vm.Seasonal![(d - 1) * seasonalWidth + j];
            Add(day);
        }
        return den > 0 ? num / den : 0;
    }

    /// <summary>Each VM forecast by its own simple-exponential-smoothing level (<see cref="Fit"/>: a walking VM's factor
    /// near 1 makes its level its last sample, a noisy level's near 0 its mean), the levels summed; the margin is read from
    /// the VMs' one-step errors summed at the same instants, over the runs every VM has whole, so a rise the VMs make
    /// together adds up and their independent noise partly cancels: the largest of them (the split-conformal bound at the
    /// order statistic main's largest rise is read at: Vovk, Gammerman and Shafer 2005; Angelopoulos and Bates 2021), at
    /// least their prediction bound (<see cref="Margin"/>).</summary>
    private static (double Level, double Margin) JointBound(double[][][] stretches, IReadOnlyList<Observation> vms)
    {
        var runs = stretches[0].Length;
        var joint = new double[runs][];
        var whole = new bool[runs];
        for (var k = 0; k < runs; k++) (joint[k], whole[k]) = (new double[Math.Max(0, stretches[0][k].Length - 1)], true);
        var level = 0.0;
        for (var i = 0; i < stretches.Length; i++)
        {
            var errors = new double[]?[runs];
            level += Fit(stretches[i], vms[i].Cpu, errors);
            for (var k = 0; k < runs; k++)
                if (errors[k] is not { } e || e.Length != joint[k].Length) whole[k] = false;
                else for (var q = 0; q < e.Length; q++) joint[k][q] += e[q];
        }
        var all = new List<double>();
        for (var k = 0; k < runs; k++)
            if (whole[k]) all.AddRange(joint[k]);
        return (level, Margin(all));
    }

    /// <summary>The joint margin from the host's one-step errors: the largest of them, and at least the one-sided normal
    /// prediction bound for the next error at <see cref="Coverage"/>, mean + t(n-1; Coverage) s sqrt(1 + 1/n) (Hahn and
    /// Meeker, <i>Statistical Intervals</i>, 1991, the prediction interval for one future observation of a normal sample).
    /// The largest of n errors alone is exceeded by the next one with probability 1 / (n + 1) (the split-conformal rank
    /// argument), about 1 in 20 to 1 in 30 on the 20-30 errors a host has on its first days of history: a host held at that
    /// bound by the net overloads within a few hours (the `--seed 7` month's 64-core host, docs/two-level.md). The
    /// prediction bound holds the next error's exceedance at 1 - <see cref="Coverage"/> and widens as the history shortens
    /// (Student's t and the sqrt(1 + 1/n) for the estimated mean). The errors summed over many VMs are near normal (a sum
    /// of independent noises), though their tails are heavier on the generated months (the next error passes 3 standard
    /// deviations at 0.3-0.4 % of the switched host-steps against the normal's 0.13 %: docs/two-level-rho-switch.py), so
    /// the bound is nominal; fewer than 2 errors give the largest alone (0 when none).</summary>
    internal static double Margin(IReadOnlyList<double> errors)
    {
        var n = errors.Count;
        if (n == 0) return 0;
        var largest = Math.Max(0, errors.Max());
        if (n < 2) return largest;
        var mean = errors.Average();
        var sd = Math.Sqrt(errors.Sum(e => (e - mean) * (e - mean)) / (n - 1));
        return Math.Max(largest, mean + StudentQuantile(Coverage, n - 1) * sd * Math.Sqrt(1 + 1.0 / n));
    }

    /// <summary>The next error's bound's coverage: its exceedance is the SLATAH issue 13 allows in a fold,
    /// <see cref="Verdict.SlatahPerFold"/> (0.5 %), so a host the net holds at its bound overloads, step by step, about
    /// as often as the SLA allows its active time to be overloaded. Set from the SLA, not fitted to a month.</summary>
    public const double Coverage = 1 - Verdict.SlatahPerFold;

    /// <summary>Student's t quantile with <paramref name="df"/> degrees of freedom, by the Cornish-Fisher expansion around
    /// the normal quantile z (Abramowitz and Stegun, <i>Handbook of Mathematical Functions</i>, 26.7.5): z + g1/df +
    /// g2/df^2 + g3/df^3 + g4/df^4; at p 0.995 it gives 5.795 at df 3 against the table's 5.841, 4.029 at df 5 against
    /// 4.032, 2.750 at df 30 against 2.750; df 1 and 2 are exact.</summary>
    internal static double StudentQuantile(double p, int df)
    {
        // Exact where the expansion is poor (a host with 2 or 3 errors): the Cauchy's and df 2's closed forms.
        if (df == 1) return Math.Tan(Math.PI * (p - 0.5));
        if (df == 2) return (2 * p - 1) / Math.Sqrt(2 * p * (1 - p));
        var z = Profiles.NormalQuantile.Of(p);
        double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2, v = df;
        var g1 = (z3 + z) / 4;
        var g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
        var g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
        var g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
        return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
    }

    /// <summary>Simple exponential smoothing (Hyndman and Athanasopoulos, <i>Forecasting: Principles and Practice</i>, 3rd
    /// ed., 8.1) of a VM's runs: the factor on a grid of <see cref="Grid"/> and each run's initial level by least squares
    /// of the one-step errors, summed over the runs of at least 2 samples without a NaN. Returns the level after the recent
    /// run's last sample (the forecast of the next), <paramref name="last"/> when that run is left out; each usable run's
    /// one-step errors at the fitted factor go into <paramref name="errors"/> (null for a run left out).</summary>
    private static double Fit(double[][] stretches, double last, double[]?[] errors)
    {
        var usable = new List<int>();
        for (var k = 0; k < stretches.Length; k++)
            if (stretches[k].Length >= 2 && Array.TrueForAll(stretches[k], double.IsFinite)) usable.Add(k);
        if (usable.Count == 0) return last;
        double bestSse = double.MaxValue, alpha = 1;
        for (var g = 1; g <= 20; g++)
        {
            var sse = 0.0;
            foreach (var k in usable) sse += Errors(stretches[k], g * Grid, null, out _);
            if (sse < bestSse - 1e-12) (bestSse, alpha) = (sse, g * Grid);
        }
        var level = last;
        foreach (var k in usable)
        {
            var e = new List<double>();
            Errors(stretches[k], alpha, e, out var end);
            errors[k] = [.. e];
            if (k == 0) level = end;
        }
        return level;
    }

    /// <summary>The sum of squared one-step errors of smoothing <paramref name="y"/> with factor <paramref name="a"/> from
    /// its least-squares initial level; the errors themselves into <paramref name="errors"/>, and the level after the last
    /// sample. The forecast of y[k] is the level after y[k-1], (1-a)^k l0 + sum over j &lt; k of a (1-a)^(k-1-j) y[j]:
    /// linear in l0, so its least-squares value is closed form (any l0 when a = 1, where it has no weight).</summary>
    private static double Errors(double[] y, double a, List<double>? errors, out double end)
    {
        var m = y.Length;
        Span<double> weight = stackalloc double[m];        // (1-a)^(k+1): l0's weight in the level after y[k]
        Span<double> partial = stackalloc double[m];       // the rest of the level after y[k]
        double acc = 0, pw = 1;
        for (var k = 0; k < m; k++)
        {
            acc = k == 0 ? a * y[0] : (1 - a) * acc + a * y[k];
            pw *= 1 - a;
            (weight[k], partial[k]) = (pw, acc);
        }
        double num = 0, den = 0;
        for (var k = 1; k < m; k++)
        {
            num += weight[k - 1] * (y[k] - partial[k - 1]);
            den += weight[k - 1] * weight[k - 1];
        }
        var l0 = den > 1e-15 ? num / den : 0;
        var sse = 0.0;
        for (var k = 1; k < m; k++)
        {
            var e = y[k] - (partial[k - 1] + weight[k - 1] * l0);
            sse += e * e;
            errors?.Add(e);
        }
        end = partial[m - 1] + weight[m - 1] * l0;
        return sse;
    }
}

using Consolidator.Profiles;
using Consolidator.Traces;

namespace Consolidator.Evaluation.Adaptive;

/// <summary>How a day-ahead plan's CPU forecast is scaled, measured out of sample.</summary>
/// <param name="Factor">What each VM's planned CPU demand is multiplied by, in [1 / <see cref="ForecastCalibration.Bound"/>,
/// <see cref="ForecastCalibration.Bound"/>].</param>
/// <param name="Ratio">The measured quantile of realised host load over the host's planned load.</param>
/// <param name="HostSamples">How many (host, control step) pairs the quantile was taken over.</param>
public sealed record ForecastError(double Factor, double Ratio, int HostSamples);

/// <summary>Backtests the profile predictor on the last re-plan interval of history: the previous round's plan
/// (made on the history before it) against the load its hosts then carried (now history too). A plan keeps every
/// host's summed per-window demand (each VM's profile percentile) within its cores, so a host packed to its
/// limit in its busiest window carries C = P, with P that window's planned load; it is overloaded at an instant
/// when the load then, L, exceeds C, that is when L / P &gt; 1. Taking the quantile q of L / P over every active
/// host and every control step of the interval, at the exceedance the SLA allows, and planning on the forecast
/// times q makes the plan's hosts exceed their cores at that rate if tomorrow errs as today did: the measured
/// forecast error, not a fixed 10 % headroom, sizes the margin. q &gt; 1 is headroom (1 - 1/q of each host kept
/// free); q &lt; 1 says the sum of the VMs' percentiles over-predicts the host (VMs that do not peak together),
/// and the plan packs tighter. Reads only samples stamped before the end of the interval.</summary>
public static class ForecastCalibration
{
    /// <summary>The most one interval's evidence may scale the forecast, up or down. Doubling it keeps half of
    /// every host free: past that a day-ahead plan runs more than twice the hosts its forecast needs and cannot
    /// beat the reactive level, which fills hosts to 0.8, so the mode choice (<see cref="ModeChoice"/>) keeps the
    /// reactive level anyway and a larger factor would only make the round harder to solve. Halving it bounds
    /// what one quiet interval can talk the plan into, symmetrically.</summary>
    public const double Bound = 2;

    /// <summary>The share of active host-time a host may be overloaded: SLATAH's limit in issue 13's acceptance
    /// (at most 0.5 % in every fold, <see cref="Verdict.SlatahPerFold"/>), the SLA the operator asked for.</summary>
    public const double Exceedance = Verdict.SlatahPerFold;

    /// <param name="series">Each planned VM's trace (read before <paramref name="to"/> only).</param>
    /// <param name="hostOf">The plan's host per VM (-1: not placed).</param>
    /// <param name="profiles">The profiles the plan was sized on, in the order of <paramref name="series"/>.</param>
    /// <param name="from">When the plan took effect.</param>
    /// <param name="to">Now: the end of the backtest, the next round.</param>
    /// <param name="stepSeconds">The control step the load is read at (the traces' 300 s sampling).</param>
    /// <returns>Null when nothing was planned or nothing measured.</returns>
    public static ForecastError? Measure(IReadOnlyList<VmSeries> series, IReadOnlyList<int> hostOf, ProfileSet profiles, long from, long to,
        long stepSeconds)
    {
        if (to <= from) return null;
        var windows = profiles.WindowsOf(from, to);
        var ratios = new List<double>();
        foreach (var host in Enumerable.Range(0, series.Count).Where(v => hostOf[v] >= 0).GroupBy(v => hostOf[v]))
        {
            var vms = host.ToArray();
            // The host's planned load in its busiest window of the interval: what the plan held within its cores.
            var planned = windows.Max(w => vms.Sum(v => profiles.Vms[v].DemandCpu[w]));
            if (planned <= 0) continue;
            for (var t = from; t < to; t += stepSeconds)
                ratios.Add(vms.Sum(v => InForce(series[v], t)) / planned);
        }
        if (ratios.Count == 0) return null;
        ratios.Sort();
        // Nearest rank: the smallest ratio that at most the allowed share of host-steps exceed.
        var q = ratios[Math.Clamp((int)Math.Ceiling((1 - Exceedance) * ratios.Count) - 1, 0, ratios.Count - 1)];
        return new ForecastError(Math.Clamp(q, 1 / Bound, Bound), q, ratios.Count);
    }

    /// <summary>How much of the measured factor the next round takes, and how much of the factor the backtested plan was
    /// sized with it keeps: the next factor is previous^<see cref="Keep"/> x measured^<see cref="Take"/>. The backtest
    /// measures the plan as it was sized, so with Q the quantile against the unscaled forecast the measured factor on a
    /// plan sized x f is Q / f, and taking it whole (keep 0, take 1) alternates f, Q / f, f, ... (docs/two-level.md: the
    /// tight and loose days). In logarithms the next factor is Take log Q + (Keep - Take) log f: its deviation from the
    /// steady level is multiplied by Keep - Take each round, so a swing (a first round sized in sample, a jump in the
    /// error) halves from day to day instead of persisting, while the steady level, Take / (1 + Take - Keep) of log Q, is
    /// sqrt(Q), the level the alternation held on average.</summary>
    public const double Keep = 0.25, Take = 0.75;

    /// <summary>The next round's factor from the one the backtested plan was sized with (1 for a plan sized on the
    /// forecast as built) and the factor its backtest measured (<see cref="Measure"/>), damped (<see cref="Keep"/>,
    /// <see cref="Take"/>) and within [1 / <see cref="Bound"/>, <see cref="Bound"/>].</summary>
    public static double Damped(double previous, double measured) =>
        Math.Clamp(Math.Pow(previous, Keep) * Math.Pow(measured, Take), 1 / Bound, Bound);

    /// <summary>The profiles with every VM's CPU demand (what the plan sizes hosts on) times the factor; means,
    /// peaks and memory as they were.</summary>
    public static ProfileSet Scale(ProfileSet profiles, double factor) => profiles with
    {
        Vms = [.. profiles.Vms.Select(p => p with { DemandCpu = [.. p.DemandCpu.Select(d => d * factor)] })],
    };

    /// <summary>The CPU sample in force at t (the last one stamped at or before t), 0 before the first.</summary>
    private static double InForce(VmSeries s, long t)
    {
        var i = s.FirstAtOrAfter(t + 1) - 1;
        return i >= 0 ? s.CpuCores[i] : 0;
    }
}

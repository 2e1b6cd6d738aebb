namespace Consolidator.Evaluation.Reactive;

/// <summary>The reactive level's parameters, each from the literature rather than fitted to a trace.</summary>
/// <param name="UpperThreshold">A host is overloaded when its observed CPU exceeds this share of its cores, and
/// no VM is placed on a host whose VMs' recent peaks would then exceed it: the static threshold 0.8 of
/// Beloglazov and Buyya 2012 (CloudSim's THR example default, research/consolidation.md section 3).</param>
/// <param name="LowerThreshold">Only a host whose observed CPU is under this share of its cores is emptied: the
/// lower threshold of the double-threshold policy of Beloglazov, Abawajy and Buyya (FGCS 28(5), 2012), whose
/// pairs keep 40 points between the thresholds (30-70, 40-80, 50-90 %; recalled, not re-read here): 0.4 with
/// 0.8. The band between the two is the hysteresis that keeps a host that was just filled from being emptied.</param>
/// <param name="PeakSamples">How many observed samples a VM's "recent peak" covers: CloudSim's local
/// regression reads the last 10 utilisation values of a host (LrMmtState.RegressionLength), so a placement
/// weighs the same span of evidence LR-MMT judges a host by, at its maximum rather than its trend.</param>
/// <param name="StepSeconds">The control step: CloudSim's scheduling interval of 300 s, the traces' sampling.</param>
/// <param name="Regression">Whether a host is also judged overloaded by its local-regression trend (Beloglazov
/// and Buyya's LR with safety parameter 1.2), not only by what was observed.</param>
/// <param name="Anticipate">Whether a host's threshold is tested on its observed load plus the largest one-step
/// rise of its summed load over its recent samples (<see cref="PeakSamples"/>, read before the step only), not on
/// the observed load alone: see <see cref="SafetyNet"/>.</param>
public sealed record ReactiveOptions(
    double UpperThreshold = ReactiveOptions.Threshold,
    double LowerThreshold = ReactiveOptions.Underload,
    int PeakSamples = LrMmtState.RegressionLength,
    long StepSeconds = (long)LrMmtState.SchedulingSeconds,
    bool Regression = true,
    bool Anticipate = false)
{
    public const double Threshold = 0.8;
    public const double Underload = 0.4;

    /// <summary>The reactive level as a safety net under a day-ahead plan: the plan has already sized each host
    /// on the forecast for its windows (with the headroom its measured error asks for), so the net acts only on
    /// what the forecast missed, a host observed over its cores (the SLA event SLATAH counts, Beloglazov and
    /// Buyya 2012), and refills up to the cores, not to 0.8; it never empties a host (lower threshold 0), which
    /// would undo the plan and bring back the moves that following a daily cycle costs. The trend test is off:
    /// a host climbing towards a peak its plan foresaw is expected, not a surprise (tried with it on, LR 1.2 on the
    /// generated month: about 100 moves a day instead of about 25 and more energy than LR-MMT on most days).
    /// The net anticipates by one step instead (<see cref="Anticipate"/>): a decision at t reads samples before t
    /// while the load replayed from t on is the sample of t, so a net that waits to observe a host over its cores
    /// acts one step after the overload, and that first step always counts in SLATAH (on the generated months
    /// every plan day the net acted on had SLATAH above LR-MMT's 0). So a host is relieved when its observed load
    /// plus the largest rise between consecutive samples in its own recent window would reach its cores: the most
    /// it was seen to climb in one step, measured on that host's history and not a constant fitted to a month; a
    /// host on a plateau (no rise) is judged on what was observed, as before. A receiving host is held to the same
    /// test, so a relieved VM is not moved onto the next overload.</summary>
    public ReactiveOptions SafetyNet() => this with { UpperThreshold = 1, LowerThreshold = 0, Regression = false, Anticipate = true };

    public void Validate()
    {
        if (!(UpperThreshold > 0 && UpperThreshold <= 1)) throw new ArgumentOutOfRangeException(nameof(UpperThreshold), UpperThreshold, "the upper threshold must be in (0, 1]");
        if (!(LowerThreshold >= 0 && LowerThreshold < UpperThreshold)) throw new ArgumentOutOfRangeException(nameof(LowerThreshold), LowerThreshold, "the lower threshold must be in [0, upper threshold)");
        if (PeakSamples < 1) throw new ArgumentOutOfRangeException(nameof(PeakSamples), PeakSamples, "at least one sample");
        if (StepSeconds < 1) throw new ArgumentOutOfRangeException(nameof(StepSeconds), StepSeconds, "at least one second");
    }
}

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
/// <param name="PlanHosts">Under a day-ahead plan, the hosts the plan uses: the level then empties only the other
/// hosts (those it powered on itself), whatever their load (see <see cref="SafetyNet"/>); null: the reactive level
/// alone, which empties any host under <see cref="LowerThreshold"/>.</param>
/// <param name="Home">Under a day-ahead plan, the plan's host per VM (-1: none): where a VM goes back first.</param>
/// <param name="SeasonalDays">With <see cref="Anticipate"/>, how many days back the rises at the same time of day
/// (<see cref="SeasonalHalfWidth"/> steps either side) join the recent ones in the largest rise a host is tested with; 0:
/// the recent ones only. See <see cref="SafetyNet"/>.</param>
/// <param name="DayKinds">Under a day-ahead plan, the plan's windows: of those days only the ones whose same instant
/// falls in the same window as now count (<see cref="SeasonalDaysAt"/>); null: every one.</param>
/// <param name="MoveWeightWhPerGiB">Under a day-ahead plan, the price of a move the net weighs against a host's idle
/// power before it empties a host it powered on onto hosts other than its VMs' own (the planner's
/// <c>--migration-weight</c>, Wh-equivalent per GiB of memory; 0: empty at once, as before). See <see cref="SafetyNet"/>.</param>
public sealed record ReactiveOptions(
    double UpperThreshold = ReactiveOptions.Threshold,
    double LowerThreshold = ReactiveOptions.Underload,
    int PeakSamples = LrMmtState.RegressionLength,
    long StepSeconds = (long)LrMmtState.SchedulingSeconds,
    bool Regression = true,
    bool Anticipate = false,
    IReadOnlySet<int>? PlanHosts = null,
    IReadOnlyList<int>? Home = null,
    int SeasonalDays = 0,
    Profiles.WindowScheme? DayKinds = null,
    double MoveWeightWhPerGiB = 0)
{
    public const double Threshold = 0.8;
    public const double Underload = 0.4;

    /// <summary>The safety net's earlier days: a week, so that every day of the week is seen once (business days
    /// and weekends rise differently, issue 13).</summary>
    public const int Week = 7;

    /// <summary>How many control steps either side of the same time of day each earlier day contributes: half the
    /// recent window (<see cref="PeakSamples"/>, CloudSim's 10 values), so that on each earlier day the net reads a
    /// span as long as the one it reads today, centred on the instant ahead (11 samples, 11 rises). With the 9 recent
    /// rises that is 64 rises on a weekday with a week of history (5 earlier weekdays), 31 on a weekend day (2): the
    /// next of n exchangeable rises exceeds the largest of them with probability 1 / (n + 1) (order statistics), 1.5 %
    /// and 3 % at a host on the edge of the test, against 10 % with the recent rises alone. Measured on the generated
    /// month (`--seed 7`, the design month; one run each, load 13-21): this window, 28 of 29 days, SLATAH 0 in every
    /// fold, 9.8 % of LR-MMT's migrations; 2 steps either side, 27 days (one overloaded step) and 10.3 %; a window
    /// wide enough for SLATAH's 0.5 % at every edge (14 steps with a week of days, every day of the week) lost three
    /// weekend days on energy and 15.0 %. The old net (recent rises only): 25-28 days over four runs, 6.4-9.0 %.</summary>
    public int SeasonalHalfWidth => PeakSamples / 2;

    /// <summary>The earlier days (1 = the day before) whose rises at the same time of day the net reads at t: of the
    /// last <see cref="SeasonalDays"/>, those whose same instant falls in the plan's window of t
    /// (<see cref="DayKinds"/>): with hourly windows every one, with weekday and weekend windows the days of t's kind,
    /// so that a weekend is not guarded against a Monday's morning climb the plan did not size it for.</summary>
    public int[] SeasonalDaysAt(long t) =>
        [.. Enumerable.Range(1, Math.Max(0, SeasonalDays)).Where(d => DayKinds is not { } w || w.IndexOf(t - d * Period.DaySeconds) == w.IndexOf(t))];

    /// <summary>The reactive level as a safety net under a day-ahead plan: the plan has already sized each host
    /// on the forecast for its windows (with the headroom its measured error asks for), so the net acts only on
    /// what the forecast missed, a host about to go over its cores (the SLA event SLATAH counts, Beloglazov and
    /// Buyya 2012), and refills up to the cores, not to 0.8; it never empties one of the plan's hosts, which would
    /// undo the plan and bring back the moves that following a daily cycle costs. The trend test is off: a host
    /// climbing towards a peak its plan foresaw is expected, not a surprise (tried with it on, LR 1.2 on the
    /// generated month: about 100 moves a day instead of about 25 and more energy than LR-MMT on most days).
    /// The net anticipates by one step instead (<see cref="Anticipate"/>): a decision at t reads samples before t
    /// while the load replayed from t on is the sample of t, so a net that waits to observe a host over its cores
    /// acts one step after the overload, and that first step always counts in SLATAH. So a host is relieved when
    /// its observed load plus the largest rise between consecutive samples in its own recent window would reach
    /// its cores: the most it was seen to climb in one step, measured on that host's history and not a constant
    /// fitted to a month; a host on a plateau (no rise) is judged on what was observed. Unless the host's rises are
    /// anti-correlated as a level plus independent noise makes them, where the last sample plus the largest rise counts
    /// the noise twice: there the bound is its VMs' own levels plus their one-step errors summed at the same instants
    /// (<see cref="NextSampleBound"/>). A receiving host is held to the same test, so a relieved VM is not moved onto the next overload. When no host of the plan has room,
    /// the net powers one on (<paramref name="planHosts"/> tells it which are the plan's), and empties such a host
    /// again as soon as its VMs fit back on the others by the same test: a host the forecast did not ask for is
    /// kept only while the load that called for it lasts (the VMs' recent peaks span the last
    /// <see cref="PeakSamples"/> samples, which is the hysteresis), instead of for the rest of the interval. A VM
    /// goes back to the host the plan gave it when that host takes it, else where power rises least: a VM left
    /// elsewhere moves again at the next round, to its plan's host. So a move home is one the round would make
    /// anyway, and a move elsewhere is one more: a host whose VMs fit back on the plan's hosts but not all on their
    /// own is emptied only once the idle energy it has drawn since they could leave reaches the price of those extra
    /// moves (<see cref="MoveWeightWhPerGiB"/>, the planner's price of a move), and at once when they all go home. This
    /// is rent or buy (the ski-rental break-even of Karlin, Manasse, Rudolph and Sleator, Algorithmica 3, 1988;
    /// recalled, not re-read here): not knowing when the VMs' own hosts will take them back, paying the host's rent
    /// until it equals the price of leaving costs at most twice what knowing would have; the VMs' own hosts usually
    /// free within that time as the load that overflowed them passes, and then the moves are the round's own. Only the
    /// plan's hosts receive them: a host the net powered on is never emptied onto another it powered on (its VMs are
    /// there because the plan's hosts had no room; moving them to another such host trades one host of the overflow
    /// for another, one more move the round still has to undo).</summary>
    /// <param name="home">The plan's host per VM (-1: the plan did not place it).</param>
    /// <param name="windows">The plan's windows (which earlier days are of the same kind); null: every day is.</param>
    public ReactiveOptions SafetyNet(IReadOnlyList<int> home, Profiles.WindowScheme? windows = null) =>
        this with
        {
            UpperThreshold = 1, LowerThreshold = 0, Regression = false, Anticipate = true, PlanHosts = home.Where(h => h >= 0).ToHashSet(), Home = home,
            SeasonalDays = Week, DayKinds = windows,
        };

    public void Validate()
    {
        if (!(UpperThreshold > 0 && UpperThreshold <= 1)) throw new ArgumentOutOfRangeException(nameof(UpperThreshold), UpperThreshold, "the upper threshold must be in (0, 1]");
        if (!(LowerThreshold >= 0 && LowerThreshold < UpperThreshold)) throw new ArgumentOutOfRangeException(nameof(LowerThreshold), LowerThreshold, "the lower threshold must be in [0, upper threshold)");
        if (PeakSamples < 1) throw new ArgumentOutOfRangeException(nameof(PeakSamples), PeakSamples, "at least one sample");
        if (StepSeconds < 1) throw new ArgumentOutOfRangeException(nameof(StepSeconds), StepSeconds, "at least one second");
        if (!(MoveWeightWhPerGiB >= 0)) throw new ArgumentOutOfRangeException(nameof(MoveWeightWhPerGiB), MoveWeightWhPerGiB, "a move's price must be at least 0");
        if (SeasonalDays < 0) throw new ArgumentOutOfRangeException(nameof(SeasonalDays), SeasonalDays, "at least zero days");
        // The earlier days' rises must end before the step they anticipate: no sample of the step or after it.
        if (SeasonalDays > 0 && (SeasonalHalfWidth + 1) * StepSeconds >= Period.DaySeconds)
            throw new ArgumentOutOfRangeException(nameof(StepSeconds), StepSeconds, "the same-hour window of earlier days must be under a day");
    }
}

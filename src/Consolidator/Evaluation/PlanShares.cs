using System.Collections.Immutable;
using Consolidator.Timing;

namespace Consolidator.Evaluation;

/// <summary>How an evaluation's wall-clock limit is split among its plans (the static one and every re-plan): each plan
/// gets an equal part of what is left once the work of the folds still to come that is never cut short is set aside
/// (each fold's replays of every policy, a round's profiles, its replay through the live-migration simulator and its
/// CPU allocation, the fold's table). That work is sized from what it cost: seconds per test day of the folds done so
/// far, read on an idle machine's scale (the wall clock over the deadline's pace while it ran), the largest of them
/// (the first fold apart: it does more), times the pace now; before a fold is done, from the samples a test day
/// replays (<see cref="IdleSecondsPerSample"/>). Kept as a fixed tenth of each plan's share, that work was not reserved for the
/// folds still to come: a month's roll (29 plans, `--time-limit 600`, three other busy runs beside it, load 16-32) ended
/// at 656 s, three of its last rounds fell back to a heuristic placement that moved 334-498 VMs (which staging,
/// validation and the simulator then took longer over); an eight-day cut of it at 160 s (six busy loops, load 8-24)
/// spent 6-10 s a fold on that work, where its last plan left 1.0 s of a 1.2 s share, and ended at 168.6 s.</summary>
internal sealed class PlanShares
{
    private readonly Deadline _deadline;
    private readonly double[] _days;
    private readonly double _priorFirstPerDay, _priorLaterPerDay;
    private int _plansLeft, _fold = -1;
    private double _foldStart, _planStart = double.NaN, _planSeconds, _paceSum, _paceReadings;
    private double _firstIdlePerDay = double.NaN, _idlePerDay = double.NaN;
    private double _share, _foldReserve;
    private readonly ImmutableArray<PlanTime>.Builder _plans = ImmutableArray.CreateBuilder<PlanTime>();
    private readonly ImmutableArray<FoldTime>.Builder _folds = ImmutableArray.CreateBuilder<FoldTime>();

    /// <param name="plans">The plans the evaluation makes (the static one and every re-plan round).</param>
    /// <param name="foldDays">The test days each fold replays, in order.</param>
    /// <param name="samplesPerDay">The usage samples a test day holds (every VM's), which sizes a fold's replays
    /// before one has been measured.</param>
    public PlanShares(Deadline deadline, int plans, IReadOnlyList<double> foldDays, double samplesPerDay)
    {
        _deadline = deadline;
        _plansLeft = Math.Max(1, plans);
        _days = [.. foldDays];
        _priorFirstPerDay = IdleSecondsPerSample * Math.Max(0, samplesPerDay);
        _priorLaterPerDay = LaterIdleSecondsPerSample * Math.Max(0, samplesPerDay);
    }

    /// <summary>Seconds an idle machine spends per usage sample of a test day on the work of the first fold that is never
    /// cut short, every policy's replay of it included: the prior for the plans of the first fold, before any fold is
    /// measured. The first fold of an eight-day cut of the generated `--seed 131` month (500 VMs, 144,000 samples a day;
    /// `--train 1 --test 2 --roll --replan daily --history 7 --time-limit 160`, six busy loops, load 4-22, 2026-12-07
    /// 21:17 UTC) spent 15.66 s outside its plans at pace 5.09: 3.08 s a day on an idle machine's scale, 21 microseconds
    /// a sample (a three-day cut, load 23-33: 2.32 s a day; the later folds 0.57-2.22).</summary>
    public const double IdleSecondsPerSample = 21e-6;

    /// <summary>The same for a fold after the first, before one is measured: that cut's six later folds spent 1.26-2.22
    /// s a day on an idle machine's scale (growing with the history the rounds' profiles read, up to its seven days), the
    /// largest, 15 microseconds a sample.</summary>
    public const double LaterIdleSecondsPerSample = 15e-6;

    /// <summary>Where the time goes from now on: fold <paramref name="index"/> (of the days given) starts.</summary>
    public void FoldStarts(int index)
    {
        _fold = index;
        (_foldStart, _planSeconds, _paceSum, _paceReadings) = (_deadline.Elapsed, 0, 0, 0);
        ReadPace();
        _foldReserve = Reserve();
    }

    /// <summary>The share of the deadline for the plan that starts now: the deadline less the reserve for the folds'
    /// work still to come (<see cref="Reserve"/>), less what the plans after it get, split evenly.</summary>
    public Deadline Next()
    {
        ReadPace();
        _planStart = _deadline.Elapsed;
        var left = _plansLeft;
        _plansLeft = Math.Max(1, _plansLeft - 1);
        if (!_deadline.IsWallClock) return _deadline;
        var free = _deadline.Remaining - Reserve();
        _share = Math.Max(0, free) / left;
        return _deadline.EarlierBy(_deadline.Remaining - _share);
    }

    /// <summary>The plan begun at <see cref="Next"/> ended now (its share used or not).</summary>
    public void Planned()
    {
        if (double.IsNaN(_planStart)) return;
        _planSeconds += _deadline.Elapsed - _planStart;
        if (_deadline.IsWallClock) _plans.Add(new PlanTime(_fold + 1, _share, _deadline.Elapsed - _planStart));
        _planStart = double.NaN;
        ReadPace();
    }

    /// <summary>The fold begun at <see cref="FoldStarts"/> is done (its table written): what it spent outside its plans,
    /// on an idle machine's scale, sizes the reserve for the folds after it.</summary>
    public void FoldEnds()
    {
        if (_fold < 0 || !_deadline.IsWallClock) return;
        ReadPace();
        var spent = _deadline.Elapsed - _foldStart - _planSeconds;
        var pace = _paceReadings > 0 ? _paceSum / _paceReadings : 1;
        _folds.Add(new FoldTime(_fold + 1, _deadline.Elapsed - _foldStart, Math.Max(0, spent), pace, _foldReserve));
        if (_days[_fold] > 0 && spent >= 0)
        {
            var perDay = spent / Math.Max(1, pace) / _days[_fold];
            if (_fold == 0) _firstIdlePerDay = perDay;
            else _idlePerDay = double.IsNaN(_idlePerDay) ? perDay : Math.Max(_idlePerDay, perDay);
        }
        _fold++;
    }

    /// <summary>Seconds set aside now for the work never cut short of the fold under way (whole: what of it is done
    /// is handed on to the plans after it) and of every fold after it: their test days times their idle seconds per
    /// day (<see cref="IdlePerDay"/>), times the pace now.</summary>
    public double Reserve()
    {
        if (!_deadline.IsWallClock) return 0;
        var idle = 0.0;
        for (var i = Math.Max(0, _fold); i < _days.Length; i++) idle += _days[i] * IdlePerDay(i);
        return idle * _deadline.Pace;
    }

    /// <summary>Idle seconds per test day of fold <paramref name="index"/>'s work never cut short. The first fold does
    /// once what the others do not (the static plan's migrations replayed, the peak-sized first fit packed and its moves
    /// replayed, the adaptive policy backtested on the training period, the first round's moves from the operator's
    /// placement, most of the VMs, through the simulator): 15.4 s at pace 6.6 where the second took 3.7 s (a three-day
    /// cut, 60 s, six busy loops, load 23-33), so it is sized apart: measured, else <see cref="IdleSecondsPerSample"/>.
    /// A later fold: the largest measured on a fold after the first; before one is, <see cref="LaterIdleSecondsPerSample"/>
    /// times what the first fold measured over its prior (how much slower this machine and this data are than the
    /// priors'). Read for every fold, the first fold's cost gave the second fold's plan 4.6 s where the others got
    /// 10.7-16.7 s, and left the last fold's plan 12 s less than that fold then used (the three-day cut).</summary>
    private double IdlePerDay(int index)
    {
        if (index == 0) return double.IsNaN(_firstIdlePerDay) ? _priorFirstPerDay : _firstIdlePerDay;
        if (!double.IsNaN(_idlePerDay)) return _idlePerDay;
        var scale = double.IsNaN(_firstIdlePerDay) || !(_priorFirstPerDay > 0) ? 1 : _firstIdlePerDay / _priorFirstPerDay;
        return _priorLaterPerDay * scale;
    }

    /// <summary>Each plan's share and what it used, each fold's seconds, so far (<see cref="EvaluationTime"/>); null
    /// without a wall-clock limit.</summary>
    public EvaluationTime? Time => _deadline.IsWallClock ? new EvaluationTime(_plans.ToImmutable(), _folds.ToImmutable()) : null;

    private void ReadPace()
    {
        if (!_deadline.IsWallClock) return;
        _paceSum += _deadline.Pace;
        _paceReadings++;
    }
}

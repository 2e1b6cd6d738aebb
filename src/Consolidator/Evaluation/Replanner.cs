using System.Collections.Immutable;
using Consolidator.Allocation;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Solving;
using Consolidator.Staging;
using Consolidator.Traces;

namespace Consolidator.Evaluation;

/// <summary>The global level: at each re-plan point, profiles are rebuilt from the samples before it (a
/// sliding history) and the placement is solved again warm from the placement in force, within the migration
/// budget; the round's migrations are staged, checked by the validator (inside the planner) and replayed
/// through the live-migration simulator, and each VM changes host when its migration completes. The host
/// level's CPU allocation for the new placement takes effect at the re-plan point.</summary>
internal sealed class Replanner(Dataset data, EvaluationRequest request, IProgress<SolverProgress>? progress, PlanShares shares)
{
    /// <summary>Where each dataset VM runs now (host index, -1 nowhere).</summary>
    private readonly int[] _hostOf = [.. data.Vms.Select(vm => vm.CurrentHost is { } h ? data.HostIndex(h) : -1)];

    /// <summary>Each dataset VM's CPU cap per window under the allocation in force (null: none yet).</summary>
    private readonly double[]?[] _caps = new double[]?[data.Vms.Length];
    private readonly double[]?[] _shares = new double[]?[data.Vms.Length];

    private WindowScheme? _windows;
    private readonly long _dataStart = TrainTestSplit.Span(data).First;

    /// <summary>The last round: when, which dataset VMs it planned, where it put them and the profiles it sized
    /// them on, so that the next round can backtest it (<see cref="Adaptive.ForecastCalibration"/>).</summary>
    private (long Time, int[] Planned, int[] HostOf, ProfileSet Profiles, double Factor)? _last;

    /// <summary>The last round's windows (null before the first round).</summary>
    public WindowScheme? Windows => _windows;

    /// <summary>Where each dataset VM runs under the plans so far (host index, -1 nowhere).</summary>
    public IReadOnlyList<int> HostOf => _hostOf;

    /// <summary>Whether the last round sized CPU on the forecast calibrated by a measured error (false for the first
    /// round, which has no earlier plan to backtest, and for a round that fell back to --headroom).</summary>
    public bool LastCalibrated { get; private set; }

    /// <summary>What the last round's plan expects to draw over its interval (<see cref="Adaptive.PlanForecast"/>).</summary>
    public double? LastForecastKWhPerDay { get; private set; }

    /// <summary>A change for one VM: from <see cref="Time"/> on, it runs on <see cref="Host"/> under <see cref="Caps"/>.</summary>
    private readonly record struct Change(long Time, int Host, double[]? Caps, WindowScheme? Windows, double[]? Shares);

    /// <summary>Plans at every re-plan point of the fold's test period and returns the stays of the judged VMs
    /// (without and with CPU caps), the round records, the migrations and what the points that made no round (no VM
    /// to plan there: the placement in force stays) were, as a note (null: none).</summary>
    public (List<(int Host, Resident Resident)> Stays, List<TimedMigration> Migrations, List<ReplanRound> Rounds, string? Skipped)
        Run(Fold fold)
    {
        var changes = fold.Vms.Select(v => new List<Change> { new(fold.Span.From, _hostOf[v], _caps[v], _windows, _shares[v]) }).ToArray();
        var migrations = new List<TimedMigration>();
        var rounds = new List<ReplanRound>();
        int points = 0, noHistory = 0, notRunning = 0;
        foreach (var t in request.Replan!.Points(request.Test.From, fold.Span.From, fold.Span.To))
        {
            points++;
            var round = PlanAt(t, fold, changes, migrations);
            if (round is not null) rounds.Add(round);
            else if (data.Usage.Any(s => Within(s, History(t)).Count > 0)) notRunning++;
            else noHistory++;
        }
        var stays = new List<(int, Resident)>();
        for (var k = 0; k < fold.Vms.Length; k++)
        {
            var list = changes[k].OrderBy(c => c.Time).ToList();
            for (var i = 0; i < list.Count; i++)
            {
                var from = list[i].Time;
                var to = i + 1 < list.Count ? list[i + 1].Time : fold.Span.To;
                if (to <= from || list[i].Host < 0) continue;
                stays.Add((list[i].Host, new Resident(fold.Timelines[k], from, to, fold.Qos[k], list[i].Caps, list[i].Windows, list[i].Shares)));
            }
        }
        return (stays, migrations, rounds, SkippedNote(points, noHistory, notRunning));
    }

    private Period History(long t) => new(Math.Max(_dataStart, t - request.History), t);

    /// <summary>Why re-plan points made no round, said: such a point leaves the placement in force as it is, so a run
    /// whose points all did so reports today's placement as the re-planned one.</summary>
    private string? SkippedNote(int points, int noHistory, int notRunning)
    {
        if (noHistory + notRunning == 0) return null;
        var hours = (request.History / 3600.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var why = new List<string>();
        if (noHistory > 0)
            why.Add($"{noHistory} as no VM has a sample in the {hours} h of history before it (--history shorter than the sampling interval?)");
        if (notRunning > 0)
            why.Add($"{notRunning} as no VM sampled in the {hours} h of history before it is sampled at or after it");
        return $"{Evaluator.Replanned}: {noHistory + notRunning} of {points} re-plan point(s) made no round, the placement in force stayed: {string.Join("; ", why)}";
    }

    private ReplanRound? PlanAt(long t, Fold fold, List<Change>[] changes, List<TimedMigration> migrations)
    {
        var history = History(t);
        // The VMs running at t: sampled in the history and again at or after t (an operator knows what runs).
        var planned = new List<int>();
        var usage = ImmutableArray.CreateBuilder<VmSeries>();
        var vms = ImmutableArray.CreateBuilder<Vm>();
        for (var v = 0; v < data.Vms.Length; v++)
        {
            var series = data.Usage[v];
            if (series.Count == 0 || series.UnixSeconds[^1] < t) continue;
            var window = Within(series, history);
            if (window.Count == 0) continue;
            planned.Add(v);
            usage.Add(window);
            vms.Add(data.Vms[v] with { CurrentHost = _hostOf[v] >= 0 ? data.Hosts[_hostOf[v]].Id : null });
        }
        if (planned.Count == 0) return null;
        var kept = vms.Select(vm => vm.Id).ToHashSet(StringComparer.Ordinal);
        var dataset = data with { Vms = vms.ToImmutable(), Usage = usage.ToImmutable(), Rules = TrainTestSplit.Restrict(data.Rules, kept) };
        var built = ProfileBuilder.Build(dataset, request.Windows, request.Profile);
        // The plan has to hold until the next re-plan only: its horizon is the windows until then.
        var profiles = built.Within(built.WindowsOf(t, t + request.Replan!.IntervalSeconds));
        // The CPU forecast is calibrated on the previous round's measured error over the interval it covered
        // (history now): demand times the calibration factor, no fixed headroom (memory is sized at each VM's
        // allocation by default, which has no forecast error). The first round has no such interval and keeps
        // the --headroom asked for.
        var sized = profiles;
        var options = request.Plan;
        string? measured = null;
        var calibrated = false;
        var factor = 1.0;
        if (_last is { } last && Adaptive.ForecastCalibration.Measure([.. last.Planned.Select(v => data.Usage[v])], last.HostOf, last.Profiles, last.Time, t,
                (long)LrMmtState.SchedulingSeconds) is { } calibration)
        {
            factor = Adaptive.ForecastCalibration.Damped(last.Factor, calibration.Factor);
            sized = Adaptive.ForecastCalibration.Scale(profiles, factor);
            calibrated = true;
            options = options with { Placement = options.Placement with { Headroom = 0 } };
            measured = FormattableString.Invariant(
                $"CPU forecast x {factor:0.000} from the previous plan's error: host load over planned load {calibration.Ratio:0.000} at the {1 - Adaptive.ForecastCalibration.Exceedance:0.0%} quantile of {calibration.HostSamples} host-steps on a plan sized x {last.Factor:0.000}, damped");
        }
        PlanOutcome plan;
        var share = shares.Next();
        if (_last is null && t - request.Replan.IntervalSeconds >= _dataStart
            && InSample(dataset, profiles, usage, t, share) is { } inSample)
        {
            (sized, measured, factor) = (inSample.Sized, inSample.Note, inSample.Factor);
            calibrated = true;
            options = options with { Placement = options.Placement with { Headroom = 0 } };
        }
        try
        {
            plan = Planner.Plan(dataset, sized, options, progress, share);
        }
        catch (InfeasiblePlacementException) when (measured is not null)
        {
            // The calibrated forecast leaves some VM no host big enough: the round falls back to the forecast
            // and --headroom asked for (and the mode choice judges the plan by how it then fares).
            measured += FormattableString.Invariant($"; infeasible so, planned on the profiles with {request.Plan.Placement.Headroom:0.0%} headroom instead");
            sized = profiles;
            calibrated = false;
            factor = 1;
            plan = Planner.Plan(dataset, profiles, request.Plan, progress, share);
        }
        shares.Planned();
        var simulation = Simulator.Run(plan.Problem, plan.Target, plan.Migrations, dataset.Usage, request.EffectiveSimulation);
        var schedule = AllocationPlanner.Build(plan.Problem, simulation.Final, profiles);

        double downtime = 0;
        foreach (var m in simulation.Migrations.Where(m => m.Started))
        {
            var v = planned[m.Vm];
            downtime += m.DowntimeSeconds;
            if (fold.Judged.TryGetValue(v, out var k))
            {
                migrations.Add(new TimedMigration(k, t + m.StartSeconds, m.TotalSeconds, m.DowntimeSeconds, m.EnergyJoules));
            }
        }
        for (var i = 0; i < planned.Count; i++)
        {
            var v = planned[i];
            var caps = Enumerable.Range(0, profiles.Windows.Count).Select(w => schedule.CapCores(i, w)).ToArray();
            var shares = Enumerable.Range(0, profiles.Windows.Count).Select(w => (double)schedule.Shares(i, w)).ToArray();
            _caps[v] = caps;
            _shares[v] = shares;
            var final = simulation.Final[i];
            var arrival = simulation.Migrations.Where(m => m.Vm == i && m.Status == MigrationStatus.Completed).Select(m => t + (long)Math.Ceiling(m.EndSeconds)).DefaultIfEmpty(t).Max();
            if (fold.Judged.TryGetValue(v, out var k))
            {
                changes[k].Add(new Change(t, _hostOf[v], caps, profiles.Windows, shares));
                if (final != _hostOf[v] && final >= 0) changes[k].Add(new Change(arrival, final, caps, profiles.Windows, shares));
            }
            if (final >= 0) _hostOf[v] = final;
        }
        _windows = profiles.Windows;
        _last = (t, [.. planned], [.. Enumerable.Range(0, planned.Count).Select(i => simulation.Final[i])], sized, factor);
        LastCalibrated = calibrated;
        LastForecastKWhPerDay = Adaptive.PlanForecast.KWhPerDay(data.Hosts, sized, _last.Value.HostOf, t, t + request.Replan.IntervalSeconds,
            (long)LrMmtState.SchedulingSeconds);
        var forecast = FormattableString.Invariant($"the plan forecasts {LastForecastKWhPerDay:0.00} kWh/day until the next round (its profiles' mean CPU)");
        var s = plan.Summary;
        return new ReplanRound(t, planned.Count, profiles.Windows.Name, simulation.Final.ActiveHostCount, simulation.Summary.Completed,
            s.Stages, s.SolverStatus, s.Gap, downtime,
            [.. profiles.Note is { } note ? [note] : Array.Empty<string>(), .. measured is null ? Array.Empty<string>() : [measured], forecast, .. s.Notes]);
    }

    /// <summary>The first round's calibration, in sample: it has no earlier plan to backtest, but its history holds a whole
    /// interval (the training day), so a pilot plan is made on the forecast with the --headroom asked for, as the
    /// round was planned before, and <see cref="Adaptive.ForecastCalibration"/> measures that plan's error on the interval
    /// just before the round, the same samples the profiles were built on; the round is then planned on the forecast
    /// scaled by it, as every later round is on its out-of-sample error. Reads only the history (the samples before t).
    /// The pilot gets half the round's share of the time limit. Null when nothing was measured.</summary>
    private (ProfileSet Sized, string Note, double Factor)? InSample(Dataset dataset, ProfileSet profiles, IReadOnlyList<VmSeries> usage, long t, Timing.Deadline share)
    {
        var pilot = Planner.Plan(dataset, profiles, request.Plan, progress, share.IsWallClock ? share.EarlierBy(share.Remaining / 2) : share);
        if (Adaptive.ForecastCalibration.Measure(usage, pilot.Target.HostOf, profiles, t - request.Replan!.IntervalSeconds, t,
                (long)LrMmtState.SchedulingSeconds) is not { } c) return null;
        return (Adaptive.ForecastCalibration.Scale(profiles, c.Factor), FormattableString.Invariant(
            $"CPU forecast x {c.Factor:0.000} in sample (the first round): a pilot plan with {request.Plan.Placement.Headroom:0.0%} headroom, host load over planned load on the history's last interval {c.Ratio:0.000} at the {1 - Adaptive.ForecastCalibration.Exceedance:0.0%} quantile of {c.HostSamples} host-steps"), c.Factor);
    }

    private static VmSeries Within(VmSeries s, Period p)
    {
        int lo = s.FirstAtOrAfter(p.From), hi = s.FirstAtOrAfter(p.To);
        return new VmSeries(s.UnixSeconds[lo..hi], s.CpuCores[lo..hi], s.MemoryMib[lo..hi]);
    }
}

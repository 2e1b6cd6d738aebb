using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Heuristics;
using Consolidator.Inventory;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Staging;
using Consolidator.Timing;
using Consolidator.Traces;

namespace Consolidator.Evaluation;

/// <summary>Judges placement policies out of sample. The static plan is made once, from the first training
/// period's samples only; the test periods' raw samples are then replayed on it and on the baselines, fold
/// after fold. Policies with a state (the re-planned plan, LR-MMT) carry it from one fold to the next, so a
/// roll is one continuous month, not independent days.</summary>
public static class Evaluator
{
    public const string Planned = "static plan";
    public const string Replanned = "re-planned";
    public const string TwoLevel = "re-planned + local";
    public const string Current = "current";
    public const string PeakFfd = "peak-sized FFD";

    /// <summary>The first fold only (see <see cref="Run"/>).</summary>
    public static EvaluationResult Evaluate(Dataset data, EvaluationRequest request, IProgress<SolverProgress>? progress = null, Deadline? deadline = null) =>
        Run(data, request with { Roll = false }, progress, deadline).Folds[0];

    /// <param name="deadline">When the whole evaluation must end (wall clock): each plan (the static one and every
    /// re-plan) gets an equal share of what is left once the replays and the other work of the folds still to come,
    /// which are never cut short, have their paced reserve (<see cref="PlanShares"/>).</param>
    /// <param name="onFold">Called as each fold is done, for progress and streamed output.</param>
    public static EvaluationRun Run(Dataset data, EvaluationRequest request, IProgress<SolverProgress>? progress = null,
        Deadline? deadline = null, Action<EvaluationResult>? onFold = null)
    {
        request.Validate();
        deadline ??= Deadline.None;
        var (firstSample, last) = TrainTestSplit.Span(data);
        var folds = request.Roll ? Period.Roll(request.Train, request.Test, last + 1).ToList() : [(request.Train, request.Test)];
        var plansLeft = 1 + (request.Replan is { } schedule ? folds.Sum(f => schedule.Points(request.Test.From, f.Test.From, Math.Min(f.Test.To, last + 1)).Count()) : 0);
        var shares = new PlanShares(deadline, plansLeft, [.. folds.Select(f => Math.Max(0, Math.Min(f.Test.To, last + 1) - f.Test.From) / (double)Period.DaySeconds)],
            data.Usage.Sum(s => (double)s.Count) / Math.Max(1.0 / 24, (last + 1 - firstSample) / (double)Period.DaySeconds));
        var floor = request.Plan.Placement.MemoryAllocationFloor;
        var memory = data.Vms.Select(vm => vm.MemoryMib).ToArray();
        var costs = new MigrationCosts(data.Hosts, data.Vms, data.Usage, request.EffectiveSimulation);
        var current = data.Vms.Select(vm => vm.CurrentHost is { } h ? data.HostIndex(h) : -1).ToArray();
        var lrMmt = (int[])current.Clone();
        var reactive = (int[])current.Clone();
        var adaptive = (int[])current.Clone();
        var adaptiveMode = Adaptive.Mode.Reactive;
        // The regret of the adaptive policy's mode in force (ModeChoice.Switch), carried from round to round.
        var regretKWh = 0.0;
        // The previous fold's replays of the two candidates of the adaptive policy: its evidence for the next.
        (Period Span, PolicyOutcome? Plan, PolicyOutcome? Reactive)? yesterday = null;
        var vcpus = data.Vms.Select(vm => vm.Vcpus).ToArray();
        var replanner = request.Replan is null ? null : new Replanner(data, request, progress, shares);
        var overall = new SortedDictionary<string, (int Order, ReplayTotals Totals)>(StringComparer.Ordinal);
        var results = ImmutableArray.CreateBuilder<EvaluationResult>();
        PlanOutcome? plan = null;
        int[]? planned = null, peak = null;
        double days = 0;

        for (var index = 0; index < folds.Count; index++)
        {
            var (train, test) = folds[index];
            shares.FoldStarts(index);
            var split = TrainTestSplit.Of(data, train, test);
            var fold = new Fold(data, split, train, test, floor);
            var span = fold.Span;
            var notes = ImmutableArray.CreateBuilder<string>();
            var policies = new List<(string Name, ReplayTotals Totals)>();
            if (split.TrainOnly + split.TestOnly > 0)
                notes.Add($"{split.TrainOnly} VM(s) with samples only in the training period and {split.TestOnly} only in the test period are left out");
            if (span.To < test.To)
                notes.Add($"the samples end at {Period.Stamp(span.To)}, before the test period does; figures cover {span.Days.ToString("0.###", CultureInfo.InvariantCulture)} day(s)");

            var first = plan is null;
            if (first)
            {
                var profiles = ProfileBuilder.Build(split.TrainData, request.Windows, request.Profile);
                plan = Planner.Plan(split.TrainData, profiles, request.Plan with { MaxMigrations = null }, progress, shares.Next());
                shares.Planned();
                if (profiles.Note is { } note) notes.Add(note);
                planned = (int[])current.Clone();
                var effective = Effective(plan);
                for (var k = 0; k < fold.Vms.Length; k++) planned[fold.Vms[k]] = effective[k];
                var problem = plan.Problem;
                if (FirstFit.Pack(problem, Sizing.Peak, Fit.First) is { } ffd)
                {
                    peak = (int[])current.Clone();
                    for (var k = 0; k < fold.Vms.Length; k++) peak[fold.Vms[k]] = ffd.HostOf[k];
                }
                else notes.Add("peak-sized first-fit-decreasing cannot place every VM on this inventory");
            }

            // The static plan: its stages run at the start of the first test period; a VM that arrived after
            // it was made runs on its current host.
            var statics = new ReplayTotals();
            StaticReplay.Replay(statics, data.Hosts, Stays(fold, planned!), span);
            if (first) StaticReplay.AddMigrations(statics, fold.Timelines, Staged(plan!, span.From, request, split.TrainData.Usage));
            policies.Add((Planned, statics));

            var rounds = new List<ReplanRound>();
            // Whether the plan replayed yesterday (the last round before today's) was made on a calibrated forecast.
            var yesterdayCalibrated = replanner?.LastCalibrated ?? false;
            if (replanner is not null)
            {
                var (stays, migrations, done, skipped) = replanner.Run(fold);
                rounds.AddRange(done);
                if (skipped is not null) notes.Add(skipped);
                var without = new ReplayTotals();
                StaticReplay.Replay(without, data.Hosts, stays.Select(s => (s.Host, s.Resident with { CapByWindow = null })), span);
                StaticReplay.AddMigrations(without, fold.Timelines, migrations);
                policies.Add((Replanned, without));
                var with = new ReplayTotals();
                StaticReplay.Replay(with, data.Hosts, stays, span);
                StaticReplay.AddMigrations(with, fold.Timelines, migrations);
                policies.Add((TwoLevel, with));
            }

            if (fold.Vms.All(v => current[v] >= 0))
            {
                var now = new ReplayTotals();
                StaticReplay.Replay(now, data.Hosts, Stays(fold, current), span);
                policies.Add((Current, now));
            }
            else notes.Add("some VMs run nowhere today, so there is no current placement to compare with");

            if (peak is not null)
            {
                var ffd = new ReplayTotals();
                StaticReplay.Replay(ffd, data.Hosts, Stays(fold, peak), span);
                if (first)
                    StaticReplay.AddMigrations(ffd, fold.Timelines, fold.Vms.Select((v, k) => (v, k))
                        .Where(x => current[x.v] >= 0 && peak[x.v] != current[x.v])
                        .Select(x => costs.Alone(x.v, x.k, current[x.v], peak[x.v], span.From)));
                policies.Add((PeakFfd, ffd));
            }

            if (request.Dynamic)
            {
                if (fold.Vms.All(v => lrMmt[v] >= 0))
                {
                    var totals = new ReplayTotals();
                    var hostOf = fold.Vms.Select(v => lrMmt[v]).ToArray();
                    var series = fold.Vms.Select(v => data.Usage[v]).ToArray();
                    var cold = LrMmt.Run(totals, data.Hosts, [.. fold.Vms.Select(v => memory[v])], series, fold.Timelines, [.. fold.Qos], hostOf, span,
                        request.MigrationBandwidthMbps, (k, a, b, t) => costs.Alone(fold.Vms[k], k, a, b, t));
                    for (var k = 0; k < fold.Vms.Length; k++) lrMmt[fold.Vms[k]] = hostOf[k];
                    if (cold > 0) notes.Add($"LR-MMT started cold for {cold} VM(s) with no samples in the {LrMmtState.HistoryLength * LrMmtState.SchedulingSeconds / 60:0} minutes before the test period (CloudSim's static 0.7 threshold until it has 10 values)");
                    policies.Add((LrMmt.Name, totals));
                }
                else notes.Add("LR-MMT starts from the current placement, which some VMs lack; not run");
            }

            if (request.Reactive)
            {
                if (fold.Vms.All(v => reactive[v] >= 0))
                {
                    var totals = new ReplayTotals();
                    var hostOf = fold.Vms.Select(v => reactive[v]).ToArray();
                    Reactive.ReactivePolicy.Run(totals, data.Hosts, [.. fold.Vms.Select(v => data.Usage[v])], [.. fold.Vms.Select(v => vcpus[v])],
                        [.. fold.Vms.Select(v => memory[v])], fold.Timelines, fold.Qos, hostOf, span, request.ReactiveOptions,
                        (k, a, b, t) => costs.Alone(fold.Vms[k], k, a, b, t));
                    for (var k = 0; k < fold.Vms.Length; k++) reactive[fold.Vms[k]] = hostOf[k];
                    policies.Add((Reactive.ReactivePolicy.Name, totals));
                }
                else notes.Add("the reactive level starts from the current placement, which some VMs lack; not run");
            }

            if (replanner is not null && request.Reactive)
            {
                // The policy follows one plan through the whole test interval: a round inside it (--replan under the
                // interval) has read samples of the interval, so its plan cannot stand for the interval's start.
                if (rounds.Any(r => r.Time > span.From))
                    notes.Add($"{Adaptive.AdaptivePolicy.Name}: not run, since a re-plan round falls inside the test interval and its plan has read samples of it (use a re-plan interval no shorter than the test period: --replan daily with one-day tests, as --roll steps)");
                else if (fold.Vms.All(v => adaptive[v] >= 0))
                {
                    var hostOf = fold.Vms.Select(v => adaptive[v]).ToArray();
                    int[] target = [.. fold.Vms.Select(v => replanner.HostOf[v])];
                    TimedMigration Cost(int k, int a, int b, double t) => costs.Alone(fold.Vms[k], k, a, b, t);
                    // What entering plan mode costs, known before the day: each move copies the VM's memory at least
                    // once (Liu et al.'s data model, as every migration is charged), a lower bound that reads no trace.
                    var switchJoules = Enumerable.Range(0, hostOf.Length).Where(k => target[k] >= 0 && target[k] != hostOf[k])
                        .Sum(k => Simulation.MigrationEnergy.DataModelJoules(memory[fold.Vms[k]]));
                    // Only an interval that ended before this one starts is evidence (no peeking).
                    // Yesterday's plan is evidence about today's when both were made on a calibrated forecast; else today's
                    // own forecast stands in for its energy (ModeChoice).
                    var forecast = !yesterdayCalibrated && replanner.LastCalibrated ? replanner.LastForecastKWhPerDay : null;
                    var switchKWhPerDay = switchJoules / 3.6e6 / span.Days;
                    // The round trip between the modes (ModeChoice.Switch): the moves between the placement in force and
                    // the other mode's, once each way, at the price the planner puts on a move (--migration-weight, Wh per
                    // GiB of memory): a switch is a reshuffle of the fleet, so it is priced as the planner prices one. In
                    // plan mode the other placement is where the reactive level, run alone, has the VMs now.
                    var weightWhPerGiB = request.Plan.Placement.MigrationWeightWhPerGiB;
                    var roundTripKWh = 2 * weightWhPerGiB / 1000 / 1024 * Enumerable.Range(0, hostOf.Length)
                        .Where(k => adaptiveMode == Adaptive.Mode.Plan
                            ? reactive[fold.Vms[k]] >= 0 && reactive[fold.Vms[k]] != hostOf[k]
                            : target[k] >= 0 && target[k] != hostOf[k])
                        .Sum(k => memory[fold.Vms[k]]);
                    Adaptive.Mode mode;
                    string why;
                    if (yesterday is { } y && y.Span.To <= span.From)
                        (mode, why, regretKWh) = Adaptive.ModeChoice.Switch(y.Plan, y.Reactive, adaptiveMode, regretKWh, roundTripKWh, y.Span.Days, forecast);
                    // The first round has no earlier test interval: both candidates are backtested on the training
                    // period, so that a month the plan suits enters it directly from the operator's placement (when
                    // the fold has its round at its start: rounds inside it were refused above).
                    else if (yesterday is null && rounds.Count == 1 && replanner.LastForecastKWhPerDay is { } firstForecast
                        && Adaptive.TrainingBacktest.Run(data, fold, floor, hostOf, target, request.ReactiveOptions, Cost) is var (p, r))
                        (mode, why) = Adaptive.ModeChoice.Choose(p, r, adaptiveMode, switchKWhPerDay, firstForecast, onTraining: true,
                            entryMoves: Enumerable.Range(0, hostOf.Length).Count(k => target[k] >= 0 && target[k] != hostOf[k]),
                            backtestDays: Adaptive.TrainingBacktest.Span(fold, request.ReactiveOptions).Days);
                    else (mode, why) = Adaptive.ModeChoice.Choose(null, null);
                    if (mode != adaptiveMode) regretKWh = 0;
                    adaptiveMode = mode;
                    notes.Add($"{Adaptive.AdaptivePolicy.Name}: {why}");
                    var totals = new ReplayTotals();
                    var moved = Adaptive.AdaptivePolicy.Run(totals, mode, target, data.Hosts, [.. fold.Vms.Select(v => data.Usage[v])],
                        [.. fold.Vms.Select(v => vcpus[v])], [.. fold.Vms.Select(v => memory[v])], fold.Timelines, fold.Qos, hostOf, span,
                        request.ReactiveOptions with { MoveWeightWhPerGiB = request.Plan.Placement.MigrationWeightWhPerGiB }, Cost, replanner.Windows);
                    for (var k = 0; k < fold.Vms.Length; k++) adaptive[fold.Vms[k]] = hostOf[k];
                    notes.Add($"moves of the {Adaptive.AdaptivePolicy.Name} policy: {moved}");
                    policies.Add((Adaptive.AdaptivePolicy.Name, totals));
                }
                else notes.Add("the adaptive two-level policy starts from the current placement, which some VMs lack; not run");
            }

            var outcomes = policies.Select(p => p.Totals.Outcome(p.Name, span)).ToImmutableArray();
            // In plan mode the evidence about the plan is what following it gave (its safety net and moves included),
            // the mode being kept or left; otherwise the re-planned plan replayed beside the policy (ModeChoice.Switch).
            var followed = adaptiveMode == Adaptive.Mode.Plan ? outcomes.FirstOrDefault(o => o.Policy == Adaptive.AdaptivePolicy.Name) : null;
            yesterday = (span, followed ?? outcomes.FirstOrDefault(o => o.Policy == TwoLevel), outcomes.FirstOrDefault(o => o.Policy == Reactive.ReactivePolicy.Name));
            for (var i = 0; i < policies.Count; i++)
            {
                if (!overall.TryGetValue(policies[i].Name, out var o)) overall[policies[i].Name] = o = (overall.Count, new ReplayTotals());
                o.Totals.Add(policies[i].Totals);
            }
            days += span.Days;
            var result = new EvaluationResult(train, test, span.Days, fold.Vms.Length, split.TrainOnly, split.TestOnly, plan!, outcomes, notes.ToImmutable())
            {
                Rounds = [.. rounds],
            };
            results.Add(result);
            onFold?.Invoke(result);
            shares.FoldEnds();
        }
        var whole = new Period(0, (long)Math.Round(days * Period.DaySeconds));
        return new EvaluationRun(results.ToImmutable(),
            [.. overall.OrderBy(kv => kv.Value.Order).Select(kv => kv.Value.Totals.Outcome(kv.Key, whole))], days) { Time = shares.Time };
    }

    /// <summary>The judged VMs on the hosts of a placement over dataset VMs, for the whole span.</summary>
    private static IEnumerable<(int Host, Resident Resident)> Stays(Fold fold, int[] hostOf) =>
        fold.Vms.Select((v, k) => (hostOf[v], new Resident(fold.Timelines[k], fold.Span.From, fold.Span.To, fold.Qos[k])))
            .Where(s => s.Item1 >= 0);

    /// <summary>Where each VM ends up once the stages have run: the target, except for blocked moves.</summary>
    internal static int[] Effective(PlanOutcome plan)
    {
        var hostOf = plan.Problem.CurrentPlacement().HostOf.ToArray();
        foreach (var stage in plan.Migrations.Stages)
            foreach (var m in stage.Migrations) hostOf[m.Vm] = m.To;
        return hostOf;
    }

    /// <summary>The plan's live migrations through the live-migration simulator, from the start of the test
    /// period: stage after stage, NICs shared by the migrations of a stage. First placements start a VM and
    /// degrade nothing.</summary>
    private static List<TimedMigration> Staged(PlanOutcome plan, long start, EvaluationRequest request, ImmutableArray<VmSeries> usage)
    {
        var replay = Simulation.Simulator.Run(plan.Problem, plan.Target, plan.Migrations, usage, request.EffectiveSimulation);
        return [.. replay.Migrations.Where(m => m.Started)
            .Select(m => new TimedMigration(m.Vm, start + m.StartSeconds, m.TotalSeconds, m.DowntimeSeconds, m.EnergyJoules))];
    }
}

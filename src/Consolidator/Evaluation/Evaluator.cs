using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Heuristics;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Staging;
using Consolidator.Timing;
using Consolidator.Traces;

namespace Consolidator.Evaluation;

/// <summary>Judges a plan out of sample: profiles and the plan come from the training period only; the test
/// period's raw samples are then replayed on the planned placement and on the baselines.</summary>
public static class Evaluator
{
    public const string Planned = "consolidator";
    public const string Current = "current";
    public const string PeakFfd = "peak-sized FFD";

    /// <param name="deadline">When planning must end (wall clock); the replays after it are cheap next to it.</param>
    public static EvaluationResult Evaluate(Dataset data, EvaluationRequest request, IProgress<SolverProgress>? progress = null, Deadline? deadline = null)
    {
        request.Validate();
        var split = TrainTestSplit.Of(data, request.Train, request.Test);
        var train = split.TrainData;
        var profiles = ProfileBuilder.Build(train, request.Windows, request.Percentile);
        var plan = Planner.Plan(train, profiles, request.Plan, progress, deadline);
        var problem = plan.Problem;

        var floor = request.Plan.Placement.MemoryAllocationFloor;
        var vms = train.Vms.Select((vm, v) => Timeline.Of(split.FullSeries[v], request.Test, floor ? vm.MemoryMib : 0)).ToArray();
        var span = new Period(request.Test.From, vms.Max(t => t.Count > 0 ? t.End[^1] : request.Test.From));
        var notes = ImmutableArray.CreateBuilder<string>();
        if (split.TrainOnly + split.TestOnly > 0)
            notes.Add($"{split.TrainOnly} VM(s) with samples only in the training period and {split.TestOnly} only in the test period are left out");
        if (span.To < request.Test.To)
            notes.Add($"the samples end at {Period.Stamp(span.To)}, before the test period does; figures cover {span.Days.ToString("0.###", CultureInfo.InvariantCulture)} day(s)");

        var policies = ImmutableArray.CreateBuilder<PolicyOutcome>();
        policies.Add(StaticReplay.Run(Planned, train.Hosts, vms, Effective(plan), span, Staged(plan, span.From, request.MigrationBandwidthMbps)));

        var current = problem.CurrentPlacement();
        if (problem.AllPlaced)
            policies.Add(StaticReplay.Run(Current, train.Hosts, vms, current.HostOf, span, []));
        else
            notes.Add("some VMs run nowhere today, so there is no current placement to compare with");

        if (FirstFit.Pack(problem, Sizing.Peak, Fit.First) is { } peak)
            policies.Add(StaticReplay.Run(PeakFfd, train.Hosts, vms, peak.HostOf, span, AllAtOnce(problem, peak.HostOf, span.From, request.MigrationBandwidthMbps)));
        else
            notes.Add("peak-sized first-fit-decreasing cannot place every VM on this inventory");

        if (request.Dynamic)
        {
            if (problem.AllPlaced) policies.Add(LrMmt.Run(train, split.FullSeries, vms, span, request));
            else notes.Add("LR-MMT starts from the current placement, which some VMs lack; not run");
        }
        return new EvaluationResult(request.Train, request.Test, span.Days, train.Vms.Length, split.TrainOnly, split.TestOnly,
            plan, policies.ToImmutable(), notes.ToImmutable());
    }

    /// <summary>Where each VM ends up once the stages have run: the target, except for blocked moves.</summary>
    internal static int[] Effective(PlanOutcome plan)
    {
        var hostOf = plan.Problem.CurrentPlacement().HostOf.ToArray();
        foreach (var stage in plan.Migrations.Stages)
            foreach (var m in stage.Migrations) hostOf[m.Vm] = m.To;
        return hostOf;
    }

    /// <summary>The plan's live migrations, stage after stage from the start of the test period: a stage lasts
    /// as long as its longest migration. First placements start a VM and degrade nothing.</summary>
    internal static List<TimedMigration> Staged(PlanOutcome plan, long start, double bandwidthMbps)
    {
        var timed = new List<TimedMigration>();
        double t = start;
        foreach (var stage in plan.Migrations.Stages)
        {
            double longest = 0;
            foreach (var m in stage.Migrations.Where(m => m.Kind != MigrationKind.Place))
            {
                var seconds = MigrationPenalty.Seconds(plan.Problem.Vms[m.Vm].MemoryMib, bandwidthMbps);
                timed.Add(new TimedMigration(m.Vm, t, seconds));
                longest = Math.Max(longest, seconds);
            }
            t += longest;
        }
        return timed;
    }

    /// <summary>A placement without a staged plan migrates every moved VM at once, as CloudSim does.</summary>
    private static List<TimedMigration> AllAtOnce(Packing.PlacementProblem p, IReadOnlyList<int> hostOf, long start, double bandwidthMbps) =>
        [.. Enumerable.Range(0, p.VmCount)
            .Where(v => p.CurrentHost(v) >= 0 && hostOf[v] != p.CurrentHost(v))
            .Select(v => new TimedMigration(v, start, MigrationPenalty.Seconds(p.Vms[v].MemoryMib, bandwidthMbps)))];
}

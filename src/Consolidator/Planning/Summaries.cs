using System.Collections.Immutable;
using Consolidator.Heuristics;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Staging;

namespace Consolidator.Planning;

/// <summary>The heuristic placements a plan is compared with (null where a heuristic cannot place every VM, or was
/// not run for time: then it is named in <see cref="Skipped"/>).</summary>
internal sealed record Baselines(Placement? PeakSizedFfd, Placement? TemporalFfd, Placement? TemporalBfd)
{
    /// <summary>The baselines left out or cut short because the time limit ran short, as the summary names them.</summary>
    public ImmutableArray<string> Skipped { get; init; } = [];

    public const string PeakSizedFfdName = "peak-sized first-fit-decreasing", TemporalBfdName = "best-fit-decreasing";

    /// <summary>Temporal first fit always runs: it is the solver's warm start and the plan it falls back on. Best fit
    /// (a second warm start, and a column of the summary) and the peak-sized first fit (only a comparison) run while
    /// <paramref name="stop"/> says there is time, each asked before every VM it places.</summary>
    public static Baselines Of(PlacementProblem p, Func<bool>? stop = null)
    {
        stop ??= () => false;
        var skipped = ImmutableArray.CreateBuilder<string>();
        var temporal = FirstFit.Pack(p, Sizing.Temporal, Fit.First);
        var best = Optional(TemporalBfdName, s => FirstFit.Pack(p, Sizing.Temporal, Fit.Best, stop: s));
        var peak = Optional(PeakSizedFfdName, s => FirstFit.Pack(p, Sizing.Peak, Fit.First, stop: s));
        return new Baselines(peak, temporal, best) { Skipped = skipped.ToImmutable() };

        Placement? Optional(string name, Func<Func<bool>, Placement?> run)
        {
            var stopped = false;
            var placement = run(() => stopped = stopped || stop());
            if (stopped) skipped.Add(name);
            return stopped ? null : placement;
        }
    }
}

internal static class Summaries
{
    public static PlanSummary Of(PlacementProblem p, ProfileSet profiles, SolveResult solve, MigrationPlan plan, Baselines baselines, ImmutableArray<string> notes)
    {
        var current = p.CurrentPlacement();
        var peak = baselines.PeakSizedFfd;
        var temporal = baselines.TemporalFfd;
        var moves = plan.Stages.SelectMany(s => s.Migrations).ToArray();
        var movedMib = moves.Where(m => m.Kind != MigrationKind.Place).Sum(m => p.Vms[m.Vm].MemoryMib);
        var classes = profiles.Vms.GroupBy(v => v.Class).ToImmutableSortedDictionary(g => g.Key, g => g.Count());
        var extraNotes = notes;
        if (!p.AllPlaced)
            extraNotes = extraNotes.Add($"{Enumerable.Range(0, p.VmCount).Count(v => p.CurrentHost(v) < 0)} VM(s) run nowhere today; 'before' figures leave them out");
        if (!baselines.Skipped.IsEmpty)
            extraNotes = extraNotes.Add($"not computed, the time limit being short: the {string.Join(" and the ", baselines.Skipped)} baseline{(baselines.Skipped.Length > 1 ? "s" : "")} (shown as n/a)");
        if (peak is null && !baselines.Skipped.Contains(Baselines.PeakSizedFfdName))
            extraNotes = extraNotes.Add("peak-sized first-fit-decreasing cannot place every VM on this inventory");

        var keepable = KeepInPlace.StayUpperBound(p, solve.Placement.ActiveHostCount);
        var bound = KeepInPlace.MigrationLowerBound(p, solve.Placement.ActiveHostCount, keepable);
        return new PlanSummary(
            Vms: p.VmCount,
            Hosts: p.HostCount,
            ActiveHostsBefore: current.ActiveHostCount,
            ActiveHostsAfter: solve.Placement.ActiveHostCount,
            EnergyKWhPerDayBefore: Energy.WhPerDay(p, current) / 1000,
            EnergyKWhPerDayAfter: Energy.WhPerDay(p, solve.Placement) / 1000,
            Migrations: moves.Count(m => m.Kind == MigrationKind.Move),
            RelayMigrations: moves.Count(m => m.Kind == MigrationKind.Relay),
            FirstPlacements: moves.Count(m => m.Kind == MigrationKind.Place),
            Stages: plan.Stages.Length,
            MemoryMovedGiB: movedMib / 1024,
            HostLowerBound: LowerBounds.Hosts(p),
            EnergyLowerBoundKWhPerDay: LowerBounds.EnergyWhPerDay(p) / 1000,
            SolverStatus: solve.Status,
            ObjectiveWh: solve.ObjectiveWh,
            BoundWh: solve.BoundWh,
            Gap: solve.Gap,
            PeakSizedFfdHosts: peak?.ActiveHostCount,
            PeakSizedFfdEnergyKWhPerDay: peak is null ? null : Energy.WhPerDay(p, peak) / 1000,
            TemporalFfdHosts: temporal?.ActiveHostCount,
            TemporalBfdHosts: baselines.TemporalBfd?.ActiveHostCount,
            VmClasses: classes,
            Notes: extraNotes)
        {
            KeptInPlace = Enumerable.Range(0, p.VmCount).Count(v => p.CurrentHost(v) >= 0 && solve.Placement[v] == p.CurrentHost(v)),
            KeepableUpperBound = keepable,
            MigrationCostWh = Energy.MigrationCostWh(p, solve.Placement),
            MovesLowerBound = bound.Moves,
            MigrationCostLowerBoundWh = bound.CostWh,
            Storage = StorageSummary.Of(p, solve.Placement, plan),
        };
    }
}

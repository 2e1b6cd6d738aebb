using Consolidator.Inventory;
using Consolidator.Planning;
using Consolidator.Profiles;

namespace Consolidator.Reporting;

/// <summary>Writes plan.json (schema "consolidator.plan/1", documented in docs/reference.md) as <see cref="PlanJson"/>
/// records through the source-generated serializer. Holds nothing that varies between identical runs (no
/// wall-clock times, no absolute paths), so one worker gives identical bytes.</summary>
public static class PlanJsonWriter
{
    public const string Schema = "consolidator.plan/1";

    /// <param name="dataset">The dataset the plan was made from (<see cref="Source"/>), recorded so that `export`
    /// checks the plan against it; null leaves the field out.</param>
    public static string ToJson(PlanOutcome plan, PlanRequest request, PlanDatasetJson? dataset = null)
    {
        var p = plan.Problem;
        string? Host(int h) => h >= 0 ? p.Hosts[h].Id : null;
        return ReportJson.Serialize(new PlanJson(Schema, dataset, Options(plan, request), Summary(plan),
            [.. Enumerable.Range(0, p.VmCount).Select(v => new PlacementJson(p.Vms[v].Id, p.Hosts[plan.Target[v]].Id, p.Vms[v].CurrentHost, Names.Of(plan.Profiles.Vms[v].Class)))],
            [.. plan.Migrations.Stages.Select(s => new PlanStageJson(s.Number,
                [.. s.Migrations.Select(m => new PlanMigrationJson(p.Vms[m.Vm].Id, Host(m.From), Host(m.To), Names.Of(m.Kind), R(p.Vms[m.Vm].MemoryMib)))]))],
            [.. plan.Migrations.Blocked.Select(b => new BlockedJson(p.Vms[b.Vm].Id, Host(b.From), Host(b.To), b.Reason))]),
            ReportJsonContext.Default.PlanJson);
    }

    /// <summary>The record of <paramref name="data"/> (read with its fingerprint) from <paramref name="datasetDir"/>, for a
    /// plan.json in <paramref name="planDir"/>: the dataset's folder relative to the plan's, with '/' between folders.</summary>
    public static PlanDatasetJson Source(string datasetDir, string planDir, Traces.Dataset data) =>
        new(Path.GetRelativePath(Path.GetFullPath(planDir), Path.GetFullPath(datasetDir)).Replace(Path.DirectorySeparatorChar, '/'),
            data.Fingerprint ?? throw new ArgumentException("read the dataset with its fingerprint", nameof(data)));

    private static PlanOptionsJson Options(PlanOutcome plan, PlanRequest request)
    {
        var profile = plan.Profiles.Options;
        var multiplexed = profile.Sizing == DemandSizing.Multiplexed;
        return new(plan.Profiles.Windows.Name, plan.Profiles.Note, R(plan.Profiles.Percentile), R(profile.HalfLifeHours), R(profile.Margin),
            multiplexed ? profile.Sizing.Name() : null, multiplexed ? R(profile.MultiplexVms) : null,
            R(request.Placement.Headroom), R(request.Placement.MigrationWeightWhPerGiB), request.Placement.MemoryAllocationFloor,
            R(request.Placement.CpuAllocationRatio), R(request.Placement.RamAllocationRatio),
            plan.Problem.Disks.Counts ? request.Placement.DiskWeightWhPerGiB : null, plan.Problem.Disks.Counts ? request.Placement.WholeDisks : null,
            R(request.Solver.TimeLimitSeconds),
            request.Solver.Seed, request.Solver.EffectiveWorkers, request.Solver.Deterministic,
            [.. plan.Profiles.Windows.Windows.Select(w => new WindowJson(w.Index, w.Label, R(w.HoursPerDay)))],
            plan.Simulation is { } result ? SimulationJsonWriter.Options(result.Options) : null);
    }

    private static PlanSummaryJson Summary(PlanOutcome plan)
    {
        var s = plan.Summary;
        return new(s.Vms, s.Hosts, s.ActiveHostsBefore, s.ActiveHostsAfter, R(s.EnergyKWhPerDayBefore), R(s.EnergyKWhPerDayAfter),
            s.Migrations, s.RelayMigrations, s.FirstPlacements, s.Stages, R(s.MemoryMovedGiB), s.HostLowerBound, R(s.EnergyLowerBoundKWhPerDay),
            s.KeptInPlace, s.KeepableUpperBound, R(s.MigrationCostWh), s.MovesLowerBound, R(s.MigrationCostLowerBoundWh), R(s.EnergyGap),
            new SolverJson("or-tools cp-sat", Names.Of(s.SolverStatus), R(s.ObjectiveWh), R(s.BoundWh), R(s.Gap)),
            new BaselinesJson(R(s.PeakSizedFfdHosts), R(s.PeakSizedFfdEnergyKWhPerDay), R(s.TemporalFfdHosts), R(s.TemporalBfdHosts)),
            s.VmClasses.ToDictionary(kv => Names.Of(kv.Key), kv => kv.Value), s.Notes,
            s.Simulation is { } simulation ? SimulationJsonWriter.Summary(simulation, plan.Problem) : null,
            s.Storage is { } st ? new PlanStorageJson(st.LocalHosts, R(st.CapacityGiB), R(st.UsedGiBBefore), R(st.UsedGiBAfter), R(st.WholeGiBAfter),
                R(st.SavedGiB), R(st.DiskSentGiB), R(st.DiskSentWholeGiB), R(st.SentSavedGiB), st.ImagesOnce ? "images once per host" : "whole disks") : null);
    }

    private static double R(double value) => ReportJson.Round(value);

    private static double? R(double? value) => ReportJson.Round(value);
}

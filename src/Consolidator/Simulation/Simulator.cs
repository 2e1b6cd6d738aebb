using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Staging;
using Consolidator.Traces;

namespace Consolidator.Simulation;

/// <summary>Replays a staged migration plan through the live-migration models and reports per VM, per stage
/// and for the whole plan. Reads no files; deterministic for the same inputs and fault seed.</summary>
public static class Simulator
{
    /// <param name="problem">Hosts, VMs, windows and demands the plan was made for.</param>
    /// <param name="target">The planned placement, to count the VMs that did not reach it (failures, or
    /// blocked moves of the plan itself).</param>
    /// <param name="plan">The stages to replay.</param>
    /// <param name="usage">The raw usage series, in the problem's VM order, for the dirty-rate defaults
    /// (by VM class) and the time hosts spend over capacity; empty to skip both.</param>
    /// <param name="cancel">Ends the replay early (the command's time limit): it throws <see cref="OperationCanceledException"/>
    /// between VMs, hosts, stages and events, so a large replay stops within a fraction of a second.</param>
    public static SimulationResult Run(PlacementProblem problem, Placement target, MigrationPlan plan, ImmutableArray<VmSeries> usage, SimulationOptions options,
        CancellationToken cancel = default)
    {
        options.Validate();
        if (!usage.IsDefaultOrEmpty && usage.Length != problem.VmCount)
            throw new ArgumentException($"usage has {usage.Length} series but the problem {problem.VmCount} VMs", nameof(usage));
        var vms = Inputs(problem, usage, options, cancel);
        var nic = NicGoodput(problem, options);
        var planned = ReplayPlan.Build(problem, plan, vms, nic, options);
        // usage.csv's disk_write_kib_s (the trace's mean) is the rate a VM's disk writes while its block copy runs.
        double[]? diskWrites = usage.IsDefaultOrEmpty ? null : [.. usage.Select(s => (s.MeanDiskWriteKibPerSecond ?? 0) / 1024)];
        var replay = new Replay(problem, plan, planned, vms, nic, options, diskWrites).Run(cancel);
        var final = new Placement(replay.FinalHostOf);
        var before = OverCapacity.Measure(problem, problem.CurrentPlacement(), usage, cancel);
        var after = OverCapacity.Measure(problem, final, usage, cancel);
        var overCapacity = new OverCapacityReport(before.HostHours, after.HostHours, before.Hosts, after.Hosts, OverCapacity.TraceHours(usage));
        var offTarget = Enumerable.Range(0, problem.VmCount).Count(v => final[v] != target[v]);
        var summary = Summarise(problem, options, replay, final, offTarget, overCapacity);
        return new SimulationResult(options, summary, replay.Migrations, replay.Stages, final);
    }

    /// <summary>Per VM: memory; zero pages (usage.csv's zero_fraction at the latest sample, else the memory
    /// not in use at the latest sample, which a guest that never touched it holds as zero pages); dirty
    /// behaviour (vms.csv's hot and cold rates over its working set, else its total rate, else the default of
    /// its class, in the shape of <see cref="DirtyProfile.FromRate"/>); working set; device state.</summary>
    public static ImmutableArray<VmMigrationInputs> Inputs(PlacementProblem problem, ImmutableArray<VmSeries> usage, SimulationOptions options,
        CancellationToken cancel = default) =>
        [.. problem.Vms.Select((vm, v) =>
        {
            cancel.ThrowIfCancellationRequested();
            var series = usage.IsDefaultOrEmpty ? null : usage[v];
            var zero = series switch
            {
                { LastZeroFraction: { } z } => z * vm.MemoryMib,
                { Count: > 0 } s => Math.Max(0, vm.MemoryMib - s.LastMemoryMib),
                _ => 0,
            };
            return new VmMigrationInputs(vm.MemoryMib, Dirty(vm, series), options.DeviceStateMib, zero, vm.WssMib);
        })];

    /// <summary>The VM's dirty profile from what vms.csv says of it.</summary>
    public static DirtyProfile Dirty(Vm vm, VmSeries? series)
    {
        if (vm.HotDirtyMibPerSecond is not null || vm.ColdDirtyMibPerSecond is not null)
            return DirtyProfile.OverWorkingSet(vm.WssMib ?? 0, vm.HotDirtyMibPerSecond ?? 0, vm.ColdDirtyMibPerSecond ?? 0);
        var rate = vm.DirtyRateMibPerSecond
            ?? DirtyProfile.DefaultRateMibPerSecond(series is null ? VmClass.Flat : ProfileBuilder.Classify(series));
        var shaped = DirtyProfile.FromRate(rate);
        // The hot set lies within the working set when one is given.
        return vm.WssMib is { } wss && shaped.HotSetMib > wss
            ? DirtyProfile.OverWorkingSet(wss, shaped.HotRateMibPerSecond, shaped.ColdRateMibPerSecond)
            : shaped;
    }

    /// <summary>Wire MiB/s each host's NIC carries for migrations: hosts.csv's nic_gbps or the default,
    /// times the link's efficiency.</summary>
    public static double[] NicGoodput(PlacementProblem problem, SimulationOptions options) =>
        [.. problem.Hosts.Select(h => options.Transport.GoodputMibPerSecond(h.NicGbps ?? options.DefaultNicGbps))];

    private static SimulationSummary Summarise(PlacementProblem p, SimulationOptions o, ReplayOutcome replay, Placement final, int offTarget, OverCapacityReport overCapacity)
    {
        var all = replay.Migrations;
        var started = all.Where(m => m.Started).ToArray();
        var paused = started.Where(m => m.DowntimeSeconds > 0).ToArray();
        var worst = paused.OrderByDescending(m => m.DowntimeSeconds).ThenBy(m => m.Index).FirstOrDefault();
        int Count(MigrationStatus s) => all.Count(m => m.Status == s);
        int Method(MigrationMethod x) => started.Count(m => m.Method == x);
        return new SimulationSummary(
            Migrations: all.Length,
            Completed: Count(MigrationStatus.Completed),
            Aborted: Count(MigrationStatus.Aborted),
            Restored: Count(MigrationStatus.Restored),
            Lost: Count(MigrationStatus.Lost),
            Skipped: Count(MigrationStatus.Skipped),
            Recovered: Count(MigrationStatus.Recovered),
            PreCopy: Method(MigrationMethod.PreCopy),
            PostCopy: Method(MigrationMethod.PostCopy),
            Hybrid: Method(MigrationMethod.Hybrid),
            NonConverging: started.Count(m => !m.Converged),
            TotalSeconds: replay.Stages.IsEmpty ? 0 : replay.Stages[^1].EndSeconds,
            DataMovedGiB: started.Sum(m => m.WireMib) / 1024,
            WorstDowntimeSeconds: worst?.DowntimeSeconds ?? 0,
            WorstDowntimeVm: worst?.Vm,
            MeanDowntimeSeconds: paused.Length > 0 ? paused.Average(m => m.DowntimeSeconds) : 0,
            SloViolations: started.Count(m => m.SloDowntimeSeconds(o.Slo) > o.MaxDowntimeSeconds + MethodChoice.DowntimeToleranceSeconds),
            MaxDowntimeSeconds: o.MaxDowntimeSeconds,
            Slo: o.Slo,
            WorstSloDowntimeSeconds: started.Length > 0 ? started.Max(m => m.SloDowntimeSeconds(o.Slo)) : 0,
            FaultStallSeconds: started.Sum(m => m.FaultStallSeconds),
            DegradedSeconds: started.Sum(m => m.DegradedSeconds),
            LostStateSeconds: started.Sum(m => m.LostStateSeconds),
            MigrationEnergyWh: started.Sum(m => m.EnergyJoules) / 3600,
            MigrationEnergyPowerModelWh: started.Sum(m => m.PowerModelJoules) / 3600,
            EnergyKWhPerDayBefore: Energy.WhPerDay(p, p.CurrentPlacement()) / 1000,
            EnergyKWhPerDayAfter: Energy.WhPerDay(p, final) / 1000,
            VmsOffTarget: offTarget,
            PeakNicUtilisation: replay.PeakNicUtilisation,
            OverCapacity: overCapacity,
            Disks: BlockCopySummary.Of(all));
    }
}

using System.Collections.Immutable;
using Consolidator.Planning;
using Consolidator.Profiles;

namespace Consolidator.Evaluation;

/// <param name="Train">Profiles and the plan are built from the samples in this period only.</param>
/// <param name="Test">The samples replayed on the placements.</param>
/// <param name="MigrationBandwidthMbps">Host network bandwidth; as in CloudSim half of it carries a migration,
/// so a VM of M MiB migrates in M / (bandwidth / 16) seconds (migration.md section 5).</param>
/// <param name="Dynamic">Also run the LR-MMT dynamic consolidation baseline.</param>
public sealed record EvaluationRequest(
    Period Train,
    Period Test,
    WindowScheme Windows,
    double Percentile,
    PlanRequest Plan,
    double MigrationBandwidthMbps = 1000,
    bool Dynamic = true)
{
    public void Validate()
    {
        if (!(MigrationBandwidthMbps > 0) || double.IsInfinity(MigrationBandwidthMbps))
            throw new ArgumentOutOfRangeException(nameof(MigrationBandwidthMbps), MigrationBandwidthMbps, "--bandwidth must be a positive number of Mbit/s");
        if (Train.To > Test.From)
            throw new ArgumentOutOfRangeException(nameof(Train), Train.ToString(), $"the training period ({Train}) must end before the test period ({Test}) starts: a plan judged on the samples it was built from proves nothing");
        Plan.Placement.Validate();
        Plan.Solver.Validate();
    }
}

/// <summary>How one placement policy fared on the test period.</summary>
/// <param name="ActiveHosts">Hosts carrying a VM, averaged over time for a dynamic policy.</param>
/// <param name="EnergyKWhPerDay">Integrated over every stretch between samples under each host's power model.</param>
/// <param name="CpuOverloadFraction">Share of active host-time with CPU demand above physical capacity.</param>
/// <param name="MemoryOverloadFraction">The same for memory.</param>
/// <param name="Slatah">SLA time per active host (Beloglazov and Buyya 2012): host-time with requested CPU above
/// what the host can allocate over active host-time; equal to <see cref="CpuOverloadFraction"/> here.</param>
/// <param name="Pdm">Performance degradation due to migration: 10 % of each migrating VM's CPU over its migration
/// time, over all CPU requested.</param>
/// <param name="Slav">SLATAH x PDM.</param>
/// <param name="CpuShortfall">CPU asked for but not available (over capacity), over all CPU requested: CloudSim's
/// "overall SLA violation".</param>
/// <param name="WorstCpuDepth">Largest (demand - capacity) / capacity seen; 0.25 = 25 % over.</param>
/// <param name="P99CpuDepth">Overload depth that 99 % of active host-time stays at or below.</param>
public sealed record PolicyOutcome(
    string Policy,
    double ActiveHosts,
    double EnergyKWhPerDay,
    double CpuOverloadFraction,
    double MemoryOverloadFraction,
    double Slatah,
    double Pdm,
    double Slav,
    double CpuShortfall,
    double WorstCpuDepth,
    double P99CpuDepth,
    double WorstMemoryDepth,
    double P99MemoryDepth,
    int Migrations);

/// <summary>One train/test evaluation: the plan made on the training period and every policy's test figures.</summary>
public sealed record EvaluationResult(
    Period Train,
    Period Test,
    double TestDays,
    int Vms,
    int TrainOnlyVms,
    int TestOnlyVms,
    PlanOutcome Plan,
    ImmutableArray<PolicyOutcome> Policies,
    ImmutableArray<string> Notes);

using System.Collections.Immutable;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Simulation;

namespace Consolidator.Evaluation;

/// <param name="Train">The first fold's training period: the static plan and the first profiles are built from
/// its samples only.</param>
/// <param name="Test">The first fold's test period: its samples are replayed on the placements.</param>
/// <param name="MigrationBandwidthMbps">Host network bandwidth: LR-MMT's decisions use CloudSim's model (half of
/// it carries a migration, migration.md section 5); the live-migration models run migrations on a NIC of this
/// rate.</param>
/// <param name="Dynamic">Also run the LR-MMT dynamic consolidation baseline.</param>
public sealed record EvaluationRequest(
    Period Train,
    Period Test,
    WindowChoice Windows,
    ProfileOptions Profile,
    PlanRequest Plan,
    double MigrationBandwidthMbps = 1000,
    bool Dynamic = true)
{
    public EvaluationRequest(Period train, Period test, WindowScheme windows, double percentile, PlanRequest plan, double migrationBandwidthMbps = 1000, bool dynamic = true)
        : this(train, test, new WindowChoice(windows), new ProfileOptions(percentile), plan, migrationBandwidthMbps, dynamic) { }

    /// <summary>Shift both periods by the test period's length in whole days (a day at least) while the test period still has samples.</summary>
    public bool Roll { get; init; }

    /// <summary>Plan again during the test periods, from the placement in force; null = the static plan only.</summary>
    public ReplanSchedule? Replan { get; init; }

    /// <summary>Also run the reactive level (<see cref="Reactive.ReactivePolicy"/>) from today's placement.</summary>
    public bool Reactive { get; init; } = true;

    public Reactive.ReactiveOptions ReactiveOptions { get; init; } = new();

    /// <summary>How far back a re-plan looks; null = as long as the training period.</summary>
    public long? HistorySeconds { get; init; }

    /// <summary>The live-migration models' options for migration times, downtimes and energy (null: defaults on
    /// a NIC of <see cref="MigrationBandwidthMbps"/>).</summary>
    public SimulationOptions? Simulation { get; init; }

    public SimulationOptions EffectiveSimulation => Simulation ?? new SimulationOptions(DefaultNicGbps: MigrationBandwidthMbps / 1000);

    public long History => HistorySeconds ?? Train.Seconds;

    public void Validate()
    {
        // At least 1 Mbit/s: 1e-300 reached the simulator, whose error blamed nic_gbps and --nic-gbps ("would take 7.17E+297 years").
        if (!(MigrationBandwidthMbps >= 1) || double.IsInfinity(MigrationBandwidthMbps))
            throw new ArgumentOutOfRangeException(nameof(MigrationBandwidthMbps), MigrationBandwidthMbps, "--bandwidth must be at least 1 Mbit/s");
        // At most 1 Tbit/s, above the fastest Ethernet IEEE has standardised (800 Gbit/s, IEEE 802.3df-2024): 1e300 ran
        // with exit code 0, every migration taking no time, and the report read as a measurement.
        if (MigrationBandwidthMbps > Inventory.Host.MaxNicGbps * 1000)
            throw new ArgumentOutOfRangeException(nameof(MigrationBandwidthMbps), MigrationBandwidthMbps, "--bandwidth must be at most 1000000 Mbit/s (1 Tbit/s, above the fastest Ethernet, 800 Gbit/s)");
        if (Train.To > Test.From)
            throw new ArgumentOutOfRangeException(nameof(Train), Train.ToString(), $"the training period ({Train}) must end before the test period ({Test}) starts: a plan judged on the samples it was built from proves nothing");
        if (HistorySeconds is <= 0)
            throw new ArgumentOutOfRangeException(nameof(HistorySeconds), HistorySeconds, "--history must be a positive number of days");
        Profile.Validate();
        ReactiveOptions.Validate();
        Plan.Validate();
        EffectiveSimulation.Validate();
    }
}

/// <summary>One re-planning round: when, on how many VMs, with which windows, and what it moved.</summary>
public sealed record ReplanRound(long Time, int Vms, string Windows, int Hosts, int Migrations, int Stages, Solving.SolveStatus SolverStatus, double Gap,
    double DowntimeSeconds, ImmutableArray<string> Notes);

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
    int Migrations)
{
    /// <summary>CPU interactive VMs asked for but did not get (above their cap, or lost to contention), over
    /// all CPU they asked for.</summary>
    public double ThrottledInteractive { get; init; }

    /// <summary>The same for batch VMs.</summary>
    public double ThrottledBatch { get; init; }

    /// <summary>Total downtime of the policy's live migrations, in seconds, from the live-migration models.</summary>
    public double DowntimeSeconds { get; init; }

    /// <summary>Energy the migrations themselves took (included in <see cref="EnergyKWhPerDay"/>).</summary>
    public double MigrationEnergyKWh { get; init; }

    /// <summary>The part of <see cref="EnergyKWhPerDay"/> the powered hosts draw idle; the rest, less the
    /// migrations' energy, is what the load adds on them.</summary>
    public double IdleEnergyKWhPerDay { get; init; }

    /// <summary>Cores of the powered hosts, on average over the span (with <see cref="ActiveHosts"/>: how big the
    /// hosts a policy powers are).</summary>
    public double PoweredCores { get; init; }
}

/// <summary>One fold: its periods, the static plan (made on the first fold's training period), the re-planning
/// rounds in its test period, and every policy's test figures.</summary>
public sealed record EvaluationResult(
    Period Train,
    Period Test,
    double TestDays,
    int Vms,
    int TrainOnlyVms,
    int TestOnlyVms,
    PlanOutcome Plan,
    ImmutableArray<PolicyOutcome> Policies,
    ImmutableArray<string> Notes)
{
    public ImmutableArray<ReplanRound> Rounds { get; init; } = [];
}

/// <summary>A whole evaluation: every fold, and every policy over all folds together (energy per day over
/// all test days, SLATAH over all active host-time, migrations summed).</summary>
public sealed record EvaluationRun(ImmutableArray<EvaluationResult> Folds, ImmutableArray<PolicyOutcome> Overall, double Days)
{
    /// <summary>Where the wall-clock limit went (null in the deterministic mode).</summary>
    public EvaluationTime? Time { get; init; }
}

using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Solving;
using System.Collections.Immutable;

namespace Consolidator.Benchmarks;

/// <summary>What <c>bench</c> runs. The quick set (the default) finishes in a few minutes on 2 cores;
/// <see cref="Full"/> runs every family at the sizes and limits. Empty lists mean "the default".</summary>
public sealed record BenchSettings
{
    public bool Full { get; init; }

    /// <summary>The shared data folder (holding datasets/); null or missing = skip the families that need it.</summary>
    public string? SharedFolder { get; init; }

    /// <summary>Overrides every instance's solver time limit (seconds) when set.</summary>
    public double? TimeLimitSeconds { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>CP-SAT workers, 0 = one per core.</summary>
    public int Workers { get; init; }

    /// <summary>Bound each instance by counted solver work instead of the wall clock: rows repeat on any machine
    /// (except the seconds column).</summary>
    public bool Deterministic { get; init; }

    /// <summary>The families to run by name; empty = all.</summary>
    public ImmutableArray<string> Families { get; init; } = [];

    /// <summary>Planted instances: K, the number of hosts of the optimum.</summary>
    public ImmutableArray<int> PlantedHosts { get; init; } = [];

    /// <summary>Generated realistic datasets: number of VMs.</summary>
    public ImmutableArray<int> GeneratedVms { get; init; } = [];

    /// <summary>Vector packing: instances of at most this many items; null = quick (each class's smallest size) or 200 (full).</summary>
    public int? VectorPackingMaxItems { get; init; }

    /// <summary>Vector packing: instances per class and size (indexes 0 to N-1); null = 1 (quick) or all (full).</summary>
    public int? VectorPackingPerSize { get; init; }

    /// <summary>QEMU lab: which scenario set to run (smoke, standard; --full: full); null = standard or full.</summary>
    public string? LabSet { get; init; }

    /// <summary>QEMU lab: only these scenarios of the set (by id); empty = all.</summary>
    public ImmutableArray<string> LabScenarios { get; init; } = [];

    /// <summary>QEMU lab: the folder holding the guest (vmlinuz, initramfs.gz); built by lab/qemu/build-guest.sh when missing.</summary>
    public string? LabGuest { get; init; }

    /// <summary>QEMU lab: the CSV the measurements go to (rows of a scenario replace that scenario's earlier rows).</summary>
    public string? LabCsv { get; init; }

    /// <summary>QEMU lab: run each scenario this many more times and append each run to the scenario's rows (run
    /// numbers continuing after the recorded ones) instead of replacing them; 0 = run once and replace.</summary>
    public int LabRepeat { get; init; }

    /// <summary>The most repeats: a sanity bound, not a measurement (the spread between runs needs a few).</summary>
    public const int MaxLabRepeat = 100;

    /// <summary>The solver limit for an instance whose own limit is <paramref name="quick"/> or <paramref name="full"/>.</summary>
    public double Limit(double quick, double full) => TimeLimitSeconds ?? (Full ? full : quick);

    /// <summary>What the <c>plan</c> command would be asked with these placement options and this limit.</summary>
    public PlanRequest Request(PlacementOptions placement, double limit) =>
        new(placement, new SolverOptions(limit, Seed, Workers, Deterministic), BenchDefaults.MaxMigrationsPerHost);

    public void Validate()
    {
        if (TimeLimitSeconds is { } t && !SolverOptions.InRange(t))
            throw new ArgumentOutOfRangeException(nameof(TimeLimitSeconds), t, SolverOptions.TimeLimitRange);
        if (TimeLimitSeconds is { } limit) SolverOptions.ValidateCommandLimit(limit, Deterministic);
        // Each repeat is a real QEMU migration of every scenario of the set (tens of seconds each): 2000000000 was taken
        // and the lab's case list built two billion entries per scenario before the first run.
        if (LabRepeat is < 0 or > MaxLabRepeat)
            throw new ArgumentOutOfRangeException(nameof(LabRepeat), LabRepeat, $"--lab-repeat must be a whole number from 0 to {MaxLabRepeat} (each repeat runs every scenario of the set once more on real QEMU)");
        if (Workers is < 0 or > SolverOptions.MaxWorkers) throw new ArgumentOutOfRangeException(nameof(Workers), Workers, SolverOptions.WorkersRange);
        if (Deterministic && Workers > 1) throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "--deterministic runs one CP-SAT worker; leave --workers out or set it to 1");
        if (PlantedHosts.Any(k => k < 1))
            throw new ArgumentOutOfRangeException(nameof(PlantedHosts), string.Join(",", PlantedHosts), "--planted-hosts must list whole numbers of at least 1");
        if (GeneratedVms.Any(n => n < 1))
            throw new ArgumentOutOfRangeException(nameof(GeneratedVms), string.Join(",", GeneratedVms), "--generated-vms must list whole numbers of at least 1");
        // Each instance's own limit, checked before any child starts (a child's refusal was a failed row, exit 1).
        if (PlantedHosts.Any(k => k > Generation.PlantedInstance.MaxHosts))
            throw new ArgumentOutOfRangeException(nameof(PlantedHosts), string.Join(",", PlantedHosts), "--planted-hosts must list whole numbers of at most 125,000");
        if (GeneratedVms.Any(n => n > Generation.GeneratorOptions.MaxVms))
            throw new ArgumentOutOfRangeException(nameof(GeneratedVms), string.Join(",", GeneratedVms), "--generated-vms must list whole numbers of at most 1,000,000");
        if (VectorPackingMaxItems is < 1)
            throw new ArgumentOutOfRangeException(nameof(VectorPackingMaxItems), VectorPackingMaxItems, "--vbp-max-items must be at least 1");
        if (LabSet is not (null or "smoke" or "standard" or "full"))
            throw new ArgumentOutOfRangeException(nameof(LabSet), LabSet, "--lab-set must be smoke, standard or full");
        if (VectorPackingPerSize is < 1)
            throw new ArgumentOutOfRangeException(nameof(VectorPackingPerSize), VectorPackingPerSize, "--vbp-per-size must be at least 1");
    }
}

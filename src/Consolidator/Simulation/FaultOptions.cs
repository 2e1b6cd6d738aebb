namespace Consolidator.Simulation;

/// <summary>Link failures to inject into the replay.</summary>
/// <param name="LinkFailureProbability">Chance that the link of one migration fails while it copies (0: never; 1: every
/// migration's). The moment is a share of its copy (from its start, a block copy included, to its last byte), drawn
/// uniformly; the copy's length is what the models estimate at the bandwidth the migration has, re-estimated whenever
/// that changes, so a migration that keeps its bandwidth fails exactly there, and one whose copy ends sooner than its
/// last estimate said fails at its last byte.</param>
/// <param name="FailAtSeconds">A scripted failure: every migration in progress at this time (seconds after the plan
/// starts: started at or before it and not yet through its last byte; one starting at that moment included, so 0
/// fails the first stage's migrations in their setup) loses its link, once: a migration started because of it (the
/// slot it freed, the next stage) starts after it; null: none.</param>
/// <param name="CheckpointIntervalSeconds">How often running VMs are checkpointed (null: never). A post-copy
/// VM whose link fails after it resumed on the destination is lost without a checkpoint; with one, it is
/// restored on its source with the state since the last checkpoint lost.</param>
/// <param name="Seed">Seed of the failure draws; the same seed gives the same failures.</param>
/// <param name="RecoverySeconds">Post-copy recovery (QEMU's postcopy-paused state and migrate-recover): a link
/// that fails during post-copy comes back after this long and the migration resumes where it stopped; the
/// VM, running on its destination, blocks on missing pages meanwhile. Null: no recovery, the VM is lost
/// (or restored from a checkpoint).</param>
public sealed record FaultOptions(
    double LinkFailureProbability = 0,
    double? FailAtSeconds = null,
    double? CheckpointIntervalSeconds = null,
    int Seed = 1,
    double? RecoverySeconds = null)
{
    public static readonly FaultOptions None = new();

    /// <summary>The shortest checkpoint interval: a millisecond, the resolution simulation.json records.</summary>
    public const double MinCheckpointIntervalSeconds = 0.001;

    public bool Any => LinkFailureProbability > 0 || FailAtSeconds is not null;

    public void Validate()
    {
        if (!(LinkFailureProbability >= 0 && LinkFailureProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(LinkFailureProbability), LinkFailureProbability, "--fail-link must be a probability in [0, 1]");
        // At most a year, as --postcopy-recovery: 1e300 ran with exit code 0 and was written into simulation.json as 1E+300.
        if (FailAtSeconds is { } t && (!(t >= 0) || t > SimulationOptions.LongestMigrationSeconds))
            throw new ArgumentOutOfRangeException(nameof(FailAtSeconds), t, "--fail-at must be a time >= 0 in seconds, at most a year");
        // At least a millisecond: 1e-300 ran and simulation.json recorded the interval (to the millisecond) as 0, which
        // this check refuses; continuous checkpointing (Remus, Cully et al., NSDI 2008) runs at tens of milliseconds.
        if (CheckpointIntervalSeconds is { } c && (!(c >= MinCheckpointIntervalSeconds) || c > SimulationOptions.LongestMigrationSeconds))
            throw new ArgumentOutOfRangeException(nameof(CheckpointIntervalSeconds), c, "--checkpoint-interval must be a number of seconds from 0.001 (a millisecond) up to a year");
        if (RecoverySeconds is { } r && (!(r >= 0) || r > SimulationOptions.LongestMigrationSeconds))
            throw new ArgumentOutOfRangeException(nameof(RecoverySeconds), r, "--postcopy-recovery must be a number of seconds between 0 and a year");
    }
}

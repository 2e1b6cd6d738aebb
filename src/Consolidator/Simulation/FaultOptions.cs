namespace Consolidator.Simulation;

/// <summary>Link failures to inject into the replay.</summary>
/// <param name="LinkFailureProbability">Chance that the link of one migration fails while it runs (0: never).</param>
/// <param name="FailAtSeconds">A scripted failure: every migration in progress at this time (seconds
/// after the plan starts; one starting at that very moment is not yet in progress) loses its link; null: none.</param>
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

    public bool Any => LinkFailureProbability > 0 || FailAtSeconds is not null;

    public void Validate()
    {
        if (!(LinkFailureProbability >= 0 && LinkFailureProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(LinkFailureProbability), LinkFailureProbability, "--fail-link must be a probability in [0, 1]");
        // At most a year, as --postcopy-recovery: 1e300 ran with exit code 0 and was written into simulation.json as 1E+300.
        if (FailAtSeconds is { } t && (!(t >= 0) || t > SimulationOptions.LongestMigrationSeconds))
            throw new ArgumentOutOfRangeException(nameof(FailAtSeconds), t, "--fail-at must be a time >= 0 in seconds, at most a year");
        if (CheckpointIntervalSeconds is { } c && (!(c > 0) || c > SimulationOptions.LongestMigrationSeconds))
            throw new ArgumentOutOfRangeException(nameof(CheckpointIntervalSeconds), c, "--checkpoint-interval must be a positive number of seconds, at most a year");
        if (RecoverySeconds is { } r && (!(r >= 0) || r > SimulationOptions.LongestMigrationSeconds))
            throw new ArgumentOutOfRangeException(nameof(RecoverySeconds), r, "--postcopy-recovery must be a number of seconds between 0 and a year");
    }
}

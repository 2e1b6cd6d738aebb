namespace Consolidator.Simulation;

/// <summary>The plan's block migrations taken together (local disks copied before their memory phases).</summary>
/// <param name="Copies">Migrations that copied a disk (started ones).</param>
/// <param name="BulkGiB">What the destinations lacked at the copies' starts.</param>
/// <param name="CopiedGiB">What the mirrors copied: the bulk plus re-dirtied blocks.</param>
/// <param name="DedupSavedGiB">What images already present on the destinations spared.</param>
/// <param name="Seconds">The copies' durations added up.</param>
/// <param name="LongestSeconds">The longest copy.</param>
/// <param name="NonConverging">Copies whose guest wrote faster than the mirror copied (see
/// <see cref="BlockCopyResult.Converged"/>).</param>
public sealed record BlockCopySummary(int Copies, double BulkGiB, double CopiedGiB, double DedupSavedGiB, double Seconds,
    double LongestSeconds, int NonConverging)
{
    /// <summary>The summary of the migrations that copied a disk; null when none did.</summary>
    public static BlockCopySummary? Of(IEnumerable<VmMigrationResult> migrations)
    {
        var copies = migrations.Where(m => m.Started && m.Disk is not null).Select(m => m.Disk!).ToArray();
        if (copies.Length == 0) return null;
        return new BlockCopySummary(copies.Length, copies.Sum(c => c.BulkMib) / 1024, copies.Sum(c => c.CopiedMib) / 1024,
            copies.Sum(c => c.DedupSavedMib) / 1024, copies.Sum(c => c.Seconds), copies.Max(c => c.Seconds), copies.Count(c => !c.Converged));
    }
}

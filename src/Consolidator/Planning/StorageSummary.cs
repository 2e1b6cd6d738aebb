using Consolidator.Packing;
using Consolidator.Staging;

namespace Consolidator.Planning;

/// <summary>What the plan does to local storage, in GiB: the content-addressed stores before and after (each
/// image on a host once, plus private blocks), what the same VMs would take with every disk stored whole, and the
/// disk data the plan's live migrations copy with and without deduplication (blocks of an image the destination
/// already holds are not sent, as in VMFlock, Al-Kiswany et al., HPDC 2011, and Shrinker, Riteau et al.,
/// Euro-Par 2011).</summary>
/// <param name="LocalHosts">Hosts on local storage.</param>
/// <param name="CapacityGiB">Their disks together.</param>
/// <param name="UsedGiBBefore">Held by today's placement (VMs placed today).</param>
/// <param name="UsedGiBAfter">Held by the planned placement.</param>
/// <param name="WholeGiBAfter">The planned placement with every disk on local storage stored whole.</param>
/// <param name="DiskSentGiB">Disk data the plan's migrations copy: to a local store, a VM's private blocks and the
/// blocks of its image chain the store lacks when the stage starts; to shared storage, the private blocks (the
/// images are in the shared library); between shared hosts, nothing.</param>
/// <param name="DiskSentWholeGiB">The same migrations copying whole disks.</param>
/// <param name="ImagesOnce">True when placement counted each image once per local store; false when it counted every
/// disk whole (<see cref="PlacementProblem.CountsImagesOnce"/>).</param>
public sealed record StorageSummary(int LocalHosts, double CapacityGiB, double UsedGiBBefore, double UsedGiBAfter, double WholeGiBAfter,
    double DiskSentGiB, double DiskSentWholeGiB, bool ImagesOnce)
{
    /// <summary>Storage that image sharing saves in the planned placement.</summary>
    public double SavedGiB => WholeGiBAfter - UsedGiBAfter;

    /// <summary>Migration data that deduplication saves.</summary>
    public double SentSavedGiB => DiskSentWholeGiB - DiskSentGiB;

    /// <summary>The figures, or null when no VM's disk sits on local storage.</summary>
    public static StorageSummary? Of(PlacementProblem p, Placement target, MigrationPlan plan)
    {
        var d = p.Disks;
        if (!d.Counts) return null;
        var local = Enumerable.Range(0, p.HostCount).Where(d.IsLocal).ToList();
        double Used(Func<int, int> hostOf, Func<IEnumerable<int>, long> measure) =>
            local.Sum(h => measure(Enumerable.Range(0, p.VmCount).Where(v => hostOf(v) == h))) / 1024.0;

        var at = Enumerable.Range(0, p.VmCount).Select(p.CurrentHost).ToArray();
        long sent = 0, whole = 0;
        foreach (var stage in plan.Stages)
        {
            var held = new Dictionary<int, HashSet<int>>();
            foreach (var m in stage.Migrations.Where(m => m.Kind != MigrationKind.Place))
            {
                var from = at[m.Vm];
                if (d.IsLocal(m.To))
                {
                    if (!held.TryGetValue(m.To, out var images))
                        held[m.To] = images = d.ImagesOf(Enumerable.Range(0, p.VmCount).Where(v => at[v] == m.To));
                    sent += d.SendMib(m.Vm, images);
                    whole += d.AloneMib(m.Vm);
                }
                else if (from >= 0 && d.IsLocal(from))
                {
                    sent += d.PrivateMib(m.Vm);
                    whole += d.PrivateMib(m.Vm);
                }
            }
            foreach (var m in stage.Migrations) at[m.Vm] = m.To;
        }
        return new StorageSummary(local.Count, local.Sum(h => (double)d.CapacityMib(h)) / 1024,
            Used(p.CurrentHost, d.FootprintMib), Used(v => target[v], d.FootprintMib), Used(v => target[v], d.UndeduplicatedMib),
            sent / 1024.0, whole / 1024.0, p.CountsImagesOnce);
    }
}

using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Randomness;
using Consolidator.Storage;
using Consolidator.Traces;

namespace Consolidator.Generation;

/// <summary>Disks and images for a generated fleet. Images come in OS families: a base image and versions
/// layered over it. Measured similarity of real images sets the sharing: Jin and Miller (SYSTOR 2009) found that
/// stored data grows very slowly after the first few images of one OS when only locale or software changes, and
/// much faster across OS versions and OSes; Bazarbayev et al. (ICDCS 2013) measured up to 60 % common content
/// between close versions of one OS and close to none between OSes; Jayaram et al. (Middleware 2011, 525 images of
/// a production IaaS cloud) found an image far more similar to a few others than to the rest. So a derived image
/// shares <see cref="SharedWithBase"/> of its content with its family's base, and families share nothing.
/// Drawn from a generator of its own, so that a fleet with images has the same VMs and traces as one without.</summary>
public static class ImageFleet
{
    /// <summary>Share of a derived image's content also in its base: the upper end of Bazarbayev et al.'s
    /// measurement for close versions of one OS.</summary>
    public const double SharedWithBase = 0.6;

    /// <summary>Images per family: a base and two versions over it.</summary>
    public const int FamilySize = 3;

    /// <summary>Base images of 4-16 GiB (an installed server OS with its packages), derived ones 10-40 % larger.</summary>
    public const double MinBaseGib = 4, MaxBaseGib = 16;

    /// <summary>Each VM's own data on top of its image: 10-80 GiB.</summary>
    public const double MinPrivateGib = 10, MaxPrivateGib = 80;

    /// <summary>Local disks per host model (large, medium, small), in GiB: common data-centre SSD sizes (0.96 TB
    /// for the two larger models, 0.48 TB for the small one, as GiB rounded down), small enough that storage, not
    /// only CPU and memory, limits how many VMs a consolidated host takes.</summary>
    public static readonly ImmutableDictionary<double, double> DiskGibByCores = new Dictionary<double, double>
    {
        [64] = 894, [48] = 894, [32] = 447,
    }.ToImmutableDictionary();

    /// <summary>A VM's mean disk write rate (KiB/s) is log-normal with this median and log-scale spread, fitted to
    /// the per-VM means of Bitbrains GWA-T-12 Rnd, July 2013 (425 VMs, 'Disk write throughput [KB/s]': median 7.7,
    /// 90th percentile 106; spread = (ln 106 - ln 7.7) / 1.2816), and capped at that month's largest mean.</summary>
    public const double MedianDiskWriteKibPerSecond = 7.7, DiskWriteLogSpread = 2.05, MaxDiskWriteKibPerSecond = 7781;

    /// <summary>Writes <paramref name="images"/> images, gives every VM one (popular images more often: the
    /// first of each family, then by a 1/rank weight) and a disk, and, with <paramref name="localDisks"/>, puts the
    /// hosts on local storage.</summary>
    public static Dataset Add(Dataset d, int images, bool localDisks, int seed)
    {
        var rng = new SplitMix64(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ 0xD15C));
        var list = ImmutableArray.CreateBuilder<Image>(images);
        for (var i = 0; i < images; i++)
        {
            var id = "img-" + (i + 1).ToString("D2", CultureInfo.InvariantCulture);
            var baseIndex = i - i % FamilySize;
            if (i == baseIndex)
            {
                list.Add(new Image(id, Math.Round(rng.NextDouble(MinBaseGib, MaxBaseGib), 1)));
                continue;
            }
            var parent = list[baseIndex];
            var size = Math.Round(parent.SizeGib * rng.NextDouble(1.1, 1.4), 1);
            list.Add(new Image(id, size, parent.Id, Math.Round(Math.Min(parent.SizeGib, size * SharedWithBase), 1)));
        }
        var weights = Enumerable.Range(0, images).Select(i => 1.0 / (1 + i)).ToArray();
        var total = weights.Sum();
        var vms = d.Vms.Select(v =>
        {
            if (images == 0) return v with { DiskGib = Math.Round(rng.NextDouble(MinPrivateGib, MaxPrivateGib), 1) };
            var r = rng.NextDouble() * total;
            var k = 0;
            while (k < images - 1 && (r -= weights[k]) >= 0) k++;
            var image = list[k];
            return v with { ImageId = image.Id, DiskGib = Math.Round(image.SizeGib + rng.NextDouble(MinPrivateGib, MaxPrivateGib), 1) };
        }).ToImmutableArray();
        var hosts = !localDisks ? d.Hosts : d.Hosts.Select(h => h with
        {
            Storage = StorageKind.Local,
            DiskGib = DiskGibByCores.GetValueOrDefault(h.CpuCores, 447),
        }).ToImmutableArray();
        // With local disks, each VM writes its disk at a rate of its own (its block copy re-sends what it rewrites);
        // from a generator of its own again, so that the disks and images above stay as they were.
        var usage = d.Usage;
        if (localDisks)
        {
            var writes = new SplitMix64(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ 0xD15C0B1E));
            usage = [.. d.Usage.Select(s => new VmSeries(s.UnixSeconds, s.CpuCores, s.MemoryMib)
            {
                LastZeroFraction = s.LastZeroFraction,
                MeanDiskWriteKibPerSecond = Math.Round(Math.Min(MaxDiskWriteKibPerSecond,
                    MedianDiskWriteKibPerSecond * Math.Exp(writes.NextGaussian(0, DiskWriteLogSpread))), 1),
            })];
        }
        return d with { Hosts = hosts, Vms = vms, Images = list.ToImmutable(), Usage = usage };
    }
}

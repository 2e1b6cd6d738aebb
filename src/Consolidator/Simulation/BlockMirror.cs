namespace Consolidator.Simulation;

/// <summary>How the simulator copies local disks before a live migration (QEMU's block mirror, as
/// <c>virsh migrate --copy-storage-all</c> drives it: <c>drive-mirror</c> to an NBD export on the destination).</summary>
/// <param name="SpeedMibPerSecond">The job's <c>speed</c> (bytes copied per second; null: unlimited, libvirt's
/// default when no --bandwidth is given). block/mirror.c counts only copied bytes against it
/// (block_job_ratelimit_processed_bytes with io_bytes_acct = 0 for write-zeroes and discards).</param>
/// <param name="GranularityKib">The dirty bitmap's granularity: a guest write marks every chunk it touches dirty,
/// and the mirror copies whole chunks. 64 KiB is QEMU's default for a target without a cluster size, as an NBD
/// export is (block/dirty-bitmap.c bdrv_get_default_bitmap_granularity: the target's cluster size clamped to
/// [4 KiB, 64 KiB], else 64 KiB).</param>
/// <param name="WriteKib">The mean size of the guest's disk writes, each at a random place: a write smaller than a
/// chunk still dirties the whole chunk, so the mirror re-copies granularity / size times what the guest wrote
/// (the lab's 4 KiB point measures this). 64 KiB by default: an assumption (usage.csv gives a write rate, not a
/// write size) that leaves the write rate as it is.</param>
public sealed record BlockMirrorOptions(double? SpeedMibPerSecond = null, double GranularityKib = 64, double WriteKib = 64)
{
    public static BlockMirrorOptions Default { get; } = new();

    /// <summary>What the mirror re-copies per MiB the guest writes.</summary>
    public double WriteAmplification => Math.Max(1, GranularityKib / WriteKib);

    public void Validate()
    {
        if (SpeedMibPerSecond is { } s && (!(s > 0) || double.IsInfinity(s)))
            throw new ArgumentOutOfRangeException(nameof(SpeedMibPerSecond), s, "the block mirror's speed must be a positive number of MiB/s");
        if (!(GranularityKib >= 4) || !(GranularityKib <= 65536) || !(WriteKib > 0) || double.IsInfinity(WriteKib))
            throw new ArgumentOutOfRangeException(nameof(GranularityKib), GranularityKib, "the mirror's granularity must be 4 KiB to 64 MiB and the write size positive");
    }
}

/// <summary>What one VM's disk brings to a block migration.</summary>
/// <param name="BulkMib">What the destination lacks when the copy starts: the VM's private blocks and the images
/// of its chain not already on the destination's store (blocks already there are not sent: QEMU's sync "top" over
/// a backing image the destination holds, block/mirror.c mirror_dirty_init marking only what is allocated above
/// the base).</param>
/// <param name="DiskMib">The whole disk (every block of the VM's chain): the area its writes land in.</param>
/// <param name="UndeduplicatedMib">What a copy of the whole disk would send (no image present at the destination).</param>
/// <param name="WriteMibPerSecond">The guest's disk write rate while the copy runs (usage.csv disk_write_kib_s).</param>
public sealed record BlockCopyInputs(double BulkMib, double DiskMib, double UndeduplicatedMib, double WriteMibPerSecond);

/// <summary>What a block migration did.</summary>
/// <param name="BulkMib">The blocks the destination lacked at the start.</param>
/// <param name="DedupSavedMib">What blocks already on the destination spared: the whole disk less the bulk.</param>
/// <param name="CopiedMib">Data the mirror copied until it was ready: the bulk plus blocks the guest re-dirtied.</param>
/// <param name="Seconds">From the job's start to READY (the memory migration starts then).</param>
/// <param name="Converged">False when the guest wrote faster than the mirror could copy: the background copy
/// never gets ready; the model then assumes synchronous writes (libvirt's --copy-storage-synchronous-writes,
/// QEMU's copy-mode write-blocking), which stop adding dirty blocks and slow the guest's writes to the link.</param>
public sealed record BlockCopyResult(double BulkMib, double DedupSavedMib, double CopiedMib, double Seconds, bool Converged);

/// <summary>One block-mirror job as the replay drives it: the wire rate it gets changes whenever another
/// migration on its NICs starts or ends, and the model advances at whatever rate it has between events (the same
/// contract as <see cref="MigrationProcess"/>, whose memory phase starts when this one is ready).</summary>
/// <remarks>
/// block/mirror.c (QEMU 7.2, checked against the block-mirror lab, lab/qemu/drive-mirror.py):
/// mirror_dirty_init marks every allocated chunk to copy dirty; mirror_run's loop copies dirty chunks in offset
/// order (mirror_iteration, up to buf-size = 16 x 1 MiB in flight, DEFAULT_MIRROR_BUF_SIZE), clearing their bits
/// before the read, at the job's speed (block_job_ratelimit_sleep); guest writes through the mirror filter
/// (bdrv_mirror_top_do_write) set the bits of the chunks they touch again. The job is READY once the bitmap is
/// empty and nothing is in flight (job_transition_to_ready); it then keeps mirroring new writes until libvirt
/// cancels it after the memory migration. A write re-dirties work only where the chunk is clean, so with
/// writes spread over the disk (S MiB) at W MiB/s (after the granularity's amplification) and a copy at r MiB/s,
/// the dirty data D follows dD/dt = -r + W (1 - D/S): D(t) = D* + (D0 - D*) e^(-W t / S), D* = S (1 - r/W),
/// which reaches 0 in finite time when r > W. The bytes copied are r times that time (the rate limit paces the
/// copy whatever the bitmap holds).
/// Not modelled: the writes mirrored after READY during the memory phase (at W, small beside a NIC share).
/// </remarks>
internal sealed class BlockMirror
{
    /// <summary>MiB below which the bitmap counts as empty: about a byte.</summary>
    private const double Epsilon = 1e-6;

    private readonly BlockCopyInputs _disk;
    private readonly double _write;
    private readonly double _area;
    private double _dirty;
    private bool _synchronous;

    public BlockMirror(BlockCopyInputs disk, BlockMirrorOptions options, double streamCapMibPerSecond)
    {
        _disk = disk;
        _write = Math.Max(0, disk.WriteMibPerSecond) * options.WriteAmplification;
        _dirty = Math.Max(0, disk.BulkMib);
        _area = Math.Max(disk.DiskMib, _dirty);
        WireCap = Math.Min(options.SpeedMibPerSecond ?? double.PositiveInfinity, streamCapMibPerSecond);
    }

    /// <summary>The most MiB/s the job copies: its speed, within what its one NBD connection (a TCP stream) carries.</summary>
    public double WireCap { get; }

    public bool IsDone => _dirty <= Epsilon;

    public double CopiedMib { get; private set; }

    public double Seconds { get; private set; }

    public BlockCopyResult Result => new(_disk.BulkMib, Math.Max(0, _disk.UndeduplicatedMib - _disk.BulkMib), CopiedMib, Seconds, !_synchronous);

    /// <summary>Background mode needs the copy to outrun the writes; otherwise the model switches to synchronous
    /// writes for good (see <see cref="BlockCopyResult.Converged"/>).</summary>
    private bool Background(double rate)
    {
        if (!_synchronous && _write > 0 && rate > 0 && rate <= _write) _synchronous = true;
        return !_synchronous && _write > 0;
    }

    /// <summary>Seconds until the job is ready at copy rate <paramref name="rate"/> (MiB/s); infinite at rate 0.</summary>
    public double NextDelay(double rate)
    {
        if (IsDone) return 0;
        var r = Math.Min(rate, WireCap);
        if (!(r > 0)) return double.PositiveInfinity;
        if (!Background(r)) return _dirty / r;
        // t = ln((D - D*) / -D*) / a with a = W/S and -D* = (r - W)/a: ln(1 + D a / (r - W)) / a, which tends
        // to D / r as W vanishes (written so that a tiny W loses no digits).
        var a = _write / _area;
        var x = _dirty * a / (r - _write);
        return Log1P(x) / a;
    }

    /// <summary>ln(1 + x), exact to the last digits for a small x (a series below 1e-5).</summary>
    private static double Log1P(double x) => Math.Abs(x) < 1e-5 ? x - x * x / 2 + x * x * x / 3 : Math.Log(1 + x);

    /// <summary>(1 - e^(-y)) / y, 1 at y = 0 (a series below 1e-5).</summary>
    private static double OneMinusExpOver(double y) => Math.Abs(y) < 1e-5 ? 1 - y / 2 + y * y / 6 : -(Math.Exp(-y) - 1) / y;

    /// <summary>Runs the job for <paramref name="seconds"/> at copy rate <paramref name="rate"/>.</summary>
    public void Advance(double seconds, double rate)
    {
        if (IsDone || !(seconds > 0)) return;
        var r = Math.Min(rate, WireCap);
        if (!(r > 0))
        {
            Seconds += seconds;
            return;
        }
        var toReady = NextDelay(r);
        if (seconds >= toReady)
        {
            Seconds += toReady;
            CopiedMib += r * toReady;
            _dirty = 0;
            return;
        }
        Seconds += seconds;
        CopiedMib += r * seconds;
        if (Background(r))
        {
            // D(t) = D e^(-a t) - (r - W) (1 - e^(-a t)) / a, the second term tending to (r - W) t as a vanishes.
            var a = _write / _area;
            _dirty = _dirty * Math.Exp(-a * seconds) - (r - _write) * seconds * OneMinusExpOver(a * seconds);
        }
        else _dirty -= r * seconds;
        if (_dirty <= Epsilon) _dirty = 0;
    }
}

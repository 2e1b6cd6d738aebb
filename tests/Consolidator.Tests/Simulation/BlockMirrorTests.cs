using System.Collections.Immutable;
using Consolidator.Calibration;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Staging;
using Consolidator.Storage;
using Consolidator.Tests.Support;
using Consolidator.Traces;
using CsCheck;
using Xunit.Abstractions;
using static Consolidator.Tests.Simulation.SmallClusters;

namespace Consolidator.Tests.Simulation;

/// <summary>Issue 15 point 4: the block mirror model alone, in the replay (before the memory phase, sharing the
/// NICs, deduplicated against the images on the destination), and against the drive-mirror lab's recording.</summary>
public class BlockMirrorTests(ITestOutputHelper output)
{
    private static BlockMirror Mirror(double bulk, double disk, double writeMibS, double speed, double writeKib = 64) =>
        new(new BlockCopyInputs(bulk, disk, disk, writeMibS), new BlockMirrorOptions(speed, 64, writeKib), double.PositiveInfinity);

    private static BlockCopyResult RunAlone(BlockMirror m, double rate)
    {
        m.Advance(m.NextDelay(rate), rate);
        Assert.True(m.IsDone);
        return m.Result;
    }

    [Fact]
    public void Without_writes_the_bulk_crosses_once_at_the_rate()
    {
        var r = RunAlone(Mirror(512, 512, 0, 32), 32);
        Assert.Equal(16, r.Seconds, 9);
        Assert.Equal(512, r.CopiedMib, 9);
        Assert.True(r.Converged);
    }

    [Fact]
    public void Writes_to_clean_chunks_are_copied_again_and_small_writes_dirty_whole_chunks()
    {
        // dD/dt = -r + W (1 - D/S) from D = S = 512, r = 32, W = 8: ready at 64 ln(4/3) s.
        var r = RunAlone(Mirror(512, 512, 8, 32), 32);
        Assert.Equal(64 * Math.Log(4.0 / 3), r.Seconds, 6);
        Assert.Equal(32 * r.Seconds, r.CopiedMib, 6);
        // 0.5 MiB/s of 4 KiB writes dirties 64 KiB chunks: as much as 8 MiB/s of 64 KiB writes.
        var small = RunAlone(Mirror(512, 512, 0.5, 32, writeKib: 4), 32);
        Assert.Equal(r.Seconds, small.Seconds, 9);
    }

    [Fact]
    public void A_guest_that_writes_faster_than_the_copy_is_flagged_and_the_copy_still_ends()
    {
        var r = RunAlone(Mirror(256, 512, 40, 32), 32);
        Assert.False(r.Converged);
        Assert.Equal(8, r.Seconds, 9);
    }

    [Fact]
    public void Running_in_steps_at_changing_rates_matches_the_closed_form_at_each_step() =>
        Gen.Select(Gen.Double[1, 2048], Gen.Double[0, 16], Gen.Double[17, 200].Array[1, 6], Gen.Double[0.01, 5])
            .Sample((bulk, write, rates, step) =>
            {
                var whole = Mirror(bulk, 2048, write, 1000);
                var steps = Mirror(bulk, 2048, write, 1000);
                foreach (var rate in rates)
                {
                    whole.Advance(step, rate);
                    steps.Advance(step / 2, rate);
                    steps.Advance(step / 2, rate);
                }
                // Relative, not absolute decimals: halving a step sums the same closed form in another order, and
                // hundreds of MiB leave rounding in the ninth decimal (seed ef_3RVlC2d87: 575.8327884992 vs ...5016).
                Assert.True(Math.Abs(whole.CopiedMib - steps.CopiedMib) <= 1e-9 * Math.Max(1, whole.CopiedMib),
                    $"{whole.CopiedMib:R} vs {steps.CopiedMib:R}");
                Assert.Equal(whole.IsDone, steps.IsDone);
                // Copying only ever shortens what is left; more rate never makes the copy end later.
                var slow = Mirror(bulk, 2048, write, 1000);
                var fast = Mirror(bulk, 2048, write, 1000);
                Assert.True(fast.NextDelay(rates.Max()) <= slow.NextDelay(rates.Min()) + 1e-9);
            }, iter: 200);

    // Two 40 GiB local hosts and one on shared storage; web (6 GiB of its own) over ubuntu (20 GiB).
    private static readonly ImmutableArray<Image> Images = [new("ubuntu", 20), new("web", 24, "ubuntu", 18)];

    private static PlacementProblem Disks(StorageKind[] storage, (string? Image, double DiskGib, int Host)[] vms)
    {
        var hosts = storage.Select((s, i) => new Host($"h{i}", 64, 65536, 100, 300) { NicGbps = 1, Storage = s, DiskGib = s == StorageKind.Local ? 100 : null }).ToImmutableArray();
        var list = vms.Select((v, i) => new Vm($"vm{i}", 2, 1024, $"h{v.Host}") { ImageId = v.Image, DiskGib = v.DiskGib }).ToImmutableArray();
        return new PlacementProblem(hosts, list, WindowScheme.Slices(1), new PlacementOptions(0, 0, true),
            (v, r, _) => r switch { Resource.Cpu => list[v].Vcpus, Resource.Memory => list[v].MemoryMib, _ => 0 }, (v, _) => 1, images: Images);
    }

    private static readonly SimulationOptions Options = new(Method: MethodSelection.PreCopy, MaxConcurrentPerHost: 0);

    [Fact]
    public void A_local_disk_crosses_before_the_memory_and_only_what_the_destination_lacks()
    {
        // vm0 (web, 30 GiB: 6 private) moves h0 -> h1; vm1 on h1 runs ubuntu, so h1 lacks web's 6 GiB and vm0's 6.
        var p = Disks([StorageKind.Local, StorageKind.Local], [("web", 30, 0), ("ubuntu", 20, 1)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)]);
        var memoryOnly = Run(Disks([StorageKind.Shared, StorageKind.Shared], [("web", 30, 0), ("ubuntu", 20, 1)]), plan, Options);

        var m = Assert.Single(Run(p, plan, Options).Migrations);

        var disk = Assert.IsType<BlockCopyResult>(m.Disk);
        Assert.Equal(12 * 1024, disk.BulkMib, 6);
        Assert.Equal(12 * 1024, disk.CopiedMib, 6);              // no writes in usage: the bulk once
        Assert.Equal(20 * 1024, disk.DedupSavedMib, 6);          // ubuntu was there
        Assert.Equal(12 * 1024 / Wire(1), disk.Seconds, 6);
        Assert.Equal(disk.Seconds + memoryOnly.Migrations[0].TotalSeconds, m.TotalSeconds, 6);
        Assert.Null(memoryOnly.Migrations[0].Disk);
    }

    [Fact]
    public void To_shared_storage_only_the_private_blocks_cross_and_between_shared_hosts_nothing()
    {
        var toShared = Run(Disks([StorageKind.Local, StorageKind.Shared], [("web", 30, 0)]), Plan([new Migration(0, 0, 1, MigrationKind.Move)]), Options);
        var shared = Run(Disks([StorageKind.Shared, StorageKind.Shared], [("web", 30, 0)]), Plan([new Migration(0, 0, 1, MigrationKind.Move)]), Options);

        Assert.Equal(6 * 1024, toShared.Migrations[0].Disk!.BulkMib, 6);   // web and ubuntu are in the shared library
        Assert.Null(shared.Migrations[0].Disk);
        Assert.Null(shared.Summary.Disks);
    }

    [Fact]
    public void A_second_vm_of_an_image_finds_it_on_the_destination_after_the_first_arrived()
    {
        // Two web VMs leave h0 for h1 in two stages: the first brings ubuntu and web, the second sends only its own blocks.
        var p = Disks([StorageKind.Local, StorageKind.Local], [("web", 30, 0), ("web", 30, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)], [new Migration(1, 0, 1, MigrationKind.Move)]);

        var r = Run(p, plan, Options);

        Assert.Equal(32 * 1024, r.Migrations[0].Disk!.BulkMib, 6);
        Assert.Equal(6 * 1024, r.Migrations[1].Disk!.BulkMib, 6);
        var s = Assert.IsType<BlockCopySummary>(r.Summary.Disks);
        Assert.Equal((2, 38.0, 26.0), (s.Copies, s.BulkGiB, s.DedupSavedGiB));
    }

    [Fact]
    public void Block_copies_share_the_nic_with_memory_migrations_and_with_each_other()
    {
        var p = Disks([StorageKind.Local, StorageKind.Local, StorageKind.Local], [(null, 8, 0), (null, 8, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move), new Migration(1, 0, 2, MigrationKind.Move)]);

        var r = Run(p, plan, Options);

        Assert.All(r.Migrations, m => Assert.Equal(8 * 1024 / (Wire(1) / 2), m.Disk!.Seconds, 6));
        Assert.True(r.Summary.PeakNicUtilisation <= 1 + 1e-9);
    }

    [Fact]
    public void The_guests_disk_write_rate_comes_from_usage_and_lengthens_the_copy()
    {
        var p = Disks([StorageKind.Local, StorageKind.Local], [(null, 8, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)]);
        ImmutableArray<VmSeries> usage = [new VmSeries([0L], [1.0], [1024.0]) { MeanDiskWriteKibPerSecond = 4096 }];

        var quiet = Run(p, plan, Options).Migrations[0].Disk!;
        var busy = Simulator.Run(p, Target(p, plan), plan, usage, Options).Migrations[0].Disk!;

        Assert.True(busy.CopiedMib > quiet.CopiedMib && busy.Seconds > quiet.Seconds);
        Assert.Equal(quiet.BulkMib, busy.BulkMib);
    }

    [Fact]
    public void A_link_failure_during_the_block_copy_leaves_the_vm_on_its_source()
    {
        var p = Disks([StorageKind.Local, StorageKind.Local], [(null, 8, 0)]);
        var plan = Plan([new Migration(0, 0, 1, MigrationKind.Move)]);

        var r = Run(p, plan, Options with { Faults = new FaultOptions(FailAtSeconds: 10) });

        var m = Assert.Single(r.Migrations);
        Assert.Equal(MigrationStatus.Aborted, m.Status);
        Assert.Contains("block copy", m.Note);
        Assert.Equal(0, r.Final[0]);
    }

    /// <summary>The acceptance: every real drive-mirror job of the lab within 25 % in time and bytes, at least six
    /// of them, with and without the base image at the destination, with and without guest writes.</summary>
    [Fact]
    public void The_model_is_within_a_quarter_of_every_drive_mirror_job_of_the_lab()
    {
        var rows = BlockMirrorLab.Read(Path.Combine(RepoPaths.Root, BlockMirrorLab.DefaultPath)).Select(BlockMirrorLab.Predict).ToArray();
        foreach (var r in rows)
            output.WriteLine($"{r.Measured.Point}: time x{r.TimeRatio:0.00}, data x{r.DataRatio:0.00}");

        Assert.True(rows.Length >= 6, $"{rows.Length} lab jobs");
        Assert.Contains(rows, r => r.Measured.BaseAtDestination);
        Assert.Contains(rows, r => !r.Measured.BaseAtDestination && r.Measured.BaseMib > 0);
        Assert.Contains(rows, r => r.Measured.WriteKibPerSecond > 0);
        Assert.True(rows.Select(r => r.Measured.DiskMib).Distinct().Count() >= 2);
        Assert.All(rows, r => Assert.True(r.Fits, $"{r.Measured.Point}: {r.Measured.Status}, time x{r.TimeRatio:0.00}, data x{r.DataRatio:0.00}"));
    }
}

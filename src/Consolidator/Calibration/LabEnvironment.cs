using Consolidator.Simulation;

namespace Consolidator.Calibration;

/// <summary>The constants of the lab's environment (QEMU 7.2 under TCG on a shared 2-core machine, migrating
/// over a shaped loopback), each with a physical meaning, fitted on the lab's fit points by
/// <see cref="LabFit"/> and checked on the held-out ones.</summary>
/// <param name="LinkEfficiency">TCP goodput over the tbf line rate.</param>
/// <param name="ZeroScanMibPerSecond">Zero pages the migration thread checks per second (TCG guest on the other core).</param>
/// <param name="SyncSecondsPerDirtyGib">A sync's cost per GiB of pages it finds dirty: QEMU 7.2 under TCG resets
/// the TLB dirty state page by page (setup finds every page dirty).</param>
/// <param name="SyncSecondsPerGib">Each sync's walk of the bitmap, per GiB of guest memory.</param>
/// <param name="ResumeSeconds">Fixed part of a downtime: device state and the switch.</param>
/// <param name="InFlightMib">Data queued ahead of a post-copy page request (socket buffer and the tbf queue).</param>
/// <param name="FaultShare">Post-copy faults per working-set page not yet received.</param>
/// <param name="SendCpuSecondsPerGib">The migration thread's CPU time per GiB of data pages sent (the copy and the
/// socket write, whose loopback TCP path runs in the sender's system time).</param>
/// <param name="ScalesWithCpuShare">The CPU-share model: the CPU constants (zero-page scan, syncs, send) are for a
/// core of the migration thread's own, each migration is replayed at the CPU share it got (<see cref="CpuShare"/>)
/// and its CPU work adds to the wire's time (<see cref="SimulationOptions.CpuWaitIdlesLink"/>), so that one set of
/// constants could stand for a busy and a quiet machine. False: the constants hold the load of the run they were
/// fitted on (every share 1, CPU work overlapping the wire, no send cost).</param>
/// <param name="ReferenceSourceCpuRatio">The source's measured migration-thread CPU over <see cref="ModelSourceCpuSeconds"/>,
/// summed over the fit pre-copy rows of the recordings these constants were fitted on that carry the figure: the
/// ratio a machine's own is taken relative to (<see cref="LabMachine.SourceCpuFactor"/>), so that those recordings replay
/// at factor 1. A test recomputes it.</param>
/// <param name="ReferenceSendCpuSecondsPerGib">The migration thread's CPU seconds per GiB of data pages sent, measured apart
/// from its other work on the fit rows of the recordings these constants were fitted on
/// (<see cref="LabMachine.SendLeastSquares(IEnumerable{LabMeasurement}, LabEnvironment)"/>): what a machine's own is taken
/// relative to (<see cref="LabMachine.SourceSendCpuFactor"/>); 0 where not measured. A test recomputes it.</param>
/// <param name="MeasuredSendCost">Scale <see cref="SendCpuSecondsPerGib"/> by the machine's own data-page send cost
/// (<see cref="LabMachine.SourceSendCpuFactor"/>) instead of its one source factor, which its fit rows, mostly zero pages,
/// set. An ablation (`calibrate --measured-send-cost`; docs/simulator.md, "A data page's send cost"), off by default.</param>
/// <param name="SendOverlap">Replay the send of data pages by this strategy (<see cref="Simulation.SendOverlap"/>) at the
/// machine's whole measured CPU cost of a data page sent (<see cref="MeasuredSendCpuSecondsPerGib"/>) in place of the
/// fitted <see cref="SendCpuSecondsPerGib"/>, the part of the send that did not overlap the wire on the recording it was
/// fitted on. An ablation (`calibrate --send-overlap`; docs/simulator.md, "The send's overlap with the wire"), off by
/// default.</param>
/// <param name="ReferenceBesideSendCpuFactor">The same least squares' other coefficient on those fit rows
/// (<see cref="LabMachine.SourceBesideSendCpuFactor"/>): with <see cref="SendOverlap"/>, a machine whose rows do not tell
/// the send apart (the recordings made before 2026-12-06 on the reference machine) scales the rest of the thread's work by
/// it times its one source factor; 0 where not measured. A test recomputes it.</param>
public sealed record LabEnvironment(
    double LinkEfficiency,
    double ZeroScanMibPerSecond,
    double SyncSecondsPerDirtyGib,
    double SyncSecondsPerGib,
    double ResumeSeconds,
    double InFlightMib,
    double FaultShare,
    double SendCpuSecondsPerGib = 0,
    bool ScalesWithCpuShare = false,
    double ReferenceSourceCpuRatio = 1,
    double ReferenceSendCpuSecondsPerGib = 0,
    bool MeasuredSendCost = false,
    SendOverlap? SendOverlap = null,
    double ReferenceBesideSendCpuFactor = 0)
{
    /// <summary>The CPU-share model fitted by `consolidator calibrate --fit` on the fit points of
    /// datasets/calibration/qemu-7.2-tcg-threads.csv, whose every migration carries the CPU time and run-queue
    /// wait of every QEMU thread on both ends; each migration is replayed at its migration thread's measured share
    /// (<see cref="LabMeasurement.MigrationCpuShare"/>). The resume and the sync cost per dirty GiB sit at their
    /// lower bounds: the fit finds no use for them.</summary>
    public static readonly LabEnvironment Fitted = new(1.009, 1388, 0.001, 0.0192, 0.0005, 1.82, 0.05, 0.155, true, 1.0049, 0.475,
        ReferenceBesideSendCpuFactor: 0.877);

    /// <summary>The CPU-share model, fitted by `consolidator calibrate --cpu-share --fit` on the fit scenarios of
    /// the four recordings made before the rerun (the first four of <see cref="LabRecording.AllPaths"/>); two of them
    /// predate the schedstat columns and take the share their setup-time implies.</summary>
    public static readonly LabEnvironment CpuShareFitted = new(0.994, 779, 0.0995, 0.0138, 0.0005, 1.51, 0.05, 0.0943, true, 0.7198);

    /// <summary>QEMU's setup-time on this machine, as CPU time of the migration thread per GiB of guest RAM: each
    /// row's setup_ms x its migration thread's CPU share / ram_total GiB, median of the first 46 migrations (recorded before 20:00 UTC) of
    /// datasets/calibration/qemu-7.2-tcg-threads.csv (quartiles 0.34-0.58; 0.39 over the fit scenarios alone). Measured, not fitted: the model's
    /// first sync alone (a few ms per GiB) left 0.3-2.2 s of every migration's measured setup unaccounted.</summary>
    public const double MeasuredSetupCpuSecondsPerGib = 0.42;

    /// <summary>The share of a core the migration thread got over the VM's stop, whose final sync and copy are short
    /// bursts of a thread mostly blocked on its socket: its CPU time over CPU time plus run-queue wait over the stop
    /// (the stop_* columns), median of the 15 stops sampled in the first 46 rows of datasets/calibration/qemu-7.2-tcg-threads.csv
    /// (quartiles 0.18-0.81; 0.16 over those migrations as a whole). A sync after the setup gets at least this.</summary>
    public const double MeasuredSyncCpuShare = 0.45;

    /// <summary>The lab guest's end-of-pass run of data beyond its struct page array (16 MiB per GiB, see
    /// <see cref="SimulationOptions.EndOfPassDataMibPerGib"/>): the kernel's other early top-down allocations. Measured,
    /// not fitted: lab/qemu/stop-probe.py's pmemsave of the top 64 MiB of an idle guest just before its migration
    /// (2026-12-06 00:45-00:50 UTC) found a run of 7.45 MiB at 256 MiB (3.45 beyond 4 MiB of struct pages) and
    /// 18.7 MiB at 1024 MiB (2.7 beyond 16), the same in every boot; their mean, 3.1, gives 11.1 MiB at 512 MiB, where
    /// the run measured 11.07.</summary>
    public const double MeasuredEndOfPassDataMib = 3.1;

    /// <summary>The struct page array at the top of the lab guest's RAM: Linux x86-64 keeps a 64-byte struct page per
    /// 4 KiB page (16 MiB per GiB) in its virtual memmap, allocated top-down by memblock at boot.</summary>
    public const double StructPagesMibPerGib = 16;

    /// <summary>The share of a core the destination's loading threads got: their CPU time over CPU time plus run-queue
    /// wait over the migration, where measured; else a core.</summary>
    public double DestinationCpuShare(LabMeasurement m) =>
        ScalesWithCpuShare && m.DestinationOtherCpuSeconds is { } run && m.DestinationOtherWaitSeconds is { } wait && run > 0
            ? run / (run + wait) : 1;

    /// <summary>The share a sync after the setup gets: the larger of the migration's and the stops' measured share.</summary>
    public double? SyncCpuShare(LabMeasurement m, LabMachine machine) => ScalesWithCpuShare ? Math.Max(CpuShare(m, machine), MeasuredSyncCpuShare) : null;

    /// <summary>The transport: TCP on the namespace's loopback, shaped by tc tbf.</summary>
    public LinkProfile Link => new("lab-tcp", LinkEfficiency, null, 50e-6, InFlightMib);

    /// <summary>The simulator's options for one lab migration on <paramref name="machine"/>: the environment's CPU
    /// constants scaled by the machine's source factor, and its destination's measured costs.</summary>
    public SimulationOptions Options(LabMeasurement m, LabMachine machine)
    {
        // With the send's overlap modelled, the send is charged whole at its measured cost and the rest of the thread's
        // work at its own measured factor, so that the model's CPU time is the thread's measured one.
        var k = !ScalesWithCpuShare ? 1 : SendOverlap is null ? machine.SourceCpuFactor
            : machine.SourceBesideSendCpuFactor ?? (ReferenceBesideSendCpuFactor > 0 ? ReferenceBesideSendCpuFactor : 1) * machine.SourceCpuFactor;
        return new(
            MaxDowntimeSeconds: m.DowntimeLimitMs / 1000,
            QemuDowntimeLimitSeconds: m.DowntimeLimitMs / 1000,
            Link: Link,
            MaxBandwidthMibPerSecond: m.MaxBandwidthMibPerSecond,
            Streams: m.Capability == "multifd" ? 2 : 1,
            DeviceStateMib: 0.25,
            ResumeSeconds: ResumeSeconds,
            ZeroScanMibPerSecond: ZeroScanMibPerSecond / k,
            SyncSecondsPerGib: SyncSecondsPerGib * k,
            SyncSecondsPerDirtyGib: SyncSecondsPerDirtyGib * k,
            FaultShare: FaultShare,
            SendCpuSecondsPerGib: !ScalesWithCpuShare ? 0 : SendOverlap is not null ? MeasuredSendCpuSecondsPerGib(machine)
                : SendCpuSecondsPerGib * (MeasuredSendCost && machine.SourceSendCpuFactor is { } send ? send : k),
            SendOverlap: ScalesWithCpuShare ? SendOverlap : null,
            CpuWaitIdlesLink: ScalesWithCpuShare,
            SetupCpuSecondsPerGib: ScalesWithCpuShare ? MeasuredSetupCpuSecondsPerGib * k : 0,
            DestinationLoadCpuSecondsPerGib: ScalesWithCpuShare ? machine.DestinationDataCpuSecondsPerGib : 0,
            DestinationZeroLoadCpuSecondsPerGib: ScalesWithCpuShare ? machine.DestinationZeroCpuSecondsPerGib : 0,
            EndOfPassDataMibPerGib: StructPagesMibPerGib,
            EndOfPassDataMib: MeasuredEndOfPassDataMib,
            PreCopyTimeoutSeconds: m.SuspendAfterSeconds,
            // QEMU counts the setup's sync as the first: a switch at dirty-sync-count k follows k - 1 full passes.
            HybridRounds: m.SwitchSync is { } sync ? sync - 1 : 1);
    }

    /// <summary>The migration thread's whole CPU seconds per GiB of data pages sent on <paramref name="machine"/>: the
    /// reference's measured <see cref="ReferenceSendCpuSecondsPerGib"/> times the machine's own send factor where its fit
    /// rows tell it apart (<see cref="LabMachine.SourceSendCpuFactor"/>), else times its one source factor. Measured from
    /// the threads' CPU time (schedstat), never from the migrations' times.</summary>
    public double MeasuredSendCpuSecondsPerGib(LabMachine machine) =>
        ReferenceSendCpuSecondsPerGib * (machine.SourceSendCpuFactor ?? machine.SourceCpuFactor);

    /// <summary>The share of a core the migration thread got: measured (schedstat) where the recording has it;
    /// in the recordings made before, inferred from QEMU's setup-time, CPU work alone (ram_save_setup and its first
    /// dirty-log sync over every page), as this environment's cost of the setup on a core of its own over the
    /// measured time.</summary>
    public double CpuShare(LabMeasurement m, LabMachine machine)
    {
        if (!ScalesWithCpuShare) return 1;
        if (m.MigrationCpuShare is { } measured) return measured;
        var fullCore = machine.SourceCpuFactor * (SyncSecondsPerGib + SyncSecondsPerDirtyGib + MeasuredSetupCpuSecondsPerGib) * m.RamTotalMib / 1024;
        return m.SetupMs > 0 ? Math.Clamp(fullCore / (m.SetupMs / 1000), 0.01, 1) : 1;
    }

    /// <summary>The migration thread's CPU seconds the model accounts for in a pre-copy migration, at a core of its own:
    /// the setup (its work and first sync over every page), the later syncs' walks of the bitmap and their pages found
    /// dirty (the data re-sent), the zero-page checks and the sends of data pages, from the row's own counts.</summary>
    public double ModelSourceCpuSeconds(LabMeasurement m) => ModelSourceCpuSecondsBesideData(m) + DataGib(m) * SendCpuSecondsPerGib;

    /// <summary><see cref="ModelSourceCpuSeconds"/> less the sends of data pages: the setup, the syncs and the zero-page
    /// checks, the work whose cost the machine's <see cref="LabMachine.SourceCpuFactor"/> scales.</summary>
    public double ModelSourceCpuSecondsBesideData(LabMeasurement m)
    {
        var ram = m.RamTotalMib / 1024;
        var (zero, data) = (m.ZeroPages * 4096.0 / (1 << 20), DataGib(m));
        var resent = Math.Max(0, data - (ram - zero / 1024));
        return (SyncSecondsPerGib + SyncSecondsPerDirtyGib + MeasuredSetupCpuSecondsPerGib) * ram
            + Math.Max(0, m.DirtySyncs - 1) * SyncSecondsPerGib * ram + resent * SyncSecondsPerDirtyGib
            + zero / ZeroScanMibPerSecond;
    }

    /// <summary>GiB of data pages the row's migration sent (QEMU's ram.normal count).</summary>
    public static double DataGib(LabMeasurement m) => m.NormalPages * 4096.0 / (1 << 30);

    public double[] ToVector() => [LinkEfficiency, ZeroScanMibPerSecond, SyncSecondsPerDirtyGib, SyncSecondsPerGib, ResumeSeconds, InFlightMib, FaultShare, SendCpuSecondsPerGib];

    public LabEnvironment WithVector(double[] x) => this with
    {
        LinkEfficiency = x[0], ZeroScanMibPerSecond = x[1], SyncSecondsPerDirtyGib = x[2], SyncSecondsPerGib = x[3],
        ResumeSeconds = x[4], InFlightMib = x[5], FaultShare = x[6], SendCpuSecondsPerGib = x[7],
    };
}

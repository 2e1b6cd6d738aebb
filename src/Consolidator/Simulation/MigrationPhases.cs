namespace Consolidator.Simulation;

/// <summary>What one VM brings to its migration: memory to move, how much of it is zero pages, how it
/// dirties it, what it touches, and the CPU and device state sent while it is stopped.</summary>
/// <param name="MemoryMib">The guest's memory (allocated): QEMU's bitmap covers all of it.</param>
/// <param name="Dirty">How the guest dirties memory while it runs.</param>
/// <param name="DeviceStateMib">CPU and device state sent while the VM is stopped.</param>
/// <param name="ZeroMib">Memory that reads as zero (never touched, or freed and zeroed): QEMU sends a marker
/// instead of the page. From usage.csv: allocated minus memory in use, or zero_fraction x allocated.</param>
/// <param name="WorkingSetMib">Memory the guest reads or writes in a short while: what post-copy faults on
/// (vms.csv wss_mib); null: the hot set of <paramref name="Dirty"/>.</param>
/// <param name="CpuShare">Share of a core the source's migration thread gets while it has CPU work (the dirty-log
/// syncs, the zero-page checks, the sending of pages): 1 is a core of its own. The thread's CPU work takes
/// 1/share as long; the link's time does not change. The lab measures it per migration (the thread's CPU time
/// over CPU time plus run-queue wait, Linux schedstat), so that runs on a busy and on a quiet machine are
/// predicted with one set of constants.</param>
/// <param name="SyncCpuShare">Share of a core a dirty-log sync after the setup gets (the syncs of the end game and the
/// final one): a short burst of a thread that was blocked on its socket, which the scheduler serves sooner than the
/// thread's work as a whole (the lab's stops). Null: <paramref name="CpuShare"/>.</param>
/// <param name="DestinationCpuShare">Share of a core the destination's loading thread gets (QEMU 7.2 loads an incoming
/// pre-copy stream in the main loop's coroutine): its load work (<see cref="SimulationOptions.DestinationLoadCpuSecondsPerGib"/>)
/// takes 1/share as long. The lab measures it like <paramref name="CpuShare"/>.</param>
public sealed record VmMigrationInputs(double MemoryMib, DirtyProfile Dirty, double DeviceStateMib, double ZeroMib = 0, double? WorkingSetMib = null,
    double CpuShare = 1, double? SyncCpuShare = null, double DestinationCpuShare = 1)
{
    /// <summary>The destination's CPU share as the models use it: within (0, 1], a thousandth at least.</summary>
    public double DestinationCpu => DestinationCpuShare is > 0 and <= 1 ? Math.Max(1e-3, DestinationCpuShare) : 1;

    /// <summary>The CPU share as the models use it: within (0, 1], a thousandth at least.</summary>
    public double Cpu => CpuShare is > 0 and <= 1 ? Math.Max(1e-3, CpuShare) : 1;

    /// <summary>The share a sync after the setup gets, as the models use it.</summary>
    public double SyncCpu => SyncCpuShare is > 0 and <= 1 ? Math.Max(1e-3, SyncCpuShare.Value) : Cpu;

    /// <summary>Memory holding data: every page of it crosses whole in the first pass.</summary>
    public double DataMib => Math.Max(0, MemoryMib - Math.Clamp(ZeroMib, 0, MemoryMib));

    public double WorkingSet => Math.Min(MemoryMib, WorkingSetMib ?? Dirty.HotSetMib);
}

internal enum Phase
{
    /// <summary>Bitmap setup and the first dirty-log sync; nothing crosses.</summary>
    Setup,
    /// <summary>Pre-copy: the VM runs on the source while the pages of the dirty bitmap are sent.</summary>
    Rounds,
    /// <summary>A dirty-log sync while pre-copy runs; nothing crosses.</summary>
    Sync,
    /// <summary>The VM is stopped; the last dirty pages and the device state cross.</summary>
    StopAndCopy,
    /// <summary>Post-copy switch: the VM is stopped; only the device state crosses.</summary>
    Switchover,
    /// <summary>Commit and activation on the destination; nothing crosses.</summary>
    Resume,
    /// <summary>The VM runs on the destination, slowed by network page faults, while its memory arrives.</summary>
    PostCopy,
    /// <summary>Post-copy with its link down: the VM runs on the destination and blocks on any missing page
    /// until migrate-recover resumes the transfer.</summary>
    PostCopyPaused,
    Done,
}

internal enum FailureEffect
{
    /// <summary>The failure changed nothing (the migration had already finished with the link).</summary>
    None,
    /// <summary>The VM keeps running (or resumes) on its source.</summary>
    Aborted,
    /// <summary>The VM ran on the destination with part of its memory still on the source: it is gone.</summary>
    VmLost,
    /// <summary>Post-copy paused; the transfer resumes after the recovery time (QEMU's migrate-recover).</summary>
    Paused,
}

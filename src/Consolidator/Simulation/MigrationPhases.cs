namespace Consolidator.Simulation;

/// <summary>What one VM brings to its migration: memory to move, how it dirties it, and the CPU and device
/// state sent while it is stopped.</summary>
public sealed record VmMigrationInputs(double MemoryMib, DirtyProfile Dirty, double DeviceStateMib);

internal enum Phase
{
    /// <summary>Pre-copy rounds: the VM runs on the source while dirty pages are sent.</summary>
    Rounds,
    /// <summary>The VM is stopped; the last dirty pages and the device state cross.</summary>
    StopAndCopy,
    /// <summary>Post-copy switch: the VM is stopped; only the device state crosses.</summary>
    Switchover,
    /// <summary>Commit and activation on the destination; nothing crosses.</summary>
    Resume,
    /// <summary>The VM runs on the destination, slowed by network page faults, while its memory arrives.</summary>
    PostCopy,
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
}

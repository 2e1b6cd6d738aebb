using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Profiles;

namespace Consolidator.Allocation;

/// <summary>The CPU one VM may use on its host in one window: a hard cap (a CFS quota) in millicores and a
/// share weight for the host's scheduler.</summary>
public readonly record struct CpuAllocation(int Host, int Vm, int Window, int CapMillicores, int Shares)
{
    public double CapCores => CapMillicores / 1000.0;
}

/// <summary>Every VM's allocation on its host in every window (the host level of two-level management), with
/// the QoS class that decided who gave way. Entries are ordered by host, window, then VM.</summary>
public sealed class AllocationSchedule
{
    private readonly int[] _cap; // [v, w] millicores
    private readonly int[] _shares; // [v, w]

    public AllocationSchedule(WindowScheme windows, ImmutableArray<CpuAllocation> entries, ImmutableArray<QosClass> qos)
    {
        Windows = windows;
        Entries = entries;
        Qos = qos;
        _cap = new int[qos.Length * windows.Count];
        _shares = new int[qos.Length * windows.Count];
        Array.Fill(_cap, -1);
        foreach (var e in entries)
        {
            _cap[e.Vm * windows.Count + e.Window] = e.CapMillicores;
            _shares[e.Vm * windows.Count + e.Window] = e.Shares;
        }
    }

    public WindowScheme Windows { get; }
    public ImmutableArray<CpuAllocation> Entries { get; }

    /// <summary>QoS class per VM, in the problem's VM order.</summary>
    public ImmutableArray<QosClass> Qos { get; }

    /// <summary>The cap of VM v in window w in cores; infinity when the schedule gives it none (not placed).</summary>
    public double CapCores(int v, int w) => _cap[v * Windows.Count + w] is var c and >= 0 ? c / 1000.0 : double.PositiveInfinity;

    /// <summary>The shares of VM v in window w; 1 when the schedule gives it none.</summary>
    public int Shares(int v, int w) => _shares[v * Windows.Count + w] is var s and > 0 ? s : 1;
}

using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Profiles;
using Consolidator.Rules;
using Consolidator.Storage;
using Consolidator.Traces;

namespace Consolidator.Packing;

/// <summary>The temporal multi-resource bin-packing instance in integer units: CPU in millicores, memory in
/// MiB. A value with no more decimals than its unit (6.922 cores, 4096 MiB) converts exactly: the reader keeps
/// the double nearest to the text, and a product within a relative 1e-9 of a whole unit is that unit
/// (<see cref="ToUnits"/>). A finer value (a percentile between two samples, 6.9225 cores) rounds up for a demand
/// and down for a capacity, so a placement that fits in integers fits in reals. Immutable once built; reads no
/// files.</summary>
public sealed class PlacementProblem
{
    public const int MilliPerCore = 1000;

    /// <summary>The largest CPU (cores) and memory (MiB) any one value may have: demands and capacities are
    /// 32-bit counts of millicores and MiB. The dataset reader rejects larger values with a located error.</summary>
    public const double MaxCores = 2_000_000, MaxMib = 2_000_000_000;

    private readonly int[] _demand;     // [v, r, w]
    private readonly int[] _capacity;   // [h, r]
    private readonly int[] _usable;     // [h, r]
    private readonly double[] _meanCpu; // [v, w] cores
    private readonly int[] _current;
    private readonly StoreTally _today;

    public PlacementProblem(
        ImmutableArray<Host> hosts, ImmutableArray<Vm> vms, WindowScheme windows, PlacementOptions options,
        Func<int, Resource, int, double> demand, Func<int, int, double> meanCpu, ImmutableArray<Rule> rules = default,
        ImmutableArray<Image> images = default)
    {
        options.Validate();
        Disks = new DiskLayout(hosts, vms, images);
        var storeEntries = (long)Enumerable.Range(0, hosts.Length).Count(Disks.IsLocal) * Disks.ImagesInUse;
        CountsImagesOnce = !options.WholeDisks && Disks.Counts && Disks.Shares && storeEntries <= StoreTally.MaxEntries;
        if (!options.WholeDisks && Disks.Counts && Disks.Shares && !CountsImagesOnce)
            WholeDiskReason = $"each disk on local storage counted whole in placement (a bound from above): {storeEntries} host x image counters are more than {StoreTally.MaxEntries} for image-aware counting";
        Rules = rules.IsDefaultOrEmpty ? CompiledRules.None : new CompiledRules(rules, hosts, vms);
        Hosts = hosts;
        Vms = vms;
        Windows = windows;
        Options = options;
        int nv = vms.Length, nh = hosts.Length, nw = windows.Count;
        _demand = new int[nv * Resources.Count * nw];
        _meanCpu = new double[nv * nw];
        _capacity = new int[nh * Resources.Count];
        _usable = new int[nh * Resources.Count];
        _current = new int[nv];
        var hostIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var h = 0; h < nh; h++)
        {
            hostIndex[hosts[h].Id] = h;
            foreach (var r in Resources.All)
            {
                var (cap, usable) = r switch
                {
                    Resource.Cpu => (hosts[h].CpuCores * MilliPerCore, (1 - options.Headroom) * hosts[h].CpuCores * MilliPerCore),
                    Resource.Memory => (hosts[h].MemoryMib, (1 - options.Headroom) * hosts[h].MemoryMib),
                    // Allocations keep no headroom: Nova's placement counts them against the ratio alone.
                    Resource.VcpuAllocation => Allocatable(hosts[h].CpuCores * MilliPerCore, options.CpuAllocationRatio),
                    Resource.MemoryAllocation => Allocatable(hosts[h].MemoryMib, options.RamAllocationRatio),
                    // A disk has no headroom: it does not swing with demand as CPU and memory do.
                    _ => (Disks.CapacityMib(h), Disks.CapacityMib(h)),
                };
                _capacity[h * Resources.Count + (int)r] = ToUnits(cap, up: false);
                _usable[h * Resources.Count + (int)r] = ToUnits(usable, up: false);
            }
        }
        _today = new StoreTally(Disks, nh);
        for (var v = 0; v < nv; v++)
        {
            _current[v] = vms[v].CurrentHost is { } c ? hostIndex[c] : -1;
            if (_current[v] >= 0 && Disks.Counts) _today.Add(v, _current[v]);
            for (var w = 0; w < nw; w++)
            {
                _meanCpu[v * nw + w] = meanCpu(v, w);
                foreach (var r in Resources.All)
                {
                    var d = r switch
                    {
                        Resource.Cpu => demand(v, r, w) * MilliPerCore,
                        Resource.Memory => options.MemoryAllocationFloor ? Math.Max(demand(v, r, w), vms[v].MemoryMib) : demand(v, r, w),
                        Resource.VcpuAllocation => vms[v].Vcpus * MilliPerCore,
                        Resource.MemoryAllocation => vms[v].MemoryMib,
                        _ => Disks.Counts ? Disks.AloneMib(v) : 0,
                    };
                    _demand[(v * Resources.Count + (int)r) * nw + w] = ToUnits(d, up: true);
                }
            }
        }
    }

    /// <summary>What a host may give out under an allocation ratio (0 = no limit, then as much as the units hold): at most
    /// what the units hold, which no demand reaches; `--cpu-allocation-ratio 1e6` on a 64-core host was 6.4e10
    /// millicores, an unexpected OverflowException (exit code 1, "a bug").</summary>
    private static (double Capacity, double Usable) Allocatable(double physical, double ratio) =>
        ratio > 0 ? (Math.Min(physical * ratio, int.MaxValue), Math.Min(physical * ratio, int.MaxValue)) : (int.MaxValue, int.MaxValue);

    /// <summary>A value in model units (already scaled: millicores or MiB) as a whole number: the nearest one when
    /// the value is within a relative 1e-9 of it, which is what a decimal with no more places than the unit
    /// becomes in double arithmetic; otherwise rounded <paramref name="up"/> (a demand) or down (a capacity).</summary>
    public static int ToUnits(double value, bool up)
    {
        var nearest = Math.Round(value);
        if (Math.Abs(value - nearest) <= 1e-9 * Math.Max(1, Math.Abs(value))) return checked((int)nearest);
        return checked((int)(up ? Math.Ceiling(value) : Math.Floor(value)));
    }

    /// <summary>Builds the instance from a dataset's inventory and the profiles of its VMs.</summary>
    public static PlacementProblem From(Dataset dataset, ProfileSet profiles, PlacementOptions options) =>
        new(dataset.Hosts, dataset.Vms, profiles.Windows, options,
            (v, r, w) => r == Resource.Cpu ? profiles.Vms[v].DemandCpu[w] : profiles.Vms[v].DemandMemory[w],
            (v, w) => profiles.Vms[v].MeanCpu[w], dataset.Rules, dataset.Images);

    public ImmutableArray<Host> Hosts { get; }
    public ImmutableArray<Vm> Vms { get; }
    public WindowScheme Windows { get; }
    public PlacementOptions Options { get; }
    /// <summary>The fleet's disks and images: what each host's local store holds (<see cref="Resource.Disk"/>
    /// counts each VM's disk whole; placement under <see cref="CountsImagesOnce"/>, the stager, the replay, the
    /// validator and the reports count shared image blocks once).</summary>
    public DiskLayout Disks { get; }

    /// <summary>True when placement counts what each local store really holds (each image present once, plus private
    /// blocks: <see cref="StoreTally"/>) in place of the <see cref="Resource.Disk"/> row, which still counts each disk
    /// whole for the parts that only need a bound from above. False with --whole-disks, without shared images (the two
    /// counts are then equal), and above <see cref="StoreTally.MaxEntries"/> (<see cref="WholeDiskReason"/>).</summary>
    public bool CountsImagesOnce { get; }

    /// <summary>Why disks are counted whole although images are shared and image-aware counting was asked; else null.</summary>
    public string? WholeDiskReason { get; }

    /// <summary>False for the disk row when <see cref="CountsImagesOnce"/>: a sum of whole disks is then no limit,
    /// and a fit check asks a <see cref="StoreTally"/> instead.</summary>
    public bool Additive(Resource r) => r != Resource.Disk || !CountsImagesOnce;

    /// <summary>A fresh tally of the local stores, empty.</summary>
    internal StoreTally NewTally() => new(Disks, HostCount);

    /// <summary>A demand that no placement can beat, for bounds: on local storage counted image by image, a VM adds
    /// at least its private blocks (its image may be there already); otherwise <see cref="Demand"/>.</summary>
    public int BoundDemand(int v, Resource r, int w) => Additive(r) ? Demand(v, r, w) : Disks.PrivateMib(v);

    /// <summary>MiB of disk a move of VM v to host h sends (0 when it stays or is not placed today): to a local store,
    /// its private blocks and the images of its chain that store lacks today (what is there is not sent); from a
    /// local store to shared storage, its private blocks (the images are in the shared library).</summary>
    public long DiskSendMib(int v, int h)
    {
        var from = _current[v];
        if (!Disks.Counts || from < 0 || from == h) return 0;
        if (Disks.IsLocal(h)) return _today.Adds(v, h);
        return Disks.IsLocal(from) ? Disks.PrivateMib(v) : 0;
    }

    /// <summary>The placement rules of constraints.csv, resolved to indices.</summary>
    public CompiledRules Rules { get; }

    public int HostCount => Hosts.Length;
    public int VmCount => Vms.Length;
    public int WindowCount => Windows.Count;

    /// <summary>Demand of VM v for resource r in window w (millicores or MiB).</summary>
    public int Demand(int v, Resource r, int w) => _demand[(v * Resources.Count + (int)r) * WindowCount + w];

    /// <summary>Physical capacity: the limit no state of a migration plan may cross.</summary>
    public int Capacity(int h, Resource r) => _capacity[h * Resources.Count + (int)r];

    /// <summary>Capacity less headroom: the limit of the final placement.</summary>
    public int Usable(int h, Resource r) => _usable[h * Resources.Count + (int)r];

    /// <summary>Mean CPU of VM v in window w, in cores.</summary>
    public double MeanCpu(int v, int w) => _meanCpu[v * WindowCount + w];

    /// <summary>The host the VM runs on now, or -1 for a VM not yet placed.</summary>
    public int CurrentHost(int v) => _current[v];

    public Placement CurrentPlacement() => new([.. _current]);

    /// <summary>True when every VM already runs somewhere, so the current placement can be evaluated.</summary>
    public bool AllPlaced => Array.TrueForAll(_current, h => h >= 0);

    public double MigrationCostWh(int v) => Options.MigrationWeightWhPerGiB * Vms[v].MemoryMib / 1024.0;

    /// <summary>Wh-equivalent the disk data of a move of VM v to host h costs (<see cref="DiskSendMib"/>).</summary>
    public double DiskCostWh(int v, int h) => Options.DiskWeightWhPerGiB * DiskSendMib(v, h) / 1024.0;

    /// <summary>True when host h may take VM v: no pin, ban or drain rule keeps it off, and it fits alone.</summary>
    public bool CanHost(int v, int h) => Rules.Allows(v, h) && FitsAlone(v, h);

    /// <summary>True when VM v alone fits within host h's usable capacity in every window.</summary>
    public bool FitsAlone(int v, int h)
    {
        foreach (var r in Resources.All)
            for (var w = 0; w < WindowCount; w++)
                if (Demand(v, r, w) > Usable(h, r)) return false;
        return true;
    }
}

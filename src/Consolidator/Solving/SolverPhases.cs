namespace Consolidator.Solving;

/// <summary>The solver's phases that can be switched off one at a time, so that the ablation (<c>bench --family
/// ablation</c>) measures what each earns on realistic data. A plan always runs them all; a phase that does not
/// apply to an instance (the host-counting phases where moves cost something) is skipped whatever this says.</summary>
[Flags]
public enum SolverPhases
{
    None = 0,

    /// <summary>Sets of VMs that fill a host exactly (<see cref="ExactFillSearch"/>; host counting only).</summary>
    ExactFill = 1,

    /// <summary>The host-by-host CP-SAT fill (<see cref="HostByHostFill"/>).</summary>
    HostFill = 2,

    /// <summary>CP-SAT on the whole placement model, when it is small enough.</summary>
    WholeModel = 4,

    /// <summary>Consistent neighbourhood search (<see cref="ConsistentNeighbourhoodSearch"/>; host counting only).</summary>
    ConsistentSearch = 8,

    /// <summary>CP-SAT asked for ever fewer hosts (<see cref="BinCountDescent"/>; host counting only).</summary>
    BinCountDescent = 16,

    /// <summary>Large-neighbourhood search: CP-SAT re-solves a few hosts, with bursts of swap descent.</summary>
    NeighbourhoodSearch = 32,

    /// <summary>Warm starts that keep the fullest current hosts whole, and today's placement itself.</summary>
    KeepInPlaceStarts = 64,

    /// <summary>VMs brought back to their current hosts at no cost in the objective (<see cref="Homecoming"/>).</summary>
    Homecoming = 128,

    /// <summary>Fixed-host-count repair by weighted overload (<see cref="OverloadSearch"/>; host counting above
    /// the exact-fill search's VM limit, in place of the consistent search).</summary>
    OverloadSearch = 256,

    /// <summary>Where no used row has slack at the host bound, a cover of the VMs by sets that each fill a host exactly
    /// (<see cref="FullHosts.FullHostCover"/>; host counting only).</summary>
    FullHostCover = 512,

    All = ExactFill | HostFill | WholeModel | ConsistentSearch | BinCountDescent | NeighbourhoodSearch | KeepInPlaceStarts | Homecoming | OverloadSearch | FullHostCover,
}

/// <summary>How the bench and the notes spell a phase.</summary>
public static class SolverPhaseNames
{
    public static string Of(SolverPhases phase) => phase switch
    {
        SolverPhases.ExactFill => "exact-fill",
        SolverPhases.HostFill => "host-fill",
        SolverPhases.WholeModel => "whole-model",
        SolverPhases.ConsistentSearch => "consistent-search",
        SolverPhases.BinCountDescent => "bin-count-descent",
        SolverPhases.NeighbourhoodSearch => "neighbourhood-search",
        SolverPhases.KeepInPlaceStarts => "keep-in-place-starts",
        SolverPhases.Homecoming => "homecoming",
        SolverPhases.OverloadSearch => "overload-search",
        SolverPhases.FullHostCover => "full-host-cover",
        _ => phase.ToString(),
    };
}

using Consolidator.Inventory;
using Consolidator.Power;

namespace Consolidator.Importers;

/// <summary>A server model an importer assumes when the trace names no hosts.</summary>
public sealed record HostModel(string Name, string Description, double CpuCores, double MemoryMib, PowerTable Power, string Source)
{
    public Host Create(string id) => new(id, CpuCores, MemoryMib, Power.IdleWatts, Power.MaxWatts) { PowerTable = Power };
}

/// <summary>The assumed host models, with their sources (research/power.md sections 2 and 3).</summary>
public static class HostModels
{
    /// <summary>PlanetLab imports count CPU in units of this many MIPS, so that CloudSim's MIPS-rated hosts
    /// and VMs become "cores" of equal speed.</summary>
    public const double MipsPerCore = 1000;

    /// <summary>HP ProLiant ML110 G4 as CloudSim's PlanetLab experiments configure it: 2 PEs x 1860 MIPS, 4096 MB
    /// ("increased to enable over-subscription"), SPECpower table of PowerModelSpecPowerHpProLiantMl110G4Xeon3040.</summary>
    public static readonly HostModel Ml110G4 = new("ml110g4",
        "HP ProLiant ML110 G4 (1 x Xeon 3040, 2 x 1860 MIPS, 4096 MB)", 2 * 1860 / MipsPerCore, 4096,
        new PowerTable([86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117]),
        "CloudSim examples/power/Constants.java; PowerModelSpecPowerHpProLiantMl110G4Xeon3040 (SPEC power_ssj2008-20110127-00342)");

    /// <summary>HP ProLiant ML110 G5 as CloudSim configures it: 2 PEs x 2660 MIPS, 4096 MB.</summary>
    public static readonly HostModel Ml110G5 = new("ml110g5",
        "HP ProLiant ML110 G5 (1 x Xeon 3075, 2 x 2660 MIPS, 4096 MB)", 2 * 2660 / MipsPerCore, 4096,
        new PowerTable([93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135]),
        "CloudSim examples/power/Constants.java; PowerModelSpecPowerHpProLiantMl110G5Xeon3075 (SPEC power_ssj2008-20110124-00339)");

    /// <summary>Dell PowerEdge R820 (2012), contemporary with the 2013 Bitbrains trace and large enough for its
    /// largest VM (32 vCPUs, 512 GiB): 32 cores and 756 GiB as OpenDC transcribes the SPECpower result.</summary>
    public static readonly HostModel DellR820 = new("r820",
        "Dell PowerEdge R820 (4 x Xeon E5-4650, 32 cores, 756 GiB)", 32, 756 * 1024,
        new PowerTable([110, 149, 167, 188, 218, 237, 268, 307, 358, 414, 446]),
        "OpenDC opendc-experiments-radice MachineSpecs.kt DELL_R820 (SPEC power_ssj2008-20120515-00468)");
}

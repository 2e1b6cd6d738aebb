using Consolidator.Inventory;

namespace Consolidator.Simulation;

/// <summary>Energy spent migrating, by the two models research/power.md section 7 recommends.</summary>
public static class MigrationEnergy
{
    /// <summary>Liu et al. (HPDC 2011): E = alpha x V_mig + beta, energy proportional to the data sent.
    /// The coefficients, 0.512 J per MB and 20.165 J, are the ones quoted for that paper but not checked
    /// against it (power.md marks them unconfirmed).</summary>
    public const double JoulesPerMB = 0.512;

    public const double FixedJoules = 20.165;

    /// <summary>CloudSim charges a migrating VM 10 % extra CPU on its source and reserves 10 % of it on the
    /// destination (VmSchedulerTimeShared); at the hosts' linear power slope that is the extra power of a
    /// migration, constant for its duration as Dargie observed.</summary>
    public const double CpuOverheadShare = 0.1;

    private const double MBPerMiB = (1 << 20) / 1e6;

    public static double DataModelJoules(double wireMib) => JoulesPerMB * wireMib * MBPerMiB + FixedJoules;

    /// <summary>(dP source + dP destination) x duration, with dP = 10 % of the VM's vCPUs at each host's
    /// watts per core.</summary>
    public static double PowerModelJoules(Host source, Host destination, double vcpus, double seconds) =>
        CpuOverheadShare * vcpus * (source.WattsPerCore + destination.WattsPerCore) * seconds;
}

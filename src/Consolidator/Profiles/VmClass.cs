namespace Consolidator.Profiles;

/// <summary>When a VM is busy, for reports: interactive services peak by day, batch jobs by night.</summary>
public enum VmClass
{
    Flat,
    DayPeaking,
    NightPeaking,
}

public static class VmClasses
{
    /// <summary>The spelling every output uses (plan.json, reports, plots).</summary>
    public static string Name(VmClass c) => c switch
    {
        VmClass.DayPeaking => "day-peaking",
        VmClass.NightPeaking => "night-peaking",
        _ => "flat",
    };
}

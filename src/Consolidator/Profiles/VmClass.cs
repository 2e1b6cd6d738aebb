namespace Consolidator.Profiles;

/// <summary>When a VM is busy, for reports: interactive services peak by day, batch jobs by night.</summary>
public enum VmClass
{
    Flat,
    DayPeaking,
    NightPeaking,
}

namespace Consolidator.Export;

/// <summary>Turns a plan into the dry-run script an operator reviews before running it on their manager.</summary>
public static class ScriptExport
{
    public static string Write(ExportPlan plan, ExportTarget target, string planName) => target switch
    {
        ExportTarget.OpenStack => OpenStackScript.Write(plan, planName),
        _ => LibvirtScript.Write(plan, planName),
    };
}

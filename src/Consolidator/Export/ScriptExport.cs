namespace Consolidator.Export;

/// <summary>Turns a plan into the dry-run script an operator reviews before running it on their manager.</summary>
public static class ScriptExport
{
    /// <param name="validated">Whether the validator checked the plan against its dataset (`export` without --unchecked); when
    /// not, the header says so, since the script would migrate VMs on a plan no one checked for capacity or rules.</param>
    public static string Write(ExportPlan plan, ExportTarget target, string planName, bool validated) => target switch
    {
        ExportTarget.OpenStack => OpenStackScript.Write(plan, planName, validated),
        _ => LibvirtScript.Write(plan, planName, validated),
    };

    /// <summary>The header line of a script whose plan the validator did not see; also what `export` says on stderr.</summary>
    public const string NotChecked =
        "NOT CHECKED against a dataset: exported with --unchecked, so the validator did not check this plan's capacity or placement rules (a plan.json edited by hand may overload a host); export without --unchecked to check it";
}

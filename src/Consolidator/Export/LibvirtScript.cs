using System.Text;

namespace Consolidator.Export;

/// <summary>A bash script of virsh live migrations, stage by stage. Each migration runs against its source
/// host's libvirtd over SSH; the migrations of a stage run side by side (the stager already capped how many
/// touch one host) and the next stage starts only when every one of them has succeeded.</summary>
internal static class LibvirtScript
{
    public static string Write(ExportPlan plan, string planName)
    {
        var s = new StringBuilder();
        ScriptPreamble.Write(s, plan, planName, "libvirt (virsh)");
        foreach (var stage in plan.Stages)
        {
            ScriptPreamble.StageHeader(s, stage);
            foreach (var m in stage.Migrations)
            {
                if (m.IsPlacement)
                {
                    s.Append($"# {m.VmId} runs nowhere yet: define and start it on {m.ToHost} (not a migration)\n");
                    s.Append($"step virsh -c qemu+ssh://{m.ToHost}/system start {m.VmId}\n");
                    continue;
                }
                // virsh starts every post-copy migration in pre-copy; --postcopy-after-precopy switches after the first pass.
                var postCopy = m.NeedsPostCopy ? " --postcopy --postcopy-after-precopy" : "";
                s.Append($"# {m.Kind} {m.VmId}: {m.FromHost} -> {m.ToHost} ({m.Method})\n");
                s.Append($"step_bg virsh -c qemu+ssh://{m.FromHost}/system migrate --live --persistent --undefinesource{postCopy} {m.VmId} qemu+ssh://{m.ToHost}/system\n");
            }
            s.Append("end_stage\n\n");
        }
        s.Append("echo \"done: ").Append(plan.MigrationCount).Append(" live migration(s) in ").Append(plan.Stages.Length).Append(" stage(s)\"\n");
        return s.ToString();
    }
}

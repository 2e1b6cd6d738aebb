using System.Text;
using static Consolidator.Export.ShellScript;

namespace Consolidator.Export;

/// <summary>A bash script of virsh live migrations, stage by stage. Each migration runs against its source
/// host's libvirtd over SSH; the migrations of a stage run side by side (the stager already capped how many
/// touch one host) and the next stage starts only when every one of them has succeeded. Every value from the
/// plan goes in through <see cref="ShellScript"/>. With the plan's simulation.json, each migration is set up as
/// the replay assumed it: QEMU's downtime-limit (migrate-setmaxdowntime), the timeout with the suspend action
/// and post-copy where the replay chose it.</summary>
internal static class LibvirtScript
{
    public static string Write(ExportPlan plan, string planName, bool validated)
    {
        var s = new StringBuilder();
        Preamble(s, $"Consolidation plan {planName} for libvirt (virsh): {plan.MigrationCount} live migration(s) in {plan.Stages.Length} stage(s).", validated);
        foreach (var stage in plan.Stages)
        {
            StageHeader(s, stage);
            foreach (var m in stage.Migrations)
            {
                if (m.IsPlacement)
                {
                    s.Append($"# {Comment(m.VmId)} runs nowhere yet: define and start it on {Comment(m.ToHost)} (not a migration)\n");
                    s.Append($"step virsh -c {Quote(Uri(m.ToHost))} start {Quote(m.VmId)}\n");
                    continue;
                }
                // virsh starts every post-copy migration in pre-copy; --postcopy-after-precopy switches after the first pass.
                var postCopy = m.NeedsPostCopy ? " --postcopy --postcopy-after-precopy" : "";
                // The replay's libvirt timeout: virsh suspends the guest after it and the copy completes paused.
                var timeout = m.TimeoutSeconds is { } t ? Invariant($" --timeout {Math.Ceiling(t):0} --timeout-suspend") : "";
                s.Append($"# {m.Kind} {Comment(m.VmId)}: {Comment(m.FromHost!)} -> {Comment(m.ToHost)} ({m.Method})\n");
                // QEMU's downtime-limit as the replay assumed it; libvirt sets it on the domain before the migration.
                if (m.DowntimeLimitMs is { } limit)
                    s.Append(Invariant($"step virsh -c {Quote(Uri(m.FromHost!))} migrate-setmaxdowntime {Quote(m.VmId)} --downtime {Math.Max(1, Math.Round(limit)):0}\n"));
                s.Append($"step_bg virsh -c {Quote(Uri(m.FromHost!))} migrate --live --persistent --undefinesource{postCopy}{timeout} {Quote(m.VmId)} {Quote(Uri(m.ToHost))}\n");
            }
            s.Append("end_stage\n\n");
        }
        s.Append("echo \"done: ").Append(plan.MigrationCount).Append(" live migration(s) in ").Append(plan.Stages.Length).Append(" stage(s)\"\n");
        return s.ToString();
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>The libvirt connection URI of a host; the reader has checked that the id is a host name.</summary>
    private static string Uri(string host) => $"qemu+ssh://{host}/system";
}

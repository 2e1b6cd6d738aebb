using System.Text;
using static Consolidator.Export.ShellScript;

namespace Consolidator.Export;

/// <summary>A bash script of OpenStack live migrations, stage by stage: each server is sent to its planned
/// compute host, then a wait loop polls it until it is ACTIVE on that host, so a stage ends only when all its
/// servers have arrived. Every value from the plan goes in through <see cref="ShellScript"/>.</summary>
internal static class OpenStackScript
{
    public static string Write(ExportPlan plan, string planName)
    {
        var s = new StringBuilder();
        Preamble(s, $"Consolidation plan {planName} for OpenStack (openstack CLI): {plan.MigrationCount} live migration(s) in {plan.Stages.Length} stage(s).");
        s.Append("""
            # Polls a server until it is ACTIVE on the expected compute host (every 5 s, at most WAIT_TIMEOUT s).
            wait_for_host() {
              local server=$1 host=$2 waited=0
              if [ "$APPLY" != 1 ]; then echo "  (wait until $server is ACTIVE on $host)"; return 0; fi
              while :; do
                local status at
                status=$(openstack server show "$server" -f value -c status)
                at=$(openstack server show "$server" -f value -c OS-EXT-SRV-ATTR:host)
                if [ "$status" = ACTIVE ] && [ "$at" = "$host" ]; then return 0; fi
                if [ "$status" = ERROR ]; then echo "error: $server is in ERROR" >&2; return 1; fi
                if [ "$waited" -ge "$WAIT_TIMEOUT" ]; then echo "error: $server not ACTIVE on $host after $WAIT_TIMEOUT s" >&2; return 1; fi
                sleep 5; waited=$((waited + 5))
              done
            }
            WAIT_TIMEOUT=${WAIT_TIMEOUT:-3600}


            """.Replace("\r\n", "\n"));
        // Nova sets QEMU's downtime-limit from nova.conf, not per migration: say the smallest the replay assumed.
        if (plan.Stages.SelectMany(x => x.Migrations).Select(m => m.DowntimeLimitMs).Where(d => d is not null).Min() is { } limit)
            s.Append(FormattableString.Invariant($"# The replay assumed QEMU's downtime-limit {Math.Max(1, Math.Round(limit)):0} ms (the smallest of its migrations): nova.conf [libvirt] live_migration_downtime = {Math.Max(1, Math.Round(limit)):0}\n\n"));
        foreach (var stage in plan.Stages)
        {
            StageHeader(s, stage);
            foreach (var m in stage.Migrations)
            {
                if (m.IsPlacement)
                {
                    s.Append($"# {Comment(m.VmId)} runs nowhere yet: create or start it on {Comment(m.ToHost)} (not a migration)\n");
                    continue;
                }
                // Nova has no per-migration post-copy switch: it uses post-copy when nova.conf sets live_migration_permit_post_copy.
                var note = m.NeedsPostCopy ? "; the plan chose post-copy: needs live_migration_permit_post_copy = true" : "";
                s.Append($"# {m.Kind} {Comment(m.VmId)}: {Comment(m.FromHost!)} -> {Comment(m.ToHost)} ({m.Method}{note})\n");
                // --host with --live-migration needs compute API microversion 2.30 or later (python-openstackclient).
                s.Append($"step openstack --os-compute-api-version 2.30 server migrate --live-migration --host {Quote(m.ToHost)} {Quote(m.VmId)}\n");
            }
            foreach (var m in stage.Migrations.Where(m => !m.IsPlacement))
                s.Append($"wait_for_host {Quote(m.VmId)} {Quote(m.ToHost)}\n");
            s.Append("end_stage\n\n");
        }
        s.Append("echo \"done: ").Append(plan.MigrationCount).Append(" live migration(s) in ").Append(plan.Stages.Length).Append(" stage(s)\"\n");
        return s.ToString();
    }
}

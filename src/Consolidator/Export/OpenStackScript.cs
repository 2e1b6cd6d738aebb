using System.Globalization;
using System.Text;
using static Consolidator.Export.ShellScript;

namespace Consolidator.Export;

/// <summary>A bash script of OpenStack live migrations, stage by stage: each server is sent to its planned
/// compute host, then a wait loop polls it until it is ACTIVE on that host, so a stage ends only when all its
/// servers have arrived. Every value from the plan goes in through <see cref="ShellScript"/>.
/// The openstack CLI looks a server up by ID first and by name second (osc-lib utils.find_resource), and Nova
/// names are neither unique nor kept from looking like IDs: `server migrate NAME` would move another server whose
/// ID is that name. So with APPLY=1 the script first lists every server once and replaces each of the plan's
/// servers by the one server whose ID or name is exactly it; one that matches none or several stops the script
/// before any migration, and the commands then address servers by ID only.</summary>
internal static class OpenStackScript
{
    public static string Write(ExportPlan plan, string planName, bool validated)
    {
        var s = new StringBuilder();
        Preamble(s, $"Consolidation plan {planName} for OpenStack (openstack CLI): {plan.MigrationCount} live migration(s) in {plan.Stages.Length} stage(s).", validated);
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

            # Replaces every ${refs[i]} by the ID of the one server whose ID or name is exactly it (ids[i]), from one
            # list of every server of every project; a reference that matches no server or several stops the script
            # here, before any migration.
            resolve_servers() {
              if [ "$APPLY" != 1 ]; then echo "(with APPLY=1: each server found by its exact ID or name first; none may match several)"; return 0; fi
              if [ "${#refs[@]}" = 0 ]; then return 0; fi
              local -A found=()
              local list line id name i ref uuid='^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$'
              list=$(openstack server list --all-projects --limit -1 -f value -c ID -c Name)
              while IFS= read -r line; do
                [ -n "$line" ] || continue
                id=${line%% *}; name=${line#"$id"}; name=${name# }
                if ! [[ $id =~ $uuid ]]; then echo "error: openstack server list gave a line that does not start with a server ID; stopping before any migration" >&2; exit 1; fi
                found["id:${id,,}"]+=" $id"
                found["name:$name"]+=" $id"
              done <<<"$list"
              for i in "${!refs[@]}"; do
                ref=${refs[$i]}
                # Checked UUIDs (hex digits and -): split into words unquoted, deduplicated (a server named its own ID).
                local -a matches=($(printf '%s\n' ${found["id:${ref,,}"]-} ${found["name:$ref"]-} | sort -u))
                if [ "${#matches[@]}" = 1 ]; then ids[$i]=${matches[0]}; continue; fi
                if [ "${#matches[@]}" = 0 ]; then printf 'error: no server has the ID or name %q; stopping before any migration\n' "$ref" >&2
                else printf 'error: %q is the ID or name of %s servers (%s); stopping before any migration\n' "$ref" "${#matches[@]}" "${matches[*]}" >&2; fi
                exit 1
              done
            }


            """.Replace("\r\n", "\n"));
        // Each server the plan migrates, once, in order of first appearance: refs[i] as the plan names it.
        var refs = plan.Stages.SelectMany(x => x.Migrations).Where(m => !m.IsPlacement).Select(m => m.VmId).Distinct(StringComparer.Ordinal).ToList();
        var index = refs.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i, StringComparer.Ordinal);
        s.Append("refs=(");
        foreach (var r in refs) s.Append("\n  ").Append(Quote(r));
        s.Append("\n)\nids=(${refs[@]+\"${refs[@]}\"})\nresolve_servers\n\n");
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
                s.Append(CultureInfo.InvariantCulture, $"step openstack --os-compute-api-version 2.30 server migrate --live-migration --host {Quote(m.ToHost)} \"${{ids[{index[m.VmId]}]}}\"\n");
            }
            foreach (var m in stage.Migrations.Where(m => !m.IsPlacement))
                s.Append(CultureInfo.InvariantCulture, $"wait_for_host \"${{ids[{index[m.VmId]}]}}\" {Quote(m.ToHost)}\n");
            s.Append("end_stage\n\n");
        }
        s.Append("echo \"done: ").Append(plan.MigrationCount).Append(" live migration(s) in ").Append(plan.Stages.Length).Append(" stage(s)\"\n");
        return s.ToString();
    }
}

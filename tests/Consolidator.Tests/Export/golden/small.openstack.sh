#!/usr/bin/env bash
# Consolidation plan small/plan.json for OpenStack (openstack CLI): 4 live migration(s) in 2 stage(s).
# NOT CHECKED against a dataset: exported with --unchecked, so the validator did not check this plan's capacity or placement rules (a plan.json edited by hand may overload a host); export without --unchecked to check it.
# Written by `consolidator export`. DRY RUN by default: it prints every command and runs none.
# Review it, then run it with APPLY=1 to migrate. A stage starts only when every migration of the
# previous stage has succeeded; the first failure stops the script. Every value from the plan is
# one single-quoted argument.
set -euo pipefail
APPLY=${APPLY:-0}
pids=()

# The command as the shell sees it, one argument per word (printf %q), then run only with APPLY=1.
show() {
  printf '+'
  printf ' %q' "$@"
}

step() {
  show "$@"; printf '\n'
  if [ "$APPLY" = 1 ]; then "$@"; fi
}

step_bg() {
  show "$@"; printf ' &\n'
  if [ "$APPLY" = 1 ]; then "$@" & pids+=("$!"); fi
}

end_stage() {
  local failed=0
  for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" || failed=1; done
  pids=()
  if [ "$failed" = 1 ]; then echo "error: a migration of this stage failed; stopping" >&2; exit 1; fi
}

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

refs=(
  'web-1'
  'db-1'
  'batch-1'
)
ids=(${refs[@]+"${refs[@]}"})
resolve_servers

# The replay assumed QEMU's downtime-limit 264 ms (the smallest of its migrations): nova.conf [libvirt] live_migration_downtime = 264

# --- stage 1: 2 live migration(s) ---
echo "stage 1"
# move web-1: h1 -> h2 (precopy)
step openstack --os-compute-api-version 2.30 server migrate --live-migration --host 'h2' "${ids[0]}"
# relay db-1: h3 -> h4 (precopy)
step openstack --os-compute-api-version 2.30 server migrate --live-migration --host 'h4' "${ids[1]}"
# new-1 runs nowhere yet: create or start it on h2 (not a migration)
wait_for_host "${ids[0]}" 'h2'
wait_for_host "${ids[1]}" 'h4'
end_stage

# --- stage 2: 2 live migration(s) ---
echo "stage 2"
# move db-1: h4 -> h1 (hybrid; the plan chose post-copy: needs live_migration_permit_post_copy = true)
step openstack --os-compute-api-version 2.30 server migrate --live-migration --host 'h1' "${ids[1]}"
# move batch-1: h3 -> h1 (postcopy; the plan chose post-copy: needs live_migration_permit_post_copy = true)
step openstack --os-compute-api-version 2.30 server migrate --live-migration --host 'h1' "${ids[2]}"
wait_for_host "${ids[1]}" 'h1'
wait_for_host "${ids[2]}" 'h1'
end_stage

echo "done: 4 live migration(s) in 2 stage(s)"

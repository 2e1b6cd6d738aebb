#!/usr/bin/env bash
# Consolidation plan small/plan.json for OpenStack (openstack CLI): 4 live migration(s) in 2 stage(s).
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

# The replay assumed QEMU's downtime-limit 264 ms (the smallest of its migrations): nova.conf [libvirt] live_migration_downtime = 264

# --- stage 1: 2 live migration(s) ---
echo "stage 1"
# move web-1: h1 -> h2 (precopy)
step openstack --os-compute-api-version 2.30 server migrate --live-migration --host 'h2' 'web-1'
# relay db-1: h3 -> h4 (precopy)
step openstack --os-compute-api-version 2.30 server migrate --live-migration --host 'h4' 'db-1'
# new-1 runs nowhere yet: create or start it on h2 (not a migration)
wait_for_host 'web-1' 'h2'
wait_for_host 'db-1' 'h4'
end_stage

# --- stage 2: 2 live migration(s) ---
echo "stage 2"
# move db-1: h4 -> h1 (hybrid; the plan chose post-copy: needs live_migration_permit_post_copy = true)
step openstack --os-compute-api-version 2.30 server migrate --live-migration --host 'h1' 'db-1'
# move batch-1: h3 -> h1 (postcopy; the plan chose post-copy: needs live_migration_permit_post_copy = true)
step openstack --os-compute-api-version 2.30 server migrate --live-migration --host 'h1' 'batch-1'
wait_for_host 'db-1' 'h1'
wait_for_host 'batch-1' 'h1'
end_stage

echo "done: 4 live migration(s) in 2 stage(s)"

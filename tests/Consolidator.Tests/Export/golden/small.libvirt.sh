#!/usr/bin/env bash
# Consolidation plan small/plan.json for libvirt (virsh): 4 live migration(s) in 2 stage(s).
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

# --- stage 1: 2 live migration(s) ---
echo "stage 1"
# move web-1: h1 -> h2 (precopy)
step virsh -c 'qemu+ssh://h1/system' migrate-setmaxdowntime 'web-1' --downtime 295
step_bg virsh -c 'qemu+ssh://h1/system' migrate --live --persistent --undefinesource --timeout 600 --timeout-suspend 'web-1' 'qemu+ssh://h2/system'
# relay db-1: h3 -> h4 (precopy)
step virsh -c 'qemu+ssh://h3/system' migrate-setmaxdowntime 'db-1' --downtime 295
step_bg virsh -c 'qemu+ssh://h3/system' migrate --live --persistent --undefinesource 'db-1' 'qemu+ssh://h4/system'
# new-1 runs nowhere yet: define and start it on h2 (not a migration)
step virsh -c 'qemu+ssh://h2/system' start 'new-1'
end_stage

# --- stage 2: 2 live migration(s) ---
echo "stage 2"
# move db-1: h4 -> h1 (hybrid)
step virsh -c 'qemu+ssh://h4/system' migrate-setmaxdowntime 'db-1' --downtime 264
step_bg virsh -c 'qemu+ssh://h4/system' migrate --live --persistent --undefinesource --postcopy --postcopy-after-precopy 'db-1' 'qemu+ssh://h1/system'
# move batch-1: h3 -> h1 (postcopy)
step virsh -c 'qemu+ssh://h3/system' migrate-setmaxdowntime 'batch-1' --downtime 295
step_bg virsh -c 'qemu+ssh://h3/system' migrate --live --persistent --undefinesource --postcopy --postcopy-after-precopy 'batch-1' 'qemu+ssh://h1/system'
end_stage

echo "done: 4 live migration(s) in 2 stage(s)"

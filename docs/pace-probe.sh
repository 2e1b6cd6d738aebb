#!/usr/bin/env bash
# What the pace (Deadline.Pace: one thread's run plus wait for a processor over run) reads against work spread over
# several threads, under busy loops placed as docs/overrun-load.sh places them. A C program spins a fixed amount of
# processor work (WORK seconds) on K threads and prints its wall clock against an idle machine's (WORK / min(K, 2) on
# 2 cores); K = 1 is what the pace reads. Run with no loops, with LOOPS loops in this script's own session (the
# command's scheduling group under Linux's autogroup, as docs/overrun-load.sh did until 2026-12-07) and with each loop
# in a session of its own (as another user's or service's jobs), ROUNDS times each. Needs gcc.
# Usage: bash docs/pace-probe.sh [LOOPS [ROUNDS [WORK]]]   e.g. bash docs/pace-probe.sh 6 2 0.2
set -euo pipefail
loops=${1:-6} rounds=${2:-2} work_s=${3:-0.2}
work=$(mktemp -d)
busy=
stop() {
  [ -z "$busy" ] || { kill -- -"$busy" 2> /dev/null; wait "$busy" 2> /dev/null; } || true
  sleep 0.2
  if [ -f "$work/loops" ]; then while read -r pid; do kill -- -"$pid" 2> /dev/null || true; done < "$work/loops"; rm -f "$work/loops"; fi
  busy=
}
trap 'stop; rm -rf "$work"' EXIT
cat > "$work/par.c" <<'C'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static double each;
static void *spin(void *a) { double end = now(CLOCK_THREAD_CPUTIME_ID) + each; while (now(CLOCK_THREAD_CPUTIME_ID) < end) {} return a; }
int main(int argc, char **argv) {
  double w = atof(argv[1]); int k = atoi(argv[2]); pthread_t t[64]; each = w / k;
  double t0 = now(CLOCK_MONOTONIC);
  for (int i = 0; i < k; i++) pthread_create(&t[i], 0, spin, 0);
  for (int i = 0; i < k; i++) pthread_join(t[i], 0);
  printf("%.1f", (now(CLOCK_MONOTONIC) - t0) / (w / (k < 2 ? k : 2)));
  return 0;
}
C
gcc -O2 -pthread -o "$work/par" "$work/par.c"
set -m
echo "| loops | where | round | slowdown, 1 thread (what the pace reads) | 2 threads | 4 threads | load |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
for where in none command own; do
  n=$loops; [ "$where" = none ] && n=0
  if [ "$where" = command ]; then ( for _ in $(seq "$n"); do ( while :; do :; done ) & done; wait ) & busy=$!
  elif [ "$where" = own ]; then
    for _ in $(seq "$n"); do setsid bash -c 'echo $$ >> "$0"; while [ $SECONDS -lt 300 ]; do :; done' "$work/loops" & done
  fi
  sleep 2
  for round in $(seq "$rounds"); do
    echo "| $n | $where | $round | $("$work/par" "$work_s" 1) | $("$work/par" "$work_s" 2) | $("$work/par" "$work_s" 4) | $(cut -d' ' -f1 /proc/loadavg) |"
  done
  stop
done

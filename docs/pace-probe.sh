#!/usr/bin/env bash
# What the pace (Deadline.Pace: one thread's run plus wait for a processor over run) reads against work spread over
# several threads, under busy loops placed as docs/overrun-load.sh places them. A C program spins a fixed amount of
# processor work (WORK seconds) on K threads and prints its wall clock against an idle machine's (WORK / min(K, 2) on
# 2 cores); K = 1 is what the pace reads. Run with no loops, with LOOPS loops in this script's own session (the
# command's scheduling group under Linux's autogroup, as docs/overrun-load.sh did until 2026-12-07) and with each loop
# in a session of its own (as another user's or service's jobs), ROUNDS times each. Needs gcc.
# A second table is what Deadline.SharesGroup reads while the solver's threads work: a command thread that sleeps
# (waking every 50 ms for 1 ms of work) beside two busy threads for 3 s, then that thread busy alone for 2 s. It prints
# the process's wall clock over its processor time (per process), each busy thread's run plus wait over run (per
# thread), the sleeping thread's own, and then the lone thread's (what the phases after the solve meet).
# PROBE_QUOTA="CORES ..." adds a third table: the second table's program, no loops, run in a cpu cgroup of its own with
# a CFS bandwidth quota of CORES processors (cgroup v1, /sys/fs/cgroup/cpu, a 100 ms period; needs root), with the
# cgroup's cpu.stat after it: whether a thread's wait for a processor (schedstat's second field, the pace's reading)
# counts the time the quota held it throttled. With PROBE_QUOTA set and LOOPS 0 only that table is printed.
# Usage: bash docs/pace-probe.sh [LOOPS [ROUNDS [WORK]]]   e.g. bash docs/pace-probe.sh 6 2 0.2
#        PROBE_QUOTA="0.5 1" bash docs/pace-probe.sh 0 2
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
cat > "$work/sleeper.c" <<'C'
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
static double now(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static void stat_of(pid_t tid, double *run, double *wait) {
  char p[64]; long long a = 0, b = 0; snprintf(p, sizeof p, "/proc/self/task/%d/schedstat", tid);
  FILE *f = fopen(p, "r"); if (f) { if (fscanf(f, "%lld %lld", &a, &b) != 2) a = b = 0; fclose(f); }
  *run = a * 1e-9; *wait = b * 1e-9;
}
static volatile int stop;
static double ran[2], waited[2];
static void *spin(void *a) {
  long i = (long)a; pid_t t = syscall(SYS_gettid); double r0, w0, r1, w1; stat_of(t, &r0, &w0);
  while (!stop) {}
  stat_of(t, &r1, &w1); ran[i] = r1 - r0; waited[i] = w1 - w0; return 0;
}
static void work(double s) { double e = now(CLOCK_THREAD_CPUTIME_ID) + s; while (now(CLOCK_THREAD_CPUTIME_ID) < e) {} }
int main(void) {
  pid_t me = syscall(SYS_gettid); pthread_t th[2]; double r0, w0, r1, w1, a0, b0, a1, b1;
  double c0 = now(CLOCK_PROCESS_CPUTIME_ID), t0 = now(CLOCK_MONOTONIC);
  for (long i = 0; i < 2; i++) pthread_create(&th[i], 0, spin, (void *)i);
  stat_of(me, &r0, &w0);
  while (now(CLOCK_MONOTONIC) - t0 < 3) { work(0.001); usleep(50000); }
  stat_of(me, &r1, &w1);
  double wall = now(CLOCK_MONOTONIC) - t0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
  stop = 1; for (int i = 0; i < 2; i++) pthread_join(th[i], 0);
  stat_of(me, &a0, &b0); double t1 = now(CLOCK_MONOTONIC);
  while (now(CLOCK_MONOTONIC) - t1 < 2) {}
  stat_of(me, &a1, &b1);
  printf("%.1f | %.1f | %.1f | %.1f", (a1 - a0 + b1 - b0) / (a1 - a0), wall / cpu,
    (ran[0] + ran[1] + waited[0] + waited[1]) / (ran[0] + ran[1]), (r1 - r0 + w1 - w0) / (r1 - r0));
  return 0;
}
C
gcc -O2 -pthread -o "$work/sleeper" "$work/sleeper.c"
if [ -n "${PROBE_QUOTA:-}" ]; then
  [ -w /sys/fs/cgroup/cpu ] || { echo "PROBE_QUOTA needs root and the cgroup v1 cpu controller at /sys/fs/cgroup/cpu" >&2; exit 2; }
  echo "| quota cores | round | one thread alone: run plus wait over run | per process, 2 busy threads | per thread | the sleeping command thread | periods | throttled | throttled s | load |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for quota in $PROBE_QUOTA; do
    for round in $(seq "$rounds"); do
      group=/sys/fs/cgroup/cpu/pace-probe-$$
      mkdir "$group"
      echo 100000 > "$group/cpu.cfs_period_us"
      awk -v c="$quota" 'BEGIN { printf "%d\n", c * 100000 }' > "$group/cpu.cfs_quota_us"
      row=$(bash -c 'echo $$ > "$0/cgroup.procs"; exec "$1"' "$group" "$work/sleeper")
      stat=$(awk '{ v[$1] = $2 } END { printf "%d | %d | %.2f", v["nr_periods"], v["nr_throttled"], v["throttled_time"] / 1e9 }' "$group/cpu.stat")
      rmdir "$group"
      echo "| $quota | $round | $row | $stat | $(cut -d' ' -f1 /proc/loadavg) |"
    done
  done
  [ "$loops" -gt 0 ] || exit 0
  echo
fi
set -m
echo "| loops | where | round | slowdown, 1 thread (what the pace reads) | 2 threads | 4 threads | load |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
sleepers=()
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
  for round in $(seq "$rounds"); do sleepers+=("| $n | $where | $round | $("$work/sleeper") | $(cut -d' ' -f1 /proc/loadavg) |"); done
  stop
done
echo
echo "| loops | where | round | one thread alone (what the phases after the solve meet) | per process, 2 busy threads | per thread | the sleeping command thread | load |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${sleepers[@]}"

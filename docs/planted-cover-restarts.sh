#!/usr/bin/env bash
# Issue 17's flat-mem K = 20 exact cover (docs/planted-cover.sh's sets: every set of at most 8 VMs that fills a host
# exactly) searched with randomization and restarts, to test whether the search time is heavy-tailed (Gomes, Selman &
# Kautz 1998, "Boosting combinatorial search through randomization"): if it is, randomized tie-breaking with restarts
# on a Luby cutoff (Luby, Sinclair & Zuckerman 1993: UNIT x 1 1 2 1 1 2 4 ...) finds a cover far sooner than one run.
# Dancing links (Knuth 2000); the VM with fewest sets first, ties broken at random; the VM's sets in a random order,
# and with ORDER lc then stably sorted least constraining first (the largest fewest-sets count left once the set is
# chosen, then the most sets left; a set that leaves a VM with no set is skipped); ORDER lcmin sorts on the first key
# only, so more sets tie and the random order decides more (Gomes et al.'s "heuristic equivalence"); ORDER random keeps
# the random order. UNIT 0 is one run without restarts.
# The runs of a row draw in turn from one xorshift generator seeded with RNG; a row stops at MAX_NODES nodes summed
# over its runs. C (gcc -O2), single thread, CPU seconds (clock()) for the search alone, so the rows depend on the
# machine and the load: said beside them.
# Usage: bash docs/planted-cover-restarts.sh MAX_NODES "GENERATOR OPTIONS" "ORDER:UNIT..." "RNG..." SEED...
#   e.g. bash docs/planted-cover-restarts.sh 700000 "--shape flat-mem --decimals 2 --host 40x384" \
#          "lc:0 lc:100000 random:0 random:1000" "1 2" 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 5 ] || { echo 'usage: bash docs/planted-cover-restarts.sh MAX_NODES "GENERATOR OPTIONS" "ORDER:UNIT..." "RNG..." SEED...' >&2; exit 2; }
cap=$1 options=$2 variants=$3 rngs=$4; shift 4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/sets"
cat > "$work/restarts.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
typedef unsigned long long u64;
static int n, m; static int (*sets)[9];
static int *L, *R, *U, *D, *Col, *len, *Row; static long nodes, cutoff; static int depth;
static u64 rng; static int lc;
static u64 Next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
static void Cover(int c) { L[R[c]] = L[c]; R[L[c]] = R[c]; for (int i = D[c]; i != c; i = D[i]) for (int j = R[i]; j != i; j = R[j]) { U[D[j]] = U[j]; D[U[j]] = D[j]; len[Col[j]]--; } }
static void Uncover(int c) { for (int i = U[c]; i != c; i = U[i]) for (int j = L[i]; j != i; j = L[j]) { len[Col[j]]++; U[D[j]] = j; D[U[j]] = j; } L[R[c]] = c; R[L[c]] = c; }
static int Search(void) {
  nodes++; if (R[n] == n) return 1; if (nodes > cutoff) return 0;
  int c = -1, best = 1 << 30, ties = 0;
  for (int j = R[n]; j != n; j = R[j]) { if (len[j] < best) { best = len[j]; c = j; ties = 1; } else if (len[j] == best && Next() % ++ties == 0) c = j; }
  if (best == 0) return 0;
  Cover(c);
  int rows[best]; int k = 0;
  for (int r = D[c]; r != c; r = D[r]) rows[k++] = r;
  for (int a = k - 1; a > 0; a--) { int b = Next() % (a + 1), t = rows[a]; rows[a] = rows[b]; rows[b] = t; }
  long score[best];
  if (lc) { /* least constraining first: the largest fewest-sets count left after choosing the row, then the most sets left; ties random (shuffled above, stable sort) */
    for (int q = 0; q < k; q++) { int r = rows[q];
      for (int j = R[r]; j != r; j = R[j]) Cover(Col[j]);
      int mn = 1 << 30; long tot = 0; for (int j = R[n]; j != n; j = R[j]) { if (len[j] < mn) mn = len[j]; tot += len[j]; }
      if (R[n] == n) mn = 1 << 20;
      score[q] = -((long)mn << 32) - (lc == 2 ? 0 : tot);
      for (int j = L[r]; j != r; j = L[j]) Uncover(Col[j]); }
    for (int a = 1; a < k; a++) { int r = rows[a]; long sc = score[a]; int b = a - 1; while (b >= 0 && score[b] > sc) { rows[b+1] = rows[b]; score[b+1] = score[b]; b--; } rows[b+1] = r; score[b+1] = sc; }
  }
  for (int q = 0; q < k; q++) { int r = rows[q];
    if (lc && score[q] > -((long)1 << 32)) break; /* leaves a VM with no set */
    depth++; for (int j = R[r]; j != r; j = R[j]) Cover(Col[j]);
    if (Search()) return 1;
    for (int j = L[r]; j != r; j = L[j]) Uncover(Col[j]);
    depth--;
    if (nodes > cutoff) break;
  }
  Uncover(c); return 0;
}
static long Luby(long i) { /* Luby, Sinclair & Zuckerman 1993: 1 1 2 1 1 2 4 ... (i from 1) */
  for (long k = 1;; k++) { if (i == (1L << k) - 1) return 1L << (k - 1); if (i < (1L << k) - 1) return Luby(i - (1L << (k - 1)) + 1); } }
int main(int argc, char **argv) {
  /* SETS-FILE UNIT(0: one run, no restarts) RNG MAX_NODES ORDER(0 random, 1 lc, 2 lcmin) */
  long unit = atol(argv[2]); rng = 0x9E3779B97F4A7C15ULL * (u64)(atol(argv[3]) + 1); long maxTotal = atol(argv[4]); lc = argc > 5 ? atoi(argv[5]) : 0;
  FILE *f = fopen(argv[1], "r"); if (fscanf(f, "%d %d", &n, &m) != 2) return 2; sets = malloc(sizeof *sets * m);
  for (int s = 0; s < m; s++) { if (fscanf(f, "%d", &sets[s][0]) != 1) return 2; for (int k = 1; k <= sets[s][0]; k++) if (fscanf(f, "%d", &sets[s][k]) != 1) return 2; }
  long cells = n + 1 + 8L * m; L = malloc(4 * cells); R = malloc(4 * cells); U = malloc(4 * cells); D = malloc(4 * cells); Col = malloc(4 * cells); Row = malloc(4 * cells); len = calloc(n + 1, 4);
  for (int i = 0; i <= n; i++) { L[i] = i - 1; R[i] = i + 1; U[i] = D[i] = Col[i] = i; } L[0] = n; R[n] = 0; L[n] = n - 1;
  long next = n + 1;
  for (int s = 0; s < m; s++) { long first = -1; for (int k = 1; k <= sets[s][0]; k++) { int it = sets[s][k]; long x = next++; Col[x] = it; Row[x] = s; U[x] = U[it]; D[x] = it; D[U[it]] = x; U[it] = x; len[it]++; if (first < 0) { first = x; L[x] = R[x] = x; } else { L[x] = L[first]; R[x] = first; R[L[first]] = x; L[first] = x; } } }
  clock_t t0 = clock(); long total = 0, runs = 0; int found = 0;
  while (!found && total < maxTotal) {
    runs++; long budget = unit ? unit * Luby(runs) : maxTotal - total; if (budget > maxTotal - total) budget = maxTotal - total;
    nodes = 0; cutoff = budget; depth = 0; found = Search(); total += nodes;
    /* a run stopped at its cutoff has uncovered everything on the way back up */
  }
  printf("%s %d %ld %ld %.2f\n", found ? "found" : "none", found ? depth : 0, runs, total, (double)(clock() - t0) / CLOCKS_PER_SEC);
  return 0;
}
C
gcc -O2 -Wall -Werror -o "$work/restarts" "$work/restarts.c"
echo "Enumeration (docs/planted-cover.sh, no cover search):"
SETS_DIR="$work/sets" bash docs/planted-cover.sh 0 "$options" "$@"
echo
echo "| seed | set order | Luby unit | rng | cover | hosts | runs | X nodes (all runs) | X CPU s | load (start -> end) |"
echo "| ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |"
for seed in "$@"; do
  for variant in $variants; do
    order=${variant%%:*} unit=${variant#*:}
    for rng in $rngs; do
      start=$(cut -d' ' -f1 /proc/loadavg)
      read -r found hosts runs nodes seconds < <("$work/restarts" "$work/sets/sets-$seed.txt" "$unit" "$rng" "$cap" "$(case $order in lc) echo 1 ;; lcmin) echo 2 ;; *) echo 0 ;; esac)")
      end=$(cut -d' ' -f1 /proc/loadavg)
      echo "| $seed | $order | $([ "$unit" = 0 ] && echo "none (one run)" || echo "$unit") | $rng | $found | $hosts | $runs | $nodes | $seconds | $start -> $end |"
    done
  done
done

#!/usr/bin/env bash
# Issue 17's flat-mem K = 20 exact cover (docs/planted-cover.sh's sets: every set of at most 8 VMs that fills a host
# exactly in CPU and memory) searched with two additions to Algorithm X, to see whether either brings a cover within
# the 30 s limit on every seed:
# - a counting bound: every set fills a host exactly, so a cover of the R VMs left uses exactly h sets (h hosts left);
#   h must lie between the sum over those VMs of 1 / (the largest set left to the VM) and of 1 / (the smallest), else
#   the node fails (BOUND 1);
# - a size prior (ORDER prior): chance exact sets grow with the number of VMs in them (6 : 7 : 8 VMs about 1 : 20 :
#   100 here), so a small exact set is likelier to be a planted one. A set's weight is the expected number of sets of
#   its size in a cover of R VMs by h sets (every composition of the sizes present equally likely) over the sets of
#   that size still alive; the VM branched on is the one with the fewest effective sets (its sets' weights over its
#   largest), its sets tried heaviest first. ORDER fewest: the VM in fewest sets, its sets as listed (Knuth's rule).
# EPS > 0 multiplies each VM's score by (1 + EPS x U) and adds EPS x U to each set's -log weight (U uniform in 0..1),
# for restarts every UNIT x Luby(i) nodes (UNIT 0: one run). The search keeps, per node, the list of sets disjoint from
# those chosen (bitsets of 4 x 64 VMs), not dancing links. A cover found is checked (every VM in exactly one set).
# C (gcc -O2), single thread, CPU seconds (clock()) of the search alone (the enumeration's are in the first table),
# so the rows depend on the machine and the load: said beside them.
# Usage: bash docs/planted-cover-prior.sh MAX_NODES "GENERATOR OPTIONS" "ORDER:BOUND:UNIT:EPS[:RNG]..." SEED...
# (RNG, default 1, seeds the xorshift generator of the randomization.)
#   e.g. bash docs/planted-cover-prior.sh 2000000 "--shape flat-mem --decimals 2 --host 40x384" \
#          "fewest:0:0:0 fewest:1:0:0 prior:1:0:0 prior:1:100:1" 1 2 3 4
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 4 ] || { echo 'usage: bash docs/planted-cover-prior.sh MAX_NODES "GENERATOR OPTIONS" "ORDER:BOUND:UNIT:EPS..." SEED...' >&2; exit 2; }
cap=$1 options=$2 variants=$3; shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/sets"
cat > "$work/prior.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>
typedef unsigned long long u64;
#define W 4 /* up to 256 VMs */
typedef struct { u64 b[W]; int size; } Set;
static int n, m, hosts, present[65]; static Set *S; static int *pool; static long top;
static long nodes, runNodes, cutoff, maxNodes, boundCuts, emptyCuts; static int chosen[256], prior, bound; static double eps;
static u64 rng;
static double Uniform(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return (rng >> 11) * (1.0 / 9007199254740992.0); }
static int Disjoint(const Set *a, const u64 *b) { for (int k = 0; k < W; k++) if (a->b[k] & b[k]) return 0; return 1; }
#define EACH(mask, v) for (int k_ = 0; k_ < W; k_++) for (u64 x_ = (mask)[k_]; x_; x_ &= x_ - 1) for (int v = k_ * 64 + __builtin_ctzll(x_), o_ = 1; o_; o_ = 0)
/* E[number of sets of each size] in a cover of R VMs by h sets, every composition of sizes present equally likely */
static double memo[64][512][65]; static char done[64][512];
static const double *Expected(int h, int R) {
  if (!done[h][R]) {
    static double ways[66][64][512]; int sz[65], ns = 0; for (int s = 1; s <= 64; s++) if (present[s]) sz[ns++] = s;
    double total = 0;
    for (int skip = -1; skip < ns; skip++) {
      int layer = 0; for (int j = 0; j <= h; j++) for (int r = 0; r <= R; r++) ways[0][j][r] = j == 0 && r == 0;
      for (int q = 0; q < ns; q++) { if (q == skip) continue; int s = sz[q];
        for (int j = 0; j <= h; j++) for (int r = 0; r <= R; r++) { double w = 0; for (int c = 0; c <= j && c * s <= r; c++) w += ways[layer][j - c][r - c * s]; ways[layer + 1][j][r] = w; }
        layer++; }
      if (skip < 0) total = ways[layer][h][R];
      else { int s = sz[skip]; double acc = 0; for (int c = 1; c <= h && c * s <= R; c++) acc += c * ways[layer][h - c][R - c * s]; memo[h][R][s] = total > 0 ? acc / total : 0; }
    }
    done[h][R] = 1;
  }
  return memo[h][R];
}
static long keyOf[1 << 20];
static int ByKey(const void *a, const void *b) { long x = keyOf[*(const int *)a], y = keyOf[*(const int *)b]; return x < y ? -1 : x > y; }
static int Search(int *alive, int na, const u64 *rem, int h, int depth) {
  nodes++; runNodes++;
  int R = 0; for (int k = 0; k < W; k++) R += __builtin_popcountll(rem[k]);
  if (R == 0) return 1;
  if (runNodes > cutoff || nodes > maxNodes) return 0;
  /* weight of a set: expected sets of its size in a cover over sets of that size alive (prior), else 1 */
  double weight[65] = {0};
  if (prior) { long count[65] = {0}; for (int i = 0; i < na; i++) count[S[alive[i]].size]++;
    const double *e = Expected(h, R); for (int s = 1; s <= 64; s++) weight[s] = count[s] ? e[s] / count[s] : 0; }
  else for (int s = 1; s <= 64; s++) weight[s] = 1;
  static int cnt[256], lo[256], hi[256]; static double mass[256], top1[256];
  EACH(rem, v) { cnt[v] = 0; lo[v] = 99; hi[v] = 0; mass[v] = top1[v] = 0; }
  for (int i = 0; i < na; i++) { const Set *s = &S[alive[i]]; double w = weight[s->size];
    EACH(s->b, v) { cnt[v]++; if (s->size < lo[v]) lo[v] = s->size; if (s->size > hi[v]) hi[v] = s->size; mass[v] += w; if (w > top1[v]) top1[v] = w; } }
  int best = -1; double bestScore = 1e300, least = 0, most = 0;
  EACH(rem, v) {
    if (cnt[v] == 0) { emptyCuts++; return 0; }
    least += 1.0 / hi[v]; most += 1.0 / lo[v];
    double score = (prior ? mass[v] / top1[v] : cnt[v]) * (1 + eps * Uniform());
    if (score < bestScore) { bestScore = score; best = v; } }
  /* every set fills a host exactly, so a cover of the R VMs left has exactly h sets: h lies between the sum over VMs
     of 1 / (largest set size left to it) and of 1 / (smallest) */
  if (bound && (least > h + 1e-9 || most < h - 1e-9)) { boundCuts++; return 0; }
  int *cand = pool + top, nc = 0;
  for (int i = 0; i < na; i++) if (S[alive[i]].b[best >> 6] >> (best & 63) & 1) cand[nc++] = alive[i];
  top += nc;
  if (prior) { for (int c = 0; c < nc; c++) keyOf[cand[c]] = (long)((-log(weight[S[cand[c]].size]) + eps * Uniform()) * 1e6); qsort(cand, nc, sizeof(int), ByKey); }
  int found = 0;
  for (int c = 0; c < nc && !found && runNodes <= cutoff && nodes <= maxNodes; c++) {
    const Set *s = &S[cand[c]]; u64 left[W]; for (int k = 0; k < W; k++) left[k] = rem[k] & ~s->b[k];
    int *child = pool + top, nn = 0; for (int i = 0; i < na; i++) if (Disjoint(&S[alive[i]], s->b)) child[nn++] = alive[i];
    top += nn; chosen[depth] = cand[c];
    found = Search(child, nn, left, h - 1, depth + 1);
    top -= nn;
  }
  top -= nc;
  return found;
}
static long Luby(long i) { for (long k = 1;; k++) { if (i == (1L << k) - 1) return 1L << (k - 1); if (i < (1L << k) - 1) return Luby(i - (1L << (k - 1)) + 1); } }
int main(int argc, char **argv) {
  /* SETS-FILE HOSTS MAX_NODES ORDER(0 fewest sets, 1 prior) BOUND(0/1) UNIT(0: one run) EPS RNG */
  hosts = atoi(argv[2]); maxNodes = atol(argv[3]); prior = atoi(argv[4]); bound = atoi(argv[5]); long unit = atol(argv[6]);
  eps = atof(argv[7]); rng = 0x9E3779B97F4A7C15ULL * (u64)(atol(argv[8]) + 1);
  FILE *f = fopen(argv[1], "r"); if (!f || fscanf(f, "%d %d", &n, &m) != 2 || n > 64 * W || m >= 1 << 20) return 2;
  S = calloc(m, sizeof(Set));
  for (int i = 0; i < m; i++) { if (fscanf(f, "%d", &S[i].size) != 1) return 2; present[S[i].size] = 1;
    for (int k = 0; k < S[i].size; k++) { int v; if (fscanf(f, "%d", &v) != 1) return 2; S[i].b[v >> 6] |= 1ULL << (v & 63); } }
  fclose(f);
  pool = malloc(sizeof(int) * 64L * 1024 * 1024);
  for (int i = 0; i < m; i++) pool[i] = i;
  top = m;
  u64 all[W] = {0}; for (int v = 0; v < n; v++) all[v >> 6] |= 1ULL << (v & 63);
  clock_t t0 = clock(); long runs = 0; int found = 0;
  while (!found && nodes < maxNodes) { runs++; cutoff = unit ? unit * Luby(runs) : maxNodes; runNodes = 0; found = Search(pool, m, all, hosts, 0); if (!unit) break; }
  double seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
  if (found) { /* check: the chosen sets cover every VM exactly once */
    int seen[256] = {0}; for (int d = 0; d < hosts; d++) EACH(S[chosen[d]].b, v) seen[v]++;
    for (int v = 0; v < n; v++) if (seen[v] != 1) { fprintf(stderr, "not a cover\n"); return 3; } }
  printf("%s %ld %ld %ld %ld %.2f\n", found ? "found" : "none", runs, nodes, emptyCuts, boundCuts, seconds);
  return 0;
}
C
gcc -O2 -Wall -Werror -o "$work/prior" "$work/prior.c" -lm
echo "Enumeration (docs/planted-cover.sh, no cover search):"
SETS_DIR="$work/sets" bash docs/planted-cover.sh 0 "$options" "$@"
echo
echo "| seed | VM order | bound | Luby unit | eps | rng | cover | runs | nodes (all runs) | empty-VM cuts | bound cuts | CPU s | load (start -> end) |"
echo "| ---: | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |"
for seed in "$@"; do
  for variant in $variants; do
    IFS=: read -r order bound unit eps rng <<< "$variant"
    rng=${rng:-1}
    start=$(cut -d' ' -f1 /proc/loadavg)
    read -r found runs nodes empty cuts seconds < <("$work/prior" "$work/sets/sets-$seed.txt" 20 "$cap" "$([ "$order" = prior ] && echo 1 || echo 0)" "$bound" "$unit" "$eps" "$rng")
    end=$(cut -d' ' -f1 /proc/loadavg)
    echo "| $seed | $order | $([ "$bound" = 1 ] && echo on || echo off) | $([ "$unit" = 0 ] && echo "none (one run)" || echo "$unit") | $eps | $rng | $found | $runs | $nodes | $empty | $cuts | $seconds | $start -> $end |"
  done
done

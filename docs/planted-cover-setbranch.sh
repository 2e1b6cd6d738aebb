#!/usr/bin/env bash
# Issue 17's flat-mem K = 20 cover, branching on the set rather than the VM (docs/solver.md, "Issue 17's last point",
# left point 1): the prior search (src/Consolidator/Solving/FullHosts/CoverSearch.cs) picks a VM and tries its sets,
# and its misses are at VMs whose chance 6-VM set it bets on first; here each node picks one live set, includes it,
# and on failure excludes it and decides again at the same node (an exclusion is one cheap branch, and the next set
# may be any VM's). Over docs/planted-cover.sh's sets (every exact set of at most 8 VMs), in C, one thread:
# - the set: `pick=small` the size prior's heaviest class first (the smallest sets), among them the set whose
#   scarcest VM has the fewest effective sets (the prior's VM score: a VM's prior mass over its heaviest set) times
#   1 + U; `pick=vm` that scarcity over the set's prior weight times 1 + U (the prior and the scarcity traded);
# - a VM left with one live set forces it (`force=0` turns that off); a VM with none, or CoverSearch's counting bound
#   (a cover of the VMs left by the hosts left needs h between the sums of 1 / the largest and 1 / the smallest set
#   each VM still has), ends the node;
# - Luby restarts of UNIT x Luby(i) nodes (`unit=1000` as CoverSearch; `unit=0` one run), the size prior recomputed
#   at every node as CoverSearch does (the expected count of each size over the compositions of the VMs left).
# Operations counted as docs/planted-cover-guided.sh counts them (a node 1, each live set read 1, each VM scored 1),
# so a row does not depend on the load; CPU seconds are the process's and do: said beside them.
# With SETS_DIR set, sets already there are reused, others written there.
# Usage: bash docs/planted-cover-setbranch.sh MAX_OPS "GENERATOR OPTIONS" "VARIANT..." "STREAM..." SEED...
#   e.g. bash docs/planted-cover-setbranch.sh 2000000000 "--shape flat-mem --decimals 2 --host 40x384" \
#          "pick=small pick=vm" "1 2" 2 5 6 14 1 3 4 7 8
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 5 ] || { echo 'usage: bash docs/planted-cover-setbranch.sh MAX_OPS "GENERATOR OPTIONS" "VARIANT..." "STREAM..." SEED...' >&2; exit 2; }
cap=$1 options=$2 variants=$3 streams=$4; shift 4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sets=${SETS_DIR:-$work/sets}
mkdir -p "$sets"
cat > "$work/setbranch.c" <<'C'
// Exact cover by branching on a set (include it, else exclude it), smallest live set first (the size prior's heaviest),
// ties by the set whose scarcest VM has the fewest effective sets (the prior's VM score) times 1 + U; a VM left with a
// single live set forces it; a VM with none or a failing counting bound ends the node. Luby restarts of UNIT nodes.
// Operations counted as docs/planted-cover-guided.sh counts them (a node 1, a live set read 1, a VM scored 1).
// usage: sb SETS VMS MAXOPS STREAM [unit=N] [pick=small|vm] [force=0|1]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
typedef unsigned long long u64;
#define W 4
static int nsets, nvms, hosts, *mem, *start, *sz, *group, gsize[512], *planted, sizes[16], nsizes, maxsize, stride, countPerSize[65];
static u64 *bits; static long long lcmv, unitv[65];
static double **ways, *expmemo; static char *expdone;
static long long ops, nodes, maxOps, runNodes, cutoff, unit = 1000; static int runs, pickVm = 0, force = 1, chosen[256], nchosen;
static u64 rngs;
static u64 nextu(void) { u64 z = (rngs += 0x9E3779B97F4A7C15ULL); z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL; z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL; return z ^ (z >> 31); }
static double U(void) { return (nextu() >> 11) * (1.0 / 9007199254740992.0); }
static double Expected(int h, int R, int s) {
  int at = h * (nvms + 1) + R;
  if (!expdone[at]) {
    double total = ways[0][at];
    for (int q = 0; q < nsizes; q++) { int S = sizes[q]; double acc = 0; double *o = ways[q + 1];
      for (int c = 1; c <= h && c * S <= R; c++) acc += c * o[(h - c) * (nvms + 1) + R - c * S];
      expmemo[at * 65 + S] = total > 0 ? acc / total : 0; }
    expdone[at] = 1;
  }
  return expmemo[at * 65 + s];
}
static void BuildWays(void) {
  ways = malloc(sizeof(double *) * (nsizes + 1));
  for (int skipq = -1; skipq < nsizes; skipq++) {
    double *w = calloc((size_t)(hosts + 1) * (nvms + 1), sizeof(double)); w[0] = 1;
    for (int q = 0; q < nsizes; q++) { if (q == skipq) continue; int s = sizes[q];
      for (int j = 1; j <= hosts; j++) for (int r = s; r <= nvms; r++) w[j * (nvms + 1) + r] += w[(j - 1) * (nvms + 1) + r - s]; }
    ways[skipq + 1] = w;
  }
  expmemo = calloc((size_t)(hosts + 1) * (nvms + 1) * 65, sizeof(double)); expdone = calloc((size_t)(hosts + 1) * (nvms + 1), 1);
}
static int *pool; static long long top0, poolCap;
static void Reserve(long long more) { if (top0 + more <= poolCap) return; long long n = 2 * (top0 + more); pool = realloc(pool, n * sizeof(int)); poolCap = n; }
static int cnt[256][65]; // per VM, live sets by size (recomputed at each node)
// returns 1 when a cover is found (chosen[0..nchosen-1])
static int Node(long long alive, int na, const u64 *rm0, int h) {
  u64 rm[W]; memcpy(rm, rm0, sizeof rm);
  int left = 0; for (int k = 0; k < W; k++) left += __builtin_popcountll(rm[k]);
  if (left == 0) return 1;
  long long mine = top0; // this node's own copy of its live list (exclusions shrink it in place)
  Reserve(na); memcpy(pool + mine, pool + alive, sizeof(int) * na); top0 += na; alive = mine;
  int result = 0;
  for (;;) {
    nodes++; runNodes++; ops++;
    if (runNodes > cutoff || ops >= maxOps) break;
    // counts by VM and size, cover bitsets by size
    u64 cv[65][W]; long long os[65]; memset(os, 0, sizeof os);
    for (int q = 0; q < nsizes; q++) memset(cv[sizes[q]], 0, sizeof(u64) * W);
    for (int k = 0; k < W; k++) for (u64 x = rm[k]; x; x &= x - 1) memset(cnt[k * 64 + __builtin_ctzll(x)], 0, sizeof(int) * stride);
    for (int i = 0; i < na; i++) { int s = pool[alive + i], z = sz[s]; os[z]++; for (int k = 0; k < W; k++) cv[z][k] |= bits[(long long)s * W + k]; for (int m = start[s]; m < start[s + 1]; m++) cnt[mem[m]][z]++; }
    ops += na;
    int dead = 0; long long least = 0, most = 0;
    for (int k = 0; k < W && !dead; k++) {
      u64 cov = 0; for (int q = 0; q < nsizes; q++) cov |= cv[sizes[q]][k];
      if (rm[k] & ~cov) dead = 1;
      u64 seen = 0;
      for (int q = 0; q < nsizes; q++) { int s = sizes[q]; most += unitv[s] * __builtin_popcountll(rm[k] & cv[s][k] & ~seen); seen |= cv[s][k]; }
      seen = 0;
      for (int q = nsizes - 1; q >= 0; q--) { int s = sizes[q]; least += unitv[s] * __builtin_popcountll(rm[k] & cv[s][k] & ~seen); seen |= cv[s][k]; }
    }
    if (dead || least > h * lcmv || most < h * lcmv) break;
    double weight[65]; for (int q = 0; q < nsizes; q++) { int s = sizes[q]; weight[s] = os[s] > 0 ? Expected(h, left, s) / os[s] : 0; }
    // each VM's effective sets (mass over its heaviest), and a forced VM
    double eff[256]; int forcedVm = -1;
    for (int k = 0; k < W; k++) for (u64 x = rm[k]; x; x &= x - 1) { int v = k * 64 + __builtin_ctzll(x); int c = 0; double mass = 0, tp = 0;
      for (int q = 0; q < nsizes; q++) { int s = sizes[q]; int n = cnt[v][s]; if (!n) continue; c += n; mass += n * weight[s]; if (weight[s] > tp) tp = weight[s]; }
      eff[v] = tp > 0 ? mass / tp : c; if (c == 1 && forcedVm < 0) forcedVm = v; }
    ops += left;
    int pick = -1, pos = -1;
    if (force && forcedVm >= 0) { for (int i = 0; i < na; i++) { int s = pool[alive + i]; if (bits[(long long)s * W + (forcedVm >> 6)] >> (forcedVm & 63) & 1) { pick = s; pos = i; break; } } }
    else {
      double best = 1e300;
      for (int i = 0; i < na; i++) { int s = pool[alive + i]; double key;
        double scarce = 1e300; for (int m = start[s]; m < start[s + 1]; m++) if (eff[mem[m]] < scarce) scarce = eff[mem[m]];
        if (pickVm) key = scarce * (1 + U()) / weight[sz[s]] ; // prior-weighted scarcity
        else key = -log(weight[sz[s]]) * 1e6 + scarce * (1 + U()); // smallest size class first, then scarcity
        if (key < best) { best = key; pick = s; pos = i; } }
      ops += na;
    }
    // include
    u64 nx[W]; for (int k = 0; k < W; k++) nx[k] = rm[k] & ~bits[(long long)pick * W + k];
    Reserve(na); long long child = top0; int nn = 0; const u64 *c = bits + (long long)pick * W;
    for (int i = 0; i < na; i++) { int s = pool[alive + i]; const u64 *b = bits + (long long)s * W; if ((b[0] & c[0]) | (b[1] & c[1]) | (b[2] & c[2]) | (b[3] & c[3])) continue; pool[child + nn++] = s; }
    ops += na; top0 += nn; chosen[nchosen++] = pick;
    int f = Node(child, nn, nx, h - 1);
    top0 -= nn;
    if (f) { result = 1; break; }
    nchosen--;
    if (force && forcedVm >= 0) break; // the forced set failed: nothing else covers that VM
    // exclude: drop it from this node's list and decide again
    pool[alive + pos] = pool[alive + na - 1]; na--;
  }
  top0 = mine;
  return result;
}
static long long Luby(long long i) { for (int k = 1;; k++) { if (i == (1LL << k) - 1) return 1LL << (k - 1); if (i < (1LL << k) - 1) return Luby(i - (1LL << (k - 1)) + 1); } }
int main(int argc, char **argv) {
  FILE *fs = fopen(argv[1], "r"), *fv = fopen(argv[2], "r");
  maxOps = atoll(argv[3]); rngs = strtoull(argv[4], 0, 10) * 0x9E3779B97F4A7C15ULL + 12345;
  for (int a = 5; a < argc; a++) {
    if (!strncmp(argv[a], "unit=", 5)) unit = atoll(argv[a] + 5);
    else if (!strncmp(argv[a], "pick=", 5)) pickVm = !strcmp(argv[a] + 5, "vm");
    else if (!strncmp(argv[a], "force=", 6)) force = atoi(argv[a] + 6);
  }
  long C, M; if (fscanf(fv, "%d %ld %ld", &nvms, &C, &M) != 3) return 2;
  group = malloc(sizeof(int) * nvms);
  for (int v = 0; v < nvms; v++) { long c, m; if (fscanf(fv, "%ld %ld %d", &c, &m, &group[v]) != 3) return 2; gsize[group[v]]++; }
  for (int g = 0; g < 512; g++) if (gsize[g]) hosts++;
  int n2; if (fscanf(fs, "%d %d", &n2, &nsets) != 2) return 2;
  start = malloc(sizeof(int) * (nsets + 1)); sz = malloc(sizeof(int) * nsets); mem = malloc(sizeof(int) * nsets * 16);
  bits = calloc((size_t)nsets * W, sizeof(u64)); planted = calloc(nsets, sizeof(int));
  start[0] = 0; int present[65] = {0};
  for (int s = 0; s < nsets; s++) {
    int k; if (fscanf(fs, "%d", &k) != 1) return 2; sz[s] = k; int g0 = -1, same = 1;
    for (int i = 0; i < k; i++) { int v; if (fscanf(fs, "%d", &v) != 1) return 2; mem[start[s] + i] = v; bits[(long long)s * W + (v >> 6)] |= 1ULL << (v & 63); if (g0 < 0) g0 = group[v]; else if (group[v] != g0) same = 0; }
    start[s + 1] = start[s] + k; planted[s] = same && gsize[g0] == k; present[k] = 1; countPerSize[k]++;
  }
  for (int s = 1; s <= 64; s++) if (present[s]) sizes[nsizes++] = s;
  maxsize = sizes[nsizes - 1]; stride = maxsize + 1;
  lcmv = 1; for (int q = 0; q < nsizes; q++) { long long a = lcmv, b = sizes[q]; while (b) { long long t = a % b; a = b; b = t; } lcmv = lcmv / a * sizes[q]; }
  for (int q = 0; q < nsizes; q++) unitv[sizes[q]] = lcmv / sizes[q];
  BuildWays();
  poolCap = 8LL * nsets + 16; pool = malloc(poolCap * sizeof(int));
  for (int s = 0; s < nsets; s++) pool[s] = s; top0 = nsets;
  u64 rm[W] = {0}; for (int v = 0; v < nvms; v++) rm[v >> 6] |= 1ULL << (v & 63);
  int found = 0;
  while (!found && ops < maxOps) { runs++; cutoff = unit > 0 ? unit * Luby(runs) : (1LL << 62); runNodes = 0; nchosen = 0; found = Node(0, nsets, rm, hosts); }
  if (found) { int seen[256] = {0}; for (int i = 0; i < nchosen; i++) for (int m = start[chosen[i]]; m < start[chosen[i] + 1]; m++) seen[mem[m]]++;
    for (int v = 0; v < nvms; v++) if (seen[v] != 1) { printf("BAD COVER\n"); return 3; } }
  int pl = 0; for (int i = 0; i < nchosen; i++) pl += planted[chosen[i]];
  printf("%s ops %lld nodes %lld runs %d sets %d planted %d\n", found ? "FOUND" : "none", ops, nodes, runs, nchosen, pl);
  return 0;
}
C
gcc -O2 -o "$work/setbranch" "$work/setbranch.c" -lm
missing=()
for seed in "$@"; do [ -s "$sets/sets-$seed.txt" ] || missing+=("$seed"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Enumeration (docs/planted-cover.sh, no cover search):"
  SETS_DIR="$sets" bash docs/planted-cover.sh 0 "$options" "${missing[@]}"
  echo
fi
echo "| seed | variant | stream | result | CPU s | load (start -> end) |"
echo "| ---: | --- | ---: | --- | ---: | --- |"
for seed in "$@"; do
  for variant in $variants; do
    for stream in $streams; do
      start=$(cut -d' ' -f1 /proc/loadavg)
      result=$(/usr/bin/time -f '%U' -o "$work/time" "$work/setbranch" "$sets/sets-$seed.txt" "$sets/vms-$seed.txt" "$cap" "$stream" ${variant//,/ })
      echo "| $seed | $variant | $stream | $result | $(tail -n 1 "$work/time") | $start -> $(cut -d' ' -f1 /proc/loadavg) |"
    done
  done
done

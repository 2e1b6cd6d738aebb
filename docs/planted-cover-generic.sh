#!/usr/bin/env bash
# Issue 17's flat-mem K = 20 exact cover (docs/planted-cover.sh's sets: every set of at most 8 VMs that fills a host
# exactly in CPU and memory), searched by four methods that use nothing of the generator (unlike the size prior of
# docs/planted-cover-prior.sh), to see whether any finds a cover on every seed within the 30 s limit:
# - LS: local search on the set packing (min-conflicts with tabu and weights on the VMs left uncovered, as WalkSAT /
#   SAPS for SAT and the tabu searches for set partitioning), 300,000 steps, tabu 10;
# - LNS: large-neighbourhood search on the set packing (free the uncovered VMs and some chosen sets, repack them
#   exactly with the sets inside them), 20,000 moves, 2 extra sets freed a move, 2,000 nodes a repacking;
# - dom/wdeg: exact cover search with the VMs that dead ends fall on weighted (Boussemart et al. 2004), restarts every
#   10,000 x Luby(i) nodes keeping the weights, each VM's sets in random order or least constraining first (weighted),
#   2,000,000 nodes;
# - BP: whether belief propagation's marginals rank the planted sets first (what BP-guided decimation needs).
# A cover printed is checked (every VM in exactly one set). C (gcc -O2), single thread, CPU seconds (clock()) of the
# search alone (the enumeration's are in the first table), so the rows depend on the machine and the load: said
# beside them. rng 1 throughout.
# Usage: bash docs/planted-cover-generic.sh "GENERATOR OPTIONS" SEED...   (METHODS=bp: the BP column alone)
#   e.g. bash docs/planted-cover-generic.sh "--shape flat-mem --decimals 2 --host 40x384" 1 2 3 4 5 6
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo 'usage: bash docs/planted-cover-generic.sh "GENERATOR OPTIONS" SEED...' >&2; exit 2; }
options=$1; shift
methods=${METHODS:-all}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/sets"
cat > "$work/common.h" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
typedef unsigned long long u64;
#define W 4 /* up to 256 VMs */
static int n, ns, *sz, (*vm)[8], **through, *nthrough; static u64 (*bits)[W];
static u64 rng = 88172645463325252ULL;
static unsigned R(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return (unsigned)(rng >> 11); }
__attribute__((unused)) static double U(void) { return (R() & 0xffffff) / (double)0x1000000; }
__attribute__((unused)) static int Disjoint(int s, const u64 *b) { for (int k = 0; k < W; k++) if (bits[s][k] & b[k]) return 0; return 1; }
/* The sets file of docs/planted-cover.sh: "VMs sets", then per set its size and its VMs. */
static void Read(const char *path, long seed) {
  rng ^= (u64)seed * 0x9E3779B97F4A7C15ULL; for (int i = 0; i < 10; i++) R();
  FILE *f = fopen(path, "r"); if (!f || fscanf(f, "%d %d", &n, &ns) != 2 || n < 1 || n > 64 * W || ns < 1 || ns > (1 << 24)) exit(2);
  sz = malloc(4 * ns); vm = malloc(sizeof *vm * ns); bits = calloc(ns, sizeof *bits); nthrough = calloc(n, 4); through = malloc(sizeof *through * n);
  for (int s = 0; s < ns; s++) { if (fscanf(f, "%d", &sz[s]) != 1 || sz[s] > 8) exit(2);
    for (int k = 0; k < sz[s]; k++) { if (fscanf(f, "%d", &vm[s][k]) != 1) exit(2); nthrough[vm[s][k]]++; bits[s][vm[s][k] >> 6] |= 1ULL << (vm[s][k] & 63); } }
  fclose(f);
  for (int v = 0; v < n; v++) { through[v] = malloc(4 * (nthrough[v] + 1)); nthrough[v] = 0; }
  for (int s = 0; s < ns; s++) for (int k = 0; k < sz[s]; k++) { int v = vm[s][k]; through[v][nthrough[v]++] = s; }
}
/* Every VM in exactly one chosen set, else exit 3 (a cover printed is a checked cover). */
__attribute__((unused)) static void Check(const int *chosen, int count) {
  int c[256] = {0}; for (int i = 0; i < count; i++) for (int k = 0; k < sz[chosen[i]]; k++) c[vm[chosen[i]][k]]++;
  for (int v = 0; v < n; v++) if (c[v] != 1) { fprintf(stderr, "not a cover\n"); exit(3); }
}
C
cat > "$work/ls.c" <<'C'
/* Local search on the set packing (min-conflicts with tabu and clause-weighting, as WalkSAT/SAPS for SAT and the
   tabu searches for set partitioning): a family of disjoint exact sets; a step takes a random uncovered VM and adds
   the set through it of best weighted gain (the uncovered VMs it covers less the VMs of the chosen sets it overlaps,
   which are dropped), sets dropped in the last TABU steps excluded, ties at random; after each step every uncovered
   VM's weight grows by 1 (so VMs left out long are covered first). Args: SETS MAX_STEPS TABU RNG */
#include "common.h"
int main(int argc, char **argv) {
  if (argc != 5) return 2;
  long maxSteps = atol(argv[2]); int tabu = atoi(argv[3]); Read(argv[1], atol(argv[4]));
  int owner[256], unc[256], pos[256], nu = n, best = n; long w[256];
  int *inSol = calloc(ns, 4); long *tabuUntil = calloc(ns, 8), *ws = calloc(ns, 8); int *cand = malloc(4 * ns);
  for (int v = 0; v < n; v++) { owner[v] = -1; w[v] = 1; unc[v] = v; pos[v] = v; if (!nthrough[v]) { printf("none 0 %d 0.00\n", n); return 0; } }
  clock_t t0 = clock(); long step;
  for (step = 1; step <= maxSteps && nu > 0; step++) {
    int v = unc[R() % nu]; long bg = -(1L << 62); int nc = 0;
    for (int i = 0; i < nthrough[v]; i++) { int s = through[v][i]; if (tabuUntil[s] > step) continue;
      long g = 0; int dropped[8], nd = 0;
      for (int k = 0; k < sz[s]; k++) { int u = vm[s][k]; g += w[u]; int o = owner[u];
        if (o >= 0) { int seen = 0; for (int d = 0; d < nd; d++) seen |= dropped[d] == o; if (!seen) { dropped[nd++] = o; g -= ws[o]; } } }
      if (g > bg) { bg = g; nc = 0; } if (g == bg) cand[nc++] = s; }
    int pick = nc ? cand[R() % nc] : through[v][R() % nthrough[v]];
    for (int k = 0; k < sz[pick]; k++) { int o = owner[vm[pick][k]]; if (o < 0) continue;
      for (int j = 0; j < sz[o]; j++) { int x = vm[o][j]; owner[x] = -1; pos[x] = nu; unc[nu++] = x; }
      inSol[o] = 0; tabuUntil[o] = step + tabu; }
    ws[pick] = 0;
    for (int k = 0; k < sz[pick]; k++) { int u = vm[pick][k]; owner[u] = pick; ws[pick] += w[u]; int p = pos[u], last = unc[--nu]; unc[p] = last; pos[last] = p; }
    inSol[pick] = 1;
    for (int i = 0; i < nu; i++) w[unc[i]]++;
    if (nu < best) best = nu;
  }
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  if (nu == 0) { int chosen[256], c = 0; for (int s = 0; s < ns; s++) if (inSol[s]) chosen[c++] = s; Check(chosen, c); }
  printf("%s %ld %d %.2f\n", nu == 0 ? "found" : "none", step - 1, best, secs);
  return 0;
}
C
cat > "$work/lns.c" <<'C'
/* Large-neighbourhood search on the set packing: free the uncovered VMs, the chosen sets that a random set through a
   random uncovered VM overlaps, and EXTRA more chosen sets at random; repack the freed VMs with the packing of the
   sets inside them that covers most VMs (branch and bound in a random order, at most SUBCAP nodes); keep it when it
   covers no fewer VMs than the sets it replaces (plateau moves allowed). Args: SETS MAX_MOVES EXTRA SUBCAP RNG */
#include "common.h"
static int *sub, nsub, best[64], nbest, bestCov, cur[64], ncur; static long subNodes, subCap;
static void Pack(int from, const u64 *used, int cov, int coverable) {
  if (++subNodes > subCap) return;
  if (cov > bestCov) { bestCov = cov; nbest = ncur; memcpy(best, cur, 4 * ncur); }
  if (cov + coverable <= bestCov) return;
  for (int i = from; i < nsub && subNodes <= subCap; i++) { int s = sub[i]; if (!Disjoint(s, used)) continue;
    u64 u2[W]; for (int k = 0; k < W; k++) u2[k] = used[k] | bits[s][k]; cur[ncur++] = s;
    Pack(i + 1, u2, cov + sz[s], coverable - sz[s]); ncur--; }
}
int main(int argc, char **argv) {
  if (argc != 6) return 2;
  long maxMoves = atol(argv[2]); int extra = atoi(argv[3]); subCap = atol(argv[4]); Read(argv[1], atol(argv[5]));
  int owner[256]; int *inSol = calloc(ns, 4), *mark = calloc(ns, 4); sub = malloc(4 * ns);
  for (int v = 0; v < n; v++) { owner[v] = -1; if (!nthrough[v]) { printf("none 0 %d 0 0.00\n", n); return 0; } }
  int covered = 0, bestEver = 0, epoch = 0; long move, subTotal = 0; clock_t t0 = clock();
  for (move = 1; move <= maxMoves && covered < n; move++) {
    int unc[256], nu = 0; for (int v = 0; v < n; v++) if (owner[v] < 0) unc[nu++] = v;
    int u0 = unc[R() % nu], s0 = through[u0][R() % nthrough[u0]];
    int drop[64], nd = 0, others[64], no = 0; epoch++;
    for (int k = 0; k < sz[s0]; k++) { int o = owner[vm[s0][k]]; if (o >= 0 && mark[o] != epoch) { mark[o] = epoch; drop[nd++] = o; } }
    for (int v = 0; v < n; v++) { int o = owner[v]; if (o >= 0 && mark[o] != epoch && vm[o][0] == v) others[no++] = o; }
    for (int e = 0; e < extra && no > 0; e++) { int j = R() % no; drop[nd++] = others[j]; mark[others[j]] = epoch; others[j] = others[--no]; }
    u64 F[W] = {0}, reach[W] = {0}; int oldCov = 0, coverable = 0;
    for (int i = 0; i < nu; i++) F[unc[i] >> 6] |= 1ULL << (unc[i] & 63);
    for (int d = 0; d < nd; d++) { oldCov += sz[drop[d]]; for (int k = 0; k < W; k++) F[k] |= bits[drop[d]][k]; }
    nsub = 0; epoch++;
    for (int k = 0; k < W; k++) for (u64 x = F[k]; x; x &= x - 1) { int v = k * 64 + __builtin_ctzll(x);
      for (int i = 0; i < nthrough[v]; i++) { int s = through[v][i]; if (mark[s] == epoch) continue; mark[s] = epoch;
        int inside = 1; for (int q = 0; q < W; q++) inside &= (bits[s][q] & ~F[q]) == 0;
        if (inside) { sub[nsub++] = s; for (int q = 0; q < W; q++) reach[q] |= bits[s][q]; } } }
    for (int q = 0; q < W; q++) coverable += __builtin_popcountll(reach[q]);
    for (int i = nsub - 1; i > 0; i--) { int j = R() % (i + 1), t = sub[i]; sub[i] = sub[j]; sub[j] = t; }
    bestCov = -1; nbest = 0; ncur = 0; subNodes = 0; u64 none[W] = {0}; Pack(0, none, 0, coverable); subTotal += subNodes;
    if (bestCov >= oldCov) {
      for (int d = 0; d < nd; d++) { int o = drop[d]; inSol[o] = 0; for (int k = 0; k < sz[o]; k++) owner[vm[o][k]] = -1; }
      for (int b = 0; b < nbest; b++) { int s = best[b]; inSol[s] = 1; for (int k = 0; k < sz[s]; k++) owner[vm[s][k]] = s; }
      covered += bestCov - oldCov; if (covered > bestEver) bestEver = covered; }
  }
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  if (covered == n) { int chosen[256], c = 0; for (int s = 0; s < ns; s++) if (inSol[s]) chosen[c++] = s; Check(chosen, c); }
  printf("%s %ld %d %ld %.2f\n", covered == n ? "found" : "none", move - 1, n - bestEver, subTotal, secs);
  return 0;
}
C
cat > "$work/wdeg.c" <<'C'
/* Exact cover search with learned ordering (dom/wdeg, Boussemart, Hemery, Lecoutre & Sais 2004): a dead end (an
   uncovered VM with no set left) adds 1 to that VM's weight; the VM branched on has the fewest alive sets over its
   weight (ties at random); its sets in random order (VALUES 0) or least constraining first (VALUES 1: the fewest
   weighted VMs' options removed, each removed set counting the weights of its VMs over their alive sets); restarts
   every UNIT x Luby(i) nodes (Luby, Sinclair & Zuckerman 1993), the weights kept. Args: SETS MAX_NODES UNIT VALUES RNG */
#include "common.h"
static double wv[256]; static int values, chosen[64], depth, *pool; static long top, nodes, runNodes, cutoff, maxNodes;
static int Search(const int *alive, int na, const u64 *cov, int left) {
  nodes++; runNodes++;
  if (left == 0) return 1;
  if (nodes > maxNodes || runNodes > cutoff) return -1;
  int cnt[256] = {0};
  for (int i = 0; i < na; i++) { int s = alive[i]; for (int k = 0; k < sz[s]; k++) cnt[vm[s][k]]++; }
  int v = -1; double bs = 1e300;
  for (int u = 0; u < n; u++) if (!((cov[u >> 6] >> (u & 63)) & 1)) {
    if (cnt[u] == 0) { wv[u] += 1; return 0; }
    double sc = cnt[u] / wv[u] * (1 + 1e-9 * U()); if (sc < bs) { bs = sc; v = u; } }
  int *cand = pool + top, nc = 0; top += cnt[v];
  for (int i = 0; i < na; i++) { int s = alive[i]; if ((bits[s][v >> 6] >> (v & 63)) & 1) cand[nc++] = s; }
  double *key = malloc(sizeof(double) * nc);
  for (int i = 0; i < nc; i++) { int s = cand[i]; double k = 0;
    if (values == 1) for (int j = 0; j < na; j++) if (!Disjoint(alive[j], bits[s])) { int t = alive[j]; for (int q = 0; q < sz[t]; q++) k += wv[vm[t][q]] / (cnt[vm[t][q]] + 1); }
    key[i] = k + 1e-9 * U(); }
  for (int i = 1; i < nc; i++) { int s = cand[i]; double kk = key[i]; int j = i; while (j > 0 && key[j - 1] > kk) { key[j] = key[j - 1]; cand[j] = cand[j - 1]; j--; } key[j] = kk; cand[j] = s; }
  free(key);
  int result = 0;
  for (int i = 0; i < nc && result == 0; i++) {
    int s = cand[i]; int *next = pool + top, nn = 0;
    for (int j = 0; j < na; j++) if (Disjoint(alive[j], bits[s])) next[nn++] = alive[j];
    top += nn; u64 c2[W]; for (int k = 0; k < W; k++) c2[k] = cov[k] | bits[s][k];
    chosen[depth++] = s; result = Search(next, nn, c2, left - sz[s]); if (result != 1) depth--;
    top -= nn; }
  top -= cnt[v];
  return result;
}
static long Luby(long i) { for (long k = 1;; k++) { if (i == (1L << k) - 1) return 1L << (k - 1); if (i < (1L << k) - 1) return Luby(i - (1L << (k - 1)) + 1); } }
int main(int argc, char **argv) {
  if (argc != 6) return 2;
  maxNodes = atol(argv[2]); long unit = atol(argv[3]); values = atoi(argv[4]); Read(argv[1], atol(argv[5]));
  for (int v = 0; v < n; v++) wv[v] = 1;
  pool = malloc(sizeof(int) * 64 * (size_t)(ns + 1)); int *all = malloc(sizeof(int) * (size_t)ns); for (int s = 0; s < ns; s++) all[s] = s;
  clock_t t0 = clock(); int found = 0; long runs = 0;
  while (!found && nodes < maxNodes) { runs++; cutoff = unit ? unit * Luby(runs) : maxNodes; runNodes = 0; top = 0; depth = 0;
    u64 cov[W] = {0}; found = Search(all, ns, cov, n) == 1; }
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  if (found) Check(chosen, depth);
  printf("%s %ld %ld %.2f\n", found ? "found" : "none", runs, nodes, secs);
  return 0;
}
C
cat > "$work/bprank.c" <<'C'
/* Does belief propagation see the planted sets? Factor graph: a Boolean per set, an exactly-one factor per VM;
   messages as log ratios (set -> VM: the sum over the set's other VMs of rho; VM -> set: rho = -log of the sum of
   exp(r) over the VM's other sets), damping 0.5, at most ITERS sweeps; a set's belief is the sum over its VMs of rho.
   Prints where the planted sets (the VMs' planted host, third column of VMS) rank among all sets by belief: how many
   are in the top 20, the best, median and worst rank, the number of sets, and their mean rank share within their size. BP-guided decimation (Montanari,
   Ricci-Tersenghi & Semerjian 2007) needs the planted sets ranked high. Args: SETS VMS ITERS */
#include "common.h"
static double *belief;
static int ByBelief(const void *a, const void *b) { double x = belief[*(const int *)a], y = belief[*(const int *)b]; return x > y ? -1 : x < y; }
static double Lse(double a, double b) { return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b)); }
int main(int argc, char **argv) {
  if (argc != 4) return 2;
  Read(argv[1], 1); int iters = atoi(argv[3]);
  FILE *g = fopen(argv[2], "r"); int grp[256]; long c0, m0; if (!g || fscanf(g, "%*d %ld %ld", &c0, &m0) != 2) return 2;
  for (int v = 0; v < n; v++) if (fscanf(g, "%*d %*d %d", &grp[v]) != 1) return 2;
  double (*lr)[8] = calloc(ns, sizeof *lr); belief = calloc(ns, 8); double lsum[256]; int cnt[256];
  clock_t t0 = clock(); int it;
  for (it = 0; it < iters; it++) {
    for (int v = 0; v < n; v++) { lsum[v] = -INFINITY; cnt[v] = 0; }
    for (int s = 0; s < ns; s++) for (int k = 0; k < sz[s]; k++) { int v = vm[s][k]; lsum[v] = Lse(lsum[v], lr[s][k]); cnt[v]++; }
    double change = 0;
    for (int s = 0; s < ns; s++) { double lrho[8], tot = 0;
      for (int k = 0; k < sz[s]; k++) { int v = vm[s][k];
        double others = cnt[v] == 1 ? -50 : lsum[v] + log1p(-fmin(exp(lr[s][k] - lsum[v]), 1 - 1e-12));
        lrho[k] = fmax(-50, fmin(50, -others)); tot += lrho[k]; }
      belief[s] = tot;
      for (int k = 0; k < sz[s]; k++) { double nv = 0.5 * lr[s][k] + 0.5 * (tot - lrho[k]); change += fabs(nv - lr[s][k]); lr[s][k] = nv; } }
    if (change < 1e-6 * ns) break;
  }
  int *ord = malloc(4 * ns); for (int s = 0; s < ns; s++) ord[s] = s; qsort(ord, ns, 4, ByBelief);
  int ranks[64], np = 0;
  for (int i = 0; i < ns && np < 64; i++) { int s = ord[i], same = 1; for (int k = 1; k < sz[s]; k++) same &= grp[vm[s][k]] == grp[vm[s][0]]; if (same) ranks[np++] = i + 1; }
  int top20 = 0; for (int i = 0; i < np; i++) top20 += ranks[i] <= 20;
  /* the same within each size: a planted set's rank among the sets of its size over their count, averaged (0.5: no
     signal beyond the size) */
  int ofSize[9] = {0}, seen[9] = {0}; double share = 0; int planted = 0;
  for (int s = 0; s < ns; s++) ofSize[sz[s]]++;
  for (int i = 0; i < ns; i++) { int s = ord[i], same = 1; seen[sz[s]]++; for (int k = 1; k < sz[s]; k++) same &= grp[vm[s][k]] == grp[vm[s][0]];
    if (same) { share += (double)seen[sz[s]] / ofSize[sz[s]]; planted++; } }
  printf("%d %d %d %d %d %.2f %d %.2f\n", top20, ranks[0], ranks[np / 2], ranks[np - 1], ns, share / planted, it, (double)(clock() - t0) / CLOCKS_PER_SEC);
  return 0;
}
C
for p in ls lns wdeg bprank; do gcc -O2 -Wall -Werror -o "$work/$p" "$work/$p.c" -lm; done
echo "Enumeration (docs/planted-cover.sh, no cover search):"
SETS_DIR="$work/sets" bash docs/planted-cover.sh 0 "$options" "$@"
echo
echo "Each cell: cover found or none, the steps / moves / nodes, fewest VMs left uncovered (LS, LNS), CPU s."
echo
echo "| seed | sets | LS, 300 k steps | LNS, 20 k moves | dom/wdeg, random values | dom/wdeg, least constraining | BP: planted in top 20, ranks best / median / worst of sets, mean rank share within size | load (start -> end) |"
echo "| ---: | ---: | --- | --- | --- | --- | --- | --- |"
for seed in "$@"; do
  sets="$work/sets/sets-$seed.txt"
  start=$(cut -d' ' -f1 /proc/loadavg)
  ls=- lns=- w0=- w1=-
  if [ "$methods" = all ]; then
    read -r found steps left sec < <("$work/ls" "$sets" 300000 10 1); ls="$found, $steps, $left left, $sec"
    read -r found moves left _ sec < <("$work/lns" "$sets" 20000 2 2000 1); lns="$found, $moves, $left left, $sec"
    read -r found runs nodes sec < <("$work/wdeg" "$sets" 2000000 10000 0 1); w0="$found, $nodes ($runs runs), $sec"
    read -r found runs nodes sec < <("$work/wdeg" "$sets" 2000000 10000 1 1); w1="$found, $nodes ($runs runs), $sec"
  fi
  read -r top20 best median worst count share _ _ < <("$work/bprank" "$sets" "$work/sets/vms-$seed.txt" 200)
  end=$(cut -d' ' -f1 /proc/loadavg)
  echo "| $seed | $count | $ls | $lns | $w0 | $w1 | $top20, $best / $median / $worst of $count, $share | $start -> $end |"
done

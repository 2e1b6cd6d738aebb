#!/usr/bin/env bash
# Issue 17's flat-mem K = 20 cover: two ideas for the root's first-choice trap (docs/solver.md, "Issue 17's last
# point"), measured in counted operations over docs/planted-cover.sh's sets (every exact set of at most 8 VMs):
# - `guided` runs a C port of src/Consolidator/Solving/FullHosts/CoverSearch.cs (the size prior, the counting bound,
#   Luby restarts of 1,000 nodes, operations counted as the C# counts them; its own random stream and the script's VM
#   numbering, so a stream here is not the tool's) with options per variant, comma-joined:
#     cap=1     SizePrior's compositions use at most as many sets of a size as exist;
#     root=1    limited discrepancy at the root across restarts (Harvey & Ginsberg 1995, top level only): run i tries
#               the root VM's set of rank ruler(i) first (1st, 2nd, 1st, 3rd, 1st, 2nd, 1st, 4th, ...), then the rest;
#     rootvm=1  the root VM is the one where the prior is most decisive (its heaviest set's share of its mass);
#     bp=D      at nodes above depth D, belief propagation (below) orders the VM (fewest effective sets by belief)
#               and its sets (highest belief first); beliefs cached by path, BP counted at 3 operations an edge
#               update; bpvm=0 keeps the prior's VM and orders only the sets; bpit=, damp=, eps= its settings.
#   Each row: cover found or none within MAX_OPS operations, operations, nodes, runs, and in how many runs the root's
#   first choice was a planted set.
# - `ranks` (RANKS=1) runs belief propagation once at the root: the exact cover as a factor graph (a Boolean per set,
#   an exactly-one factor per VM), each set's prior odds the size prior's w / (1 - w) (compositions capped), messages
#   in log-odds (set S to VM v: log odds(S) - sum over u in S, u != v, of log sum over T containing u, T != S, of
#   exp(message T to u)), damped 0.2, 300 sweeps; prints where each VM's planted set ranks among the VM's sets by
#   belief and by the prior (ties counted half), and the 12 VMs whose top set BP is surest of (+ planted, - not).
# - `lookahead` (LOOKAHEAD="SEED:VM ...") ranks a VM's sets at the root by the Bethe free energy of what is left once
#   each is chosen (log odds(S) + log Z_Bethe(residual) - log Z_Bethe(all), 60 damped sweeps each), against the
#   plain belief: a one-step lookahead that a belief cannot give.
# The guided program's oracle=1 follows the planted cover from the root and prints, at each depth, the VM branched on
# and where its planted set ranks among its sets (with the variant's order).
# C (gcc -O2), one thread. Operations do not depend on the machine or its load.
# Usage: bash docs/planted-cover-guided.sh MAX_OPS "GENERATOR OPTIONS" "VARIANT..." "STREAM..." SEED...
#   e.g. bash docs/planted-cover-guided.sh 1000000000 "--shape flat-mem --decimals 2 --host 40x384" \
#          "cap=0 cap=1 cap=1,root=1 cap=1,bp=3" "1 2" 1 2 3 4 5 6 7 8
#        RANKS=1 bash docs/planted-cover-guided.sh 0 "--shape flat-mem --decimals 2 --host 40x384" "" "" 1 2 5 7
#        LOOKAHEAD="2:0 5:102" bash docs/planted-cover-guided.sh 0 "--shape flat-mem --decimals 2 --host 40x384" "" "" 2 5
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 5 ] || { echo 'usage: bash docs/planted-cover-guided.sh MAX_OPS "GENERATOR OPTIONS" "VARIANT..." "STREAM..." SEED...' >&2; exit 2; }
cap=$1 options=$2 variants=$3 streams=$4; shift 4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/sets"
cat > "$work/guided.c" <<'C'
// Harness: a port of src/Consolidator/Solving/FullHosts/CoverSearch.cs (prior order, counting bound, Luby restarts of
// 1,000 nodes, operations counted as in C#), with root variants switched on by options.
// usage: h SETS VMS MAXOPS STREAM [cap=0/1] [root=0/1] [rootvm=0/1] [bp=D] [bpvm=0/1] [bpit=N] [damp=X] [eps=X] [oracle=1] [trace=1]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
typedef unsigned long long u64;
#define W 4
static int nsets, nvms, hosts, *mem, *start, *sz, *group, *gsize, *planted;
static u64 *bits;
static int sizes[16], nsizes, maxsize, stride;
static long long lcmv, unitv[65];
static double *ways0; // ways[skip+1][h][r]
static double **ways;
static double *expmemo; static char *expdone;
static int capOn = 0, rootMode = 0, rootVm = 0, trace = 0;
static long long ops, nodes, maxOps, runNodes, cutoff; static int runs;
static u64 rngs;
static u64 nextu(void) { u64 z = (rngs += 0x9E3779B97F4A7C15ULL); z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL; z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL; return z ^ (z >> 31); }
static double U(void) { return (nextu() >> 11) * (1.0 / 9007199254740992.0); }
static void skip(long long d) { rngs += (u64)d * 0x9E3779B97F4A7C15ULL; }
static int *pool; static double *keys; static long long top0, poolCap;
static u64 *cover; static long long *ofSize; static int *bySize; static long long matrix;
static int *dead, deadCount; static u64 *rem; static int chosen[256];
static double weight[65], keyv[65];
static int countPerSize[65];
// root control for this run
static int rootFirst; // rank (0-based) to try first at the root, -1 none
static int rootRankPlanted, rootChoicePlanted, rootVmChosen;
static int oracle = 0, bpVm = 1, bpDepth = 0, bpIters = 30; static double bpDamp = 0.2, bpEps = 1.0, bpCost = 3.0;
static u64 cacheKey[65536]; static int cacheN[65536], cacheUsed; static double *cacheB[65536];
static double *belief, *bm, *br, *blp; static double *vmx, *vtot;
// BP on the node's live sets: beliefs (log-odds) in belief[s]; the size prior's weight as each set's prior odds.
static void BP(int alive, int na) {
  long long e = 0;
  for (int i = 0; i < na; i++) { int s = pool[alive + i]; double w = weight[sz[s]]; if (w > 0.999) w = 0.999; blp[s] = log(w / (1 - w)); for (int m = start[s]; m < start[s + 1]; m++) bm[e++] = blp[s]; }
  long long E = e;
  for (int it = 0; it <= bpIters; it++) {
    for (int v = 0; v < nvms; v++) { vmx[v] = -1e300; vtot[v] = 0; }
    e = 0; for (int i = 0; i < na; i++) { int s = pool[alive + i]; for (int m = start[s]; m < start[s + 1]; m++, e++) if (bm[e] > vmx[mem[m]]) vmx[mem[m]] = bm[e]; }
    e = 0; for (int i = 0; i < na; i++) { int s = pool[alive + i]; for (int m = start[s]; m < start[s + 1]; m++, e++) vtot[mem[m]] += exp(bm[e] - vmx[mem[m]]); }
    e = 0;
    for (int i = 0; i < na; i++) { int s = pool[alive + i]; double sum = 0; long long e0 = e;
      for (int m = start[s]; m < start[s + 1]; m++, e++) { int v = mem[m]; double rest = vtot[v] - exp(bm[e] - vmx[v]); if (rest < 1e-12 * vtot[v]) rest = 1e-12 * vtot[v]; br[e] = log(rest) + vmx[v]; sum += br[e]; }
      if (it == bpIters) { belief[s] = blp[s] - sum; continue; }
      for (long long f = e0; f < e; f++) { double nm = blp[s] - (sum - br[f]); bm[f] += bpDamp * (nm - bm[f]); } }
  }
  ops += (long long)(bpCost * (bpIters + 1) * E);
}


static double Expected(int h, int R, int s) {
  int at = h * (nvms + 1) + R;
  if (!expdone[at]) {
    double total = ways[0][at];
    for (int q = 0; q < nsizes; q++) {
      int S = sizes[q]; double acc = 0; double *o = ways[q + 1];
      int lim = capOn ? countPerSize[S] : h;
      for (int c = 1; c <= h && c * S <= R && c <= lim; c++) acc += c * o[(h - c) * (nvms + 1) + R - c * S];
      expmemo[at * 65 + S] = total > 0 ? acc / total : 0;
    }
    expdone[at] = 1;
  }
  return expmemo[at * 65 + s];
}
static void BuildWays(void) {
  ways = malloc(sizeof(double *) * (nsizes + 1));
  for (int skipq = -1; skipq < nsizes; skipq++) {
    double *w = calloc((size_t)(hosts + 1) * (nvms + 1), sizeof(double)); w[0] = 1;
    for (int q = 0; q < nsizes; q++) {
      if (q == skipq) continue; int s = sizes[q];
      if (!capOn) { for (int j = 1; j <= hosts; j++) for (int r = s; r <= nvms; r++) w[j * (nvms + 1) + r] += w[(j - 1) * (nvms + 1) + r - s]; }
      else {
        double *nw = calloc((size_t)(hosts + 1) * (nvms + 1), sizeof(double));
        for (int j = 0; j <= hosts; j++) for (int r = 0; r <= nvms; r++) { double a = 0; for (int c = 0; c <= countPerSize[s] && c <= j && c * s <= r; c++) a += w[(j - c) * (nvms + 1) + r - c * s]; nw[j * (nvms + 1) + r] = a; }
        free(w); w = nw;
      }
    }
    ways[skipq + 1] = w;
  }
  expmemo = calloc((size_t)(hosts + 1) * (nvms + 1) * 65, sizeof(double));
  expdone = calloc((size_t)(hosts + 1) * (nvms + 1), 1);
}
static void Reserve(long long more) {
  if (top0 + more <= poolCap) return;
  long long n = poolCap * 2 > top0 + more ? poolCap * 2 : top0 + more;
  pool = realloc(pool, n * sizeof(int)); keys = realloc(keys, n * sizeof(double)); poolCap = n;
}
static int Filter(int alive, int na, int ch, int child, int depth) {
  u64 *cv = cover + (long long)depth * stride * W; long long *os = ofSize + (long long)depth * stride;
  memset(cv, 0, sizeof(u64) * stride * W); memset(os, 0, sizeof(long long) * stride);
  u64 *c = bits + (long long)ch * W; int nn = 0, killed = 0;
  for (int i = 0; i < na; i++) {
    int s = pool[alive + i]; u64 *b = bits + (long long)s * W;
    if ((b[0] & c[0]) | (b[1] & c[1]) | (b[2] & c[2]) | (b[3] & c[3])) { dead[killed++] = s; continue; }
    pool[child + nn++] = s; int z = sz[s]; os[z]++;
    for (int k = 0; k < W; k++) cv[z * W + k] |= b[k];
  }
  deadCount = killed; return nn;
}
static void Count(int *bs, u64 *rm, int alive, int na, int depth) {
  if (deadCount < na) {
    memcpy(bs, bySize + (long long)(depth - 1) * matrix, sizeof(int) * matrix);
    for (int i = 0; i < deadCount; i++) { int s = dead[i], z = sz[s]; for (int m = start[s]; m < start[s + 1]; m++) bs[mem[m] * stride + z]--; }
    ops += deadCount + matrix / 64; return;
  }
  for (int k = 0; k < W; k++) for (u64 x = rm[k]; x; x &= x - 1) memset(bs + (k * 64 + __builtin_ctzll(x)) * stride, 0, sizeof(int) * stride);
  for (int i = 0; i < na; i++) { int s = pool[alive + i], z = sz[s]; for (int m = start[s]; m < start[s + 1]; m++) bs[mem[m] * stride + z]++; }
  ops += na;
}
static int WithinCount(u64 *rm, u64 *cv, int h) {
  long long least = 0, most = 0;
  for (int k = 0; k < W; k++) {
    u64 seen = 0;
    for (int q = 0; q < nsizes; q++) { int s = sizes[q]; u64 f = rm[k] & cv[s * W + k] & ~seen; most += unitv[s] * __builtin_popcountll(f); seen |= cv[s * W + k]; }
    seen = 0;
    for (int q = nsizes - 1; q >= 0; q--) { int s = sizes[q]; u64 l = rm[k] & cv[s * W + k] & ~seen; least += unitv[s] * __builtin_popcountll(l); seen |= cv[s * W + k]; }
  }
  return least <= h * lcmv && most >= h * lcmv;
}
static int Node(int alive, int na, int h, int depth) {
  nodes++; runNodes++; ops++;
  u64 *rm = rem + depth * W; int left = 0;
  for (int k = 0; k < W; k++) left += __builtin_popcountll(rm[k]);
  if (left == 0) return 1;
  if (runNodes > cutoff || ops >= maxOps) return 0;
  u64 *cv = cover + (long long)depth * stride * W; long long *os = ofSize + (long long)depth * stride;
  for (int k = 0; k < W; k++) {
    u64 cov = 0; for (int q = 0; q < nsizes; q++) cov |= cv[sizes[q] * W + k];
    u64 miss = rm[k] & ~cov; if (!miss) continue;
    skip(left); return 0;
  }
  if (!WithinCount(rm, cv, h)) { skip(left); return 0; }
  for (int q = 0; q < nsizes; q++) { int s = sizes[q]; weight[s] = os[s] > 0 ? Expected(h, left, s) / os[s] : 0; }
  int *bs = bySize + (long long)depth * matrix;
  if (depth > 0) Count(bs, rm, alive, na, depth);
  int best = -1; double bestScore = 1e300;
  int useBp = depth < bpDepth;
  if (useBp) {
    // beliefs depend only on the path (the pool's order is the root's, filtered): cached by path
    u64 key = 1469598103934665603ULL * (depth + 1); for (int d = 0; d < depth; d++) key = (key ^ (u64)chosen[d]) * 1099511628211ULL;
    int slot = (int)(key % 65536), hit = 0;
    while (cacheKey[slot] && cacheKey[slot] != key) slot = (slot + 1) % 65536;
    if (cacheKey[slot] == key && cacheN[slot] == na) { for (int i = 0; i < na; i++) belief[pool[alive + i]] = cacheB[slot][i]; hit = 1; ops += na; }
    if (!hit) { BP(alive, na); if (cacheUsed < 60000) { cacheKey[slot] = key; cacheN[slot] = na; cacheB[slot] = malloc(sizeof(double) * na); for (int i = 0; i < na; i++) cacheB[slot][i] = belief[pool[alive + i]]; cacheUsed++; } }
    // per VM: the confidence of its top set, 1 / its effective sets by belief
    for (int v = 0; v < nvms; v++) { vmx[v] = -1e300; vtot[v] = 0; }
    for (int i = 0; i < na; i++) { int s = pool[alive + i]; for (int m = start[s]; m < start[s + 1]; m++) if (belief[s] > vmx[mem[m]]) vmx[mem[m]] = belief[s]; }
    for (int i = 0; i < na; i++) { int s = pool[alive + i]; for (int m = start[s]; m < start[s + 1]; m++) vtot[mem[m]] += exp(belief[s] - vmx[mem[m]]); }
    for (int k = 0; k < W; k++) for (u64 x = rm[k]; x; x &= x - 1) { int v = k * 64 + __builtin_ctzll(x); double score = vtot[v] * (1 + U()); if (score < bestScore) { bestScore = score; best = v; } }
    if (bpVm) goto chosenVm;
    best = -1; bestScore = 1e300;
  }
  // best VM
  for (int k = 0; k < W; k++) for (u64 x = rm[k]; x; x &= x - 1) {
    int v = k * 64 + __builtin_ctzll(x); int count = 0; double mass = 0, tp = 0;
    for (int q = 0; q < nsizes; q++) { int s = sizes[q]; int c = bs[v * stride + s]; if (!c) continue; count += c; mass += c * weight[s]; if (weight[s] > tp) tp = weight[s]; }
    double base = tp > 0 ? mass / tp : count;
    double score;
    if (depth == 0 && rootVm == 1) {
      // the root VM where the prior is most decisive: its heaviest set's share of its prior mass (the first draw unused)
      U(); score = -(tp > 0 ? tp / mass : 0) * (1 + 1e-9 * U());
    } else score = base * (1 + U());
    if (score < bestScore) { bestScore = score; best = v; }
  }
chosenVm:
  ops += left;
  for (int q = 0; q < nsizes; q++) { int s = sizes[q]; keyv[s] = weight[s] > 0 ? -log(weight[s]) : INFINITY; }
  long long cand = top0; int nc = 0; Reserve(na);
  for (int i = 0; i < na; i++) { int s = pool[alive + i]; if (!(bits[(long long)s * W + (best >> 6)] >> (best & 63) & 1)) continue; pool[cand + nc] = s; keys[cand + nc] = (useBp ? -belief[s] : keyv[sz[s]]) + (useBp ? bpEps : 1) * U(); nc++; }
  ops += na;
  // sort candidates by key (insertion sort on pairs; nc is a few hundred at most)
  for (int i = 1; i < nc; i++) { double kk = keys[cand + i]; int ss = pool[cand + i]; int j = i - 1; while (j >= 0 && keys[cand + j] > kk) { keys[cand + j + 1] = keys[cand + j]; pool[cand + j + 1] = pool[cand + j]; j--; } keys[cand + j + 1] = kk; pool[cand + j + 1] = ss; }
  if (depth == 0) {
    rootVmChosen = best; rootRankPlanted = -1;
    for (int c = 0; c < nc; c++) if (planted[pool[cand + c]]) { rootRankPlanted = c; break; }
    if (rootFirst > 0 && rootFirst < nc) { // move rank rootFirst to the front
      int ss = pool[cand + rootFirst]; double kk = keys[cand + rootFirst];
      for (int j = rootFirst; j > 0; j--) { pool[cand + j] = pool[cand + j - 1]; keys[cand + j] = keys[cand + j - 1]; }
      pool[cand] = ss; keys[cand] = kk;
    }
    rootChoicePlanted = nc > 0 ? planted[pool[cand]] : 0;
  }
  if (oracle) {
    int pr = -1; for (int c = 0; c < nc; c++) if (planted[pool[cand + c]]) { pr = c; break; }
    int six = 0; for (int c = 0; c < nc; c++) if (sz[pool[cand + c]] < sz[pool[cand + (pr < 0 ? 0 : pr)]]) six++;
    printf("  depth %d vm %d sets %d live %d: planted rank %d (size %d; smaller sets %d) top %d%s\n", depth, best, nc, na, pr, pr >= 0 ? sz[pool[cand + pr]] : 0, six, sz[pool[cand]], planted[pool[cand]] ? "+" : "-");
    if (pr < 0) return 0;
    int ch = pool[cand + pr]; u64 *nx = rem + (depth + 1) * W; for (int k = 0; k < W; k++) nx[k] = rm[k] & ~bits[(long long)ch * W + k];
    Reserve(na); long long child = top0 + nc; top0 += nc; int nn = Filter(alive, na, ch, child, depth + 1); top0 += nn; chosen[depth] = ch; int f = Node(child, nn, h - 1, depth + 1); top0 -= nn + nc; return f;
  }
  top0 += nc; int found = 0;
  for (int c = 0; c < nc && !found && runNodes <= cutoff && ops < maxOps; c++) {
    int ch = pool[cand + c]; u64 *nx = rem + (depth + 1) * W;
    for (int k = 0; k < W; k++) nx[k] = rm[k] & ~bits[(long long)ch * W + k];
    Reserve(na); long long child = top0; int nn = Filter(alive, na, ch, child, depth + 1); ops += na; top0 += nn;
    chosen[depth] = ch; found = Node(child, nn, h - 1, depth + 1); top0 -= nn;
  }
  top0 -= nc; return found;
}
static long long Luby(long long i) { for (int k = 1;; k++) { if (i == (1LL << k) - 1) return 1LL << (k - 1); if (i < (1LL << k) - 1) return Luby(i - (1LL << (k - 1)) + 1); } }
int main(int argc, char **argv) {
  FILE *fs = fopen(argv[1], "r"), *fv = fopen(argv[2], "r");
  maxOps = atoll(argv[3]); rngs = strtoull(argv[4], 0, 10) * 0x9E3779B97F4A7C15ULL + 12345;
  for (int a = 5; a < argc; a++) {
    if (!strncmp(argv[a], "cap=", 4)) capOn = atoi(argv[a] + 4);
    else if (!strncmp(argv[a], "root=", 5)) rootMode = atoi(argv[a] + 5);
    else if (!strncmp(argv[a], "rootvm=", 7)) rootVm = atoi(argv[a] + 7);
    else if (!strncmp(argv[a], "trace=", 6)) trace = atoi(argv[a] + 6);
    else if (!strncmp(argv[a], "oracle=", 7)) oracle = atoi(argv[a] + 7);
    else if (!strncmp(argv[a], "bpvm=", 5)) bpVm = atoi(argv[a] + 5);
    else if (!strncmp(argv[a], "bp=", 3)) bpDepth = atoi(argv[a] + 3);
    else if (!strncmp(argv[a], "bpit=", 5)) bpIters = atoi(argv[a] + 5);
    else if (!strncmp(argv[a], "damp=", 5)) bpDamp = atof(argv[a] + 5);
    else if (!strncmp(argv[a], "eps=", 4)) bpEps = atof(argv[a] + 4);
  }
  long C, M; if (fscanf(fv, "%d %ld %ld", &nvms, &C, &M) != 3) return 2;
  group = malloc(sizeof(int) * nvms); gsize = calloc(512, sizeof(int));
  for (int v = 0; v < nvms; v++) { long c, m; if (fscanf(fv, "%ld %ld %d", &c, &m, &group[v]) != 3) return 2; gsize[group[v]]++; }
  hosts = 0; for (int g = 0; g < 512; g++) if (gsize[g]) hosts++;
  int n2; if (fscanf(fs, "%d %d", &n2, &nsets) != 2) return 2;
  start = malloc(sizeof(int) * (nsets + 1)); sz = malloc(sizeof(int) * nsets); mem = malloc(sizeof(int) * nsets * 16);
  bits = calloc((size_t)nsets * W, sizeof(u64)); planted = calloc(nsets, sizeof(int));
  start[0] = 0; int present[65] = {0};
  for (int s = 0; s < nsets; s++) {
    int k; if (fscanf(fs, "%d", &k) != 1) return 2; sz[s] = k; int g0 = -1, same = 1;
    for (int i = 0; i < k; i++) { int v; if (fscanf(fs, "%d", &v) != 1) return 2; mem[start[s] + i] = v; bits[(long long)s * W + (v >> 6)] |= 1ULL << (v & 63); if (g0 < 0) g0 = group[v]; else if (group[v] != g0) same = 0; }
    start[s + 1] = start[s] + k; planted[s] = same && gsize[g0] == k; present[k] = 1; countPerSize[k]++;
  }
  nsizes = 0; for (int s = 1; s <= 64; s++) if (present[s]) sizes[nsizes++] = s;
  maxsize = sizes[nsizes - 1]; stride = maxsize + 1;
  lcmv = 1; for (int q = 0; q < nsizes; q++) { long long a = lcmv, b = sizes[q]; while (b) { long long t = a % b; a = b; b = t; } lcmv = lcmv / a * sizes[q]; }
  for (int q = 0; q < nsizes; q++) unitv[sizes[q]] = lcmv / sizes[q];
  BuildWays();
  cover = calloc((size_t)(hosts + 1) * stride * W, sizeof(u64)); ofSize = calloc((size_t)(hosts + 1) * stride, sizeof(long long));
  matrix = (long long)nvms * stride; bySize = calloc((size_t)(hosts + 1) * matrix, sizeof(int)); dead = malloc(sizeof(int) * nsets);
  for (int s = 0; s < nsets; s++) { ofSize[sz[s]]++; for (int k = 0; k < W; k++) cover[sz[s] * W + k] |= bits[(long long)s * W + k]; for (int m = start[s]; m < start[s + 1]; m++) bySize[mem[m] * stride + sz[s]]++; }
  belief = calloc(nsets, sizeof(double)); blp = calloc(nsets, sizeof(double)); bm = malloc(sizeof(double) * start[nsets]); br = malloc(sizeof(double) * start[nsets]); vmx = malloc(sizeof(double) * nvms); vtot = malloc(sizeof(double) * nvms);
  rem = calloc((size_t)(hosts + 1) * W, sizeof(u64)); for (int v = 0; v < nvms; v++) rem[v >> 6] |= 1ULL << (v & 63);
  poolCap = 4LL * nsets + 16; pool = malloc(poolCap * sizeof(int)); keys = malloc(poolCap * sizeof(double));
  for (int s = 0; s < nsets; s++) pool[s] = s; top0 = nsets;
  int found = 0; int plantedRootRuns = 0;
  if (oracle) { cutoff = 1LL << 60; int f = Node(0, nsets, hosts, 0); printf("oracle %d\n", f); return 0; }
  while (!found && ops < maxOps) {
    runs++; cutoff = 1000 * Luby(runs); runNodes = 0;
    rootFirst = 0;
    if (rootMode == 1) rootFirst = __builtin_ctz(runs); // ruler: 0,1,0,2,0,1,0,3,...
    found = Node(0, nsets, hosts, 0);
    plantedRootRuns += rootChoicePlanted;
    if (trace) printf("run %d vm %d plantedRank %d choicePlanted %d ops %lld\n", runs, rootVmChosen, rootRankPlanted, rootChoicePlanted, ops);
  }
  if (found) { // check
    int seen[256] = {0}; for (int i = 0; i < hosts; i++) for (int m = start[chosen[i]]; m < start[chosen[i] + 1]; m++) seen[mem[m]]++;
    for (int v = 0; v < nvms; v++) if (seen[v] != 1) { printf("BAD COVER\n"); return 3; }
  }
  printf("%s ops %lld nodes %lld runs %d plantedRoot %d/%d\n", found ? "FOUND" : "none", ops, nodes, runs, plantedRootRuns, runs);
  return 0;
}
C
cat > "$work/ranks.c" <<'C'
// BP marginals on the exact cover (a Boolean per set, exactly-one per VM), the size prior as each set's prior odds.
// usage: bp SETS VMS [cap=0|1] [iters] [damp]
// Prints, per size, and overall: where each VM's planted set ranks among the VM's sets by BP belief and by the prior.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
static int nsets, nvms, hosts, *start, *mem, *sz, *group, gsize[512], *planted, cnt[65], sizes[16], nsizes;
static double ways[17][21][300];
int main(int argc, char **argv) {
  FILE *fs = fopen(argv[1], "r"), *fv = fopen(argv[2], "r");
  int cap = argc > 3 ? atoi(argv[3] + 4) : 1, iters = argc > 4 ? atoi(argv[4]) : 300; double damp = argc > 5 ? atof(argv[5]) : 0.5;
  long C, M; if (fscanf(fv, "%d %ld %ld", &nvms, &C, &M) != 3) return 2;
  group = malloc(sizeof(int) * nvms);
  for (int v = 0; v < nvms; v++) { long c, m; if (fscanf(fv, "%ld %ld %d", &c, &m, &group[v]) != 3) return 2; gsize[group[v]]++; }
  for (int g = 0; g < 512; g++) if (gsize[g]) hosts++;
  int n2; if (fscanf(fs, "%d %d", &n2, &nsets) != 2) return 2;
  start = malloc(sizeof(int) * (nsets + 1)); sz = malloc(sizeof(int) * nsets); mem = malloc(sizeof(int) * nsets * 16); planted = calloc(nsets, sizeof(int));
  start[0] = 0;
  for (int s = 0; s < nsets; s++) { int k; if (fscanf(fs, "%d", &k) != 1) return 2; sz[s] = k; int g0 = -1, same = 1;
    for (int i = 0; i < k; i++) { int v; if (fscanf(fs, "%d", &v) != 1) return 2; mem[start[s] + i] = v; if (g0 < 0) g0 = group[v]; else if (group[v] != g0) same = 0; }
    start[s + 1] = start[s] + k; planted[s] = same && gsize[g0] == k; cnt[k]++; }
  for (int s = 1; s <= 64; s++) if (cnt[s]) sizes[nsizes++] = s;
  // size prior at the root: expected count of each size over compositions (capped by counts when cap), over the count
  double w[65] = {0};
  for (int skip = -1; skip < nsizes; skip++) {
    memset(ways, 0, sizeof ways); ways[0][0][0] = 1; int L = 0;
    for (int q = 0; q < nsizes; q++) { if (q == skip) continue; int s = sizes[q];
      for (int j = 0; j <= hosts; j++) for (int r = 0; r <= nvms; r++) { double a = 0; for (int c = 0; c <= j && c * s <= r && (!cap || c <= cnt[s]); c++) a += ways[L][j - c][r - c * s]; ways[L + 1][j][r] = a; }
      L++; }
    static double total; if (skip < 0) total = ways[L][hosts][nvms];
    else { int s = sizes[skip]; double acc = 0; for (int c = 1; c <= hosts && c * s <= nvms && (!cap || c <= cnt[s]); c++) acc += c * ways[L][hosts - c][nvms - c * s]; w[s] = acc / total / cnt[s]; }
  }
  for (int q = 0; q < nsizes; q++) fprintf(stderr, "size %d: %d sets, weight %.4g\n", sizes[q], cnt[sizes[q]], w[sizes[q]]);
  int E = start[nsets]; double *m = calloc(E, sizeof(double)), *r = malloc(E * sizeof(double)), *lp = malloc(nsets * sizeof(double)), *ssum = malloc(nsets * sizeof(double));
  double *mx = malloc(nvms * sizeof(double)), *tot = malloc(nvms * sizeof(double));
  for (int s = 0; s < nsets; s++) { double p = w[sz[s]]; lp[s] = log(p < 1 ? p / (1 - p) : 1e6); }
  for (int s = 0; s < nsets; s++) for (int e = start[s]; e < start[s + 1]; e++) m[e] = lp[s];
  double delta = 0;
  for (int it = 0; it < iters; it++) {
    for (int v = 0; v < nvms; v++) { mx[v] = -1e300; tot[v] = 0; }
    for (int e = 0; e < E; e++) if (m[e] > mx[mem[e]]) mx[mem[e]] = m[e];
    for (int e = 0; e < E; e++) tot[mem[e]] += exp(m[e] - mx[mem[e]]);
    for (int e = 0; e < E; e++) { int v = mem[e]; double rest = tot[v] - exp(m[e] - mx[v]); if (rest < 1e-12 * tot[v]) rest = 1e-12 * tot[v]; r[e] = log(rest) + mx[v]; }
    delta = 0;
    for (int s = 0; s < nsets; s++) { double a = 0; for (int e = start[s]; e < start[s + 1]; e++) a += r[e]; ssum[s] = a; }
    for (int s = 0; s < nsets; s++) for (int e = start[s]; e < start[s + 1]; e++) { double nm = lp[s] - (ssum[s] - r[e]); double d = damp * (nm - m[e]); if (fabs(d) > delta) delta = fabs(d); m[e] += d; }
  }
  // beliefs
  double *b = malloc(nsets * sizeof(double));
  for (int v = 0; v < nvms; v++) { mx[v] = -1e300; tot[v] = 0; }
  for (int e = 0; e < E; e++) if (m[e] > mx[mem[e]]) mx[mem[e]] = m[e];
  for (int e = 0; e < E; e++) tot[mem[e]] += exp(m[e] - mx[mem[e]]);
  for (int s = 0; s < nsets; s++) { double a = lp[s]; for (int e = start[s]; e < start[s + 1]; e++) { int v = mem[e]; double rest = tot[v] - exp(m[e] - mx[v]); if (rest < 1e-12 * tot[v]) rest = 1e-12 * tot[v]; a -= log(rest) + mx[v]; } b[s] = a; }
  // per VM ranks
  int *inc = calloc(nvms, sizeof(int)); int **lists = malloc(nvms * sizeof(int *));
  for (int v = 0; v < nvms; v++) lists[v] = malloc(sizeof(int) * 20000);
  for (int s = 0; s < nsets; s++) for (int e = start[s]; e < start[s + 1]; e++) lists[mem[e]][inc[mem[e]]++] = s;
  double sumB = 0, sumP = 0; int top1B = 0, top1P = 0, better = 0, worse = 0, n = 0; double rb[256], rpv[256];
  for (int v = 0; v < nvms; v++) {
    int ps = -1; for (int i = 0; i < inc[v]; i++) if (planted[lists[v][i]]) ps = lists[v][i];
    if (ps < 0) continue;
    double gtB = 0, eqB = 0, gtP = 0, eqP = 0;
    for (int i = 0; i < inc[v]; i++) { int s = lists[v][i]; if (s == ps) continue;
      if (b[s] > b[ps]) gtB++; else if (b[s] == b[ps]) eqB++;
      if (w[sz[s]] > w[sz[ps]]) gtP++; else if (w[sz[s]] == w[sz[ps]]) eqP++; }
    double RB = 1 + gtB + eqB / 2, RP = 1 + gtP + eqP / 2; rb[n] = RB; rpv[n] = RP; n++;
    sumB += RB; sumP += RP; top1B += RB == 1; top1P += gtP == 0 && eqP == 0; better += RB < RP; worse += RB > RP;
  }
  // medians
  for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) { if (rb[j] < rb[i]) { double t = rb[i]; rb[i] = rb[j]; rb[j] = t; } if (rpv[j] < rpv[i]) { double t = rpv[i]; rpv[i] = rpv[j]; rpv[j] = t; } }
  // confidence: per VM, normalized probability of its top set; VMs sorted by it; is the top planted?
  { double conf[256]; int topPl[256], nv = 0;
    for (int v = 0; v < nvms; v++) { double mxb = -1e300; int bs = -1; for (int i = 0; i < inc[v]; i++) if (b[lists[v][i]] > mxb) { mxb = b[lists[v][i]]; bs = lists[v][i]; }
      double z = 0; for (int i = 0; i < inc[v]; i++) z += exp(b[lists[v][i]] - mxb); conf[nv] = 1 / z; topPl[nv] = planted[bs]; nv++; }
    for (int i = 0; i < nv; i++) for (int j = i + 1; j < nv; j++) if (conf[j] > conf[i]) { double t = conf[i]; conf[i] = conf[j]; conf[j] = t; int u = topPl[i]; topPl[i] = topPl[j]; topPl[j] = u; }
    printf("most confident VMs (p, top planted):"); for (int i = 0; i < 12; i++) printf(" %.2f%s", conf[i], topPl[i] ? "+" : "-"); printf("\n"); }
  // global: planted sets' rank among all sets by belief
  int inTop20 = 0; for (int s = 0; s < nsets; s++) if (planted[s]) { int g = 0; for (int t = 0; t < nsets; t++) if (b[t] > b[s]) g++; if (g < 20) inTop20++; }
  printf("vms %d: planted rank by BP mean %.1f median %.1f (alone-first %d); by prior mean %.1f median %.1f (alone-first %d); BP better for %d VMs, worse for %d; planted in BP top 20: %d; last delta %.3g\n",
    n, sumB / n, rb[n / 2], top1B, sumP / n, rpv[n / 2], top1P, better, worse, inTop20, delta);
  return 0;
}
C
gcc -O2 -o "$work/guided" "$work/guided.c" -lm
cat > "$work/lookahead.c" <<'C'
// Lookahead by the Bethe free energy: for a VM's sets S, log odds(S) + log Z_Bethe(the residual once S is chosen),
// against the plain BP belief of S. Where does the VM's planted set rank by each?
// usage: bethe SETS VMS VM [iters]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
static int nsets, nvms, hosts, *start, *mem, *sz, *group, gsize[512], *planted, cnt[65], sizes[16], nsizes;
static double ways[17][21][300];
static void Prior(int h, int R, const int *count, double *w) {
  memset(w, 0, sizeof(double) * 65);
  static double total;
  for (int skip = -1; skip < nsizes; skip++) {
    memset(ways, 0, sizeof ways); ways[0][0][0] = 1; int L = 0;
    for (int q = 0; q < nsizes; q++) { if (q == skip) continue; int s = sizes[q];
      for (int j = 0; j <= h; j++) for (int r = 0; r <= R; r++) { double a = 0; for (int c = 0; c <= j && c * s <= r && c <= count[s]; c++) a += ways[L][j - c][r - c * s]; ways[L + 1][j][r] = a; }
      L++; }
    if (skip < 0) total = ways[L][h][R];
    else { int s = sizes[skip]; double acc = 0; for (int c = 1; c <= h && c * s <= R && c <= count[s]; c++) acc += c * ways[L][h - c][R - c * s]; w[s] = count[s] && total > 0 ? acc / total / count[s] : 0; }
  }
}
static double *m, *r, *lp, *b, *vmx, *vtot; static int *deg;
// BP over the sets with live[s] != 0; returns log Z_Bethe; beliefs in b
static double BP(const char *live, const char *vlive, int h, int R, int iters) {
  int count[65] = {0}; for (int s = 0; s < nsets; s++) if (live[s]) count[sz[s]]++;
  double w[65]; Prior(h, R, count, w);
  for (int s = 0; s < nsets; s++) if (live[s]) { double p = w[sz[s]]; if (p > 0.999) p = 0.999; lp[s] = p > 0 ? log(p / (1 - p)) : -700; for (int e = start[s]; e < start[s + 1]; e++) m[e] = lp[s]; }
  for (int it = 0; it <= iters; it++) {
    for (int v = 0; v < nvms; v++) { vmx[v] = -1e300; vtot[v] = 0; deg[v] = 0; }
    for (int s = 0; s < nsets; s++) if (live[s]) for (int e = start[s]; e < start[s + 1]; e++) { if (m[e] > vmx[mem[e]]) vmx[mem[e]] = m[e]; deg[mem[e]]++; }
    for (int s = 0; s < nsets; s++) if (live[s]) for (int e = start[s]; e < start[s + 1]; e++) vtot[mem[e]] += exp(m[e] - vmx[mem[e]]);
    double logZ = 0;
    if (it == iters) for (int v = 0; v < nvms; v++) if (vlive[v]) { if (!deg[v]) return -1e300; logZ += (1 - deg[v]) * (log(vtot[v]) + vmx[v]); }
    for (int s = 0; s < nsets; s++) if (live[s]) { double sum = 0;
      for (int e = start[s]; e < start[s + 1]; e++) { int v = mem[e]; double rest = vtot[v] - exp(m[e] - vmx[v]); if (rest < 1e-12 * vtot[v]) rest = 1e-12 * vtot[v]; r[e] = log(rest) + vmx[v]; sum += r[e]; }
      if (it == iters) { b[s] = lp[s] - sum; double a = sum > lp[s] ? sum + log1p(exp(lp[s] - sum)) : lp[s] + log1p(exp(sum - lp[s])); logZ += a; continue; }
      for (int e = start[s]; e < start[s + 1]; e++) { double nm = lp[s] - (sum - r[e]); m[e] += 0.2 * (nm - m[e]); } }
    if (it == iters) return logZ;
  }
  return 0;
}
int main(int argc, char **argv) {
  FILE *fs = fopen(argv[1], "r"), *fv = fopen(argv[2], "r"); int V = atoi(argv[3]), iters = argc > 4 ? atoi(argv[4]) : 60;
  long C, M; if (fscanf(fv, "%d %ld %ld", &nvms, &C, &M) != 3) return 2;
  group = malloc(sizeof(int) * nvms);
  for (int v = 0; v < nvms; v++) { long c, mm; if (fscanf(fv, "%ld %ld %d", &c, &mm, &group[v]) != 3) return 2; gsize[group[v]]++; }
  for (int g = 0; g < 512; g++) if (gsize[g]) hosts++;
  int n2; if (fscanf(fs, "%d %d", &n2, &nsets) != 2) return 2;
  start = malloc(sizeof(int) * (nsets + 1)); sz = malloc(sizeof(int) * nsets); mem = malloc(sizeof(int) * nsets * 16); planted = calloc(nsets, sizeof(int));
  start[0] = 0;
  for (int s = 0; s < nsets; s++) { int k; if (fscanf(fs, "%d", &k) != 1) return 2; sz[s] = k; int g0 = -1, same = 1;
    for (int i = 0; i < k; i++) { int v; if (fscanf(fs, "%d", &v) != 1) return 2; mem[start[s] + i] = v; if (g0 < 0) g0 = group[v]; else if (group[v] != g0) same = 0; }
    start[s + 1] = start[s] + k; planted[s] = same && gsize[g0] == k; cnt[k]++; }
  for (int s = 1; s <= 64; s++) if (cnt[s]) sizes[nsizes++] = s;
  int E = start[nsets]; m = malloc(E * sizeof(double)); r = malloc(E * sizeof(double)); lp = malloc(nsets * sizeof(double)); b = malloc(nsets * sizeof(double));
  vmx = malloc(nvms * sizeof(double)); vtot = malloc(nvms * sizeof(double)); deg = malloc(nvms * sizeof(int));
  char *live = malloc(nsets), *vlive = malloc(nvms); memset(live, 1, nsets); memset(vlive, 1, nvms);
  double Z0 = BP(live, vlive, hosts, nvms, iters);
  double *b0 = malloc(nsets * sizeof(double)); memcpy(b0, b, nsets * sizeof(double));
  double lp0[65]; { int count[65]; memcpy(count, cnt, sizeof cnt); double w[65]; Prior(hosts, nvms, count, w); for (int q = 0; q < nsizes; q++) { double p = w[sizes[q]]; if (p > 0.999) p = 0.999; lp0[sizes[q]] = log(p / (1 - p)); } }
  int cand[20000], nc = 0; for (int s = 0; s < nsets; s++) for (int e = start[s]; e < start[s + 1]; e++) if (mem[e] == V) cand[nc++] = s;
  double *la = malloc(sizeof(double) * nc); int ps = -1;
  for (int c = 0; c < nc; c++) { int S = cand[c]; if (planted[S]) ps = c;
    char *l2 = malloc(nsets), *v2 = malloc(nvms); memcpy(v2, vlive, nvms); for (int e = start[S]; e < start[S + 1]; e++) v2[mem[e]] = 0;
    for (int t = 0; t < nsets; t++) { l2[t] = 1; for (int e = start[t]; e < start[t + 1]; e++) if (!v2[mem[e]]) { l2[t] = 0; break; } }
    la[c] = lp0[sz[S]] + BP(l2, v2, hosts - 1, nvms - sz[S], iters) - Z0; free(l2); free(v2); }
  int gB = 0, gL = 0, gP = 0; for (int c = 0; c < nc; c++) { if (c == ps) continue; gB += b0[cand[c]] > b0[cand[ps]]; gL += la[c] > la[ps]; gP += sz[cand[c]] < sz[cand[ps]]; }
  printf("vm %d: %d sets, planted size %d: rank by BP %d, by lookahead %d (smaller sets %d); top by lookahead:", V, nc, sz[cand[ps]], gB, gL, gP);
  for (int k = 0; k < 5; k++) { int bi = -1; for (int c = 0; c < nc; c++) if (la[c] > -1e299 && (bi < 0 || la[c] > la[bi])) bi = c; if (bi < 0) break; printf(" %d%s(%.1f)", sz[cand[bi]], planted[cand[bi]] ? "+" : "-", la[bi]); la[bi] = -1e300; }
  printf("\n");
  return 0;
}
C
gcc -O2 -o "$work/ranks" "$work/ranks.c" -lm
gcc -O2 -o "$work/lookahead" "$work/lookahead.c" -lm
echo "Enumeration (docs/planted-cover.sh, no cover search):"
SETS_DIR="$work/sets" bash docs/planted-cover.sh 0 "$options" "$@"
echo
if [ -n "${LOOKAHEAD:-}" ]; then
  for pair in $LOOKAHEAD; do echo "seed ${pair%%:*}: $("$work/lookahead" "$work/sets/sets-${pair%%:*}.txt" "$work/sets/vms-${pair%%:*}.txt" "${pair##*:}" 60)"; done
  exit 0
fi
if [ -n "${RANKS:-}" ]; then
  for seed in "$@"; do echo "seed $seed:"; "$work/ranks" "$work/sets/sets-$seed.txt" "$work/sets/vms-$seed.txt" cap=1 300 0.2; done
  exit 0
fi
echo "| seed | variant | stream | result | load (start -> end) |"
echo "| ---: | --- | ---: | --- | --- |"
for seed in "$@"; do
  for variant in $variants; do
    for stream in $streams; do
      start=$(cut -d' ' -f1 /proc/loadavg)
      # shellcheck disable=SC2046
      result=$("$work/guided" "$work/sets/sets-$seed.txt" "$work/sets/vms-$seed.txt" "$cap" "$stream" $(tr , ' ' <<< "$variant"))
      end=$(cut -d' ' -f1 /proc/loadavg)
      echo "| $seed | $variant | $stream | $result | $start -> $end |"
    done
  done
done

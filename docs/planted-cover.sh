#!/usr/bin/env bash
# Issue 17's flat-mem K = 20 (docs/planted-other.py --shape flat-mem: CPU flat and memory used both exactly full on
# every planted host, two tight rows) posed as an exact cover, outside the tool, to measure what that approach costs
# before it is built into the solver. For each seed: the instance is generated, every set of at most 8 VMs that fills
# a host exactly in both rows is enumerated by meeting in the middle (a table of every subset of at most 4 VMs that
# fits, sorted by its (CPU, memory) sums; each set of m VMs, in the VMs' order largest CPU first, found once as its
# first floor(m/2) VMs joined to the rest, whose first index is past the first part's last), and Knuth's Algorithm X
# with dancing links (the VM in fewest sets first) looks for sets covering every VM exactly once. Any such cover is a
# plan on K hosts (each set fills a host exactly; all hosts are alike). Sizes above 8 are not enumerated (sums allow up
# to 15 on these instances), so "none" would prove nothing; the planted groups have 6-8 VMs. C (gcc -O2), single
# thread, CPU seconds (clock()), so the rows depend on the machine and the load: said beside them.
# Usage: bash docs/planted-cover.sh MAX_NODES "GENERATOR OPTIONS" SEED...
# With SETS_DIR set, each seed's sets are also written to $SETS_DIR/sets-SEED.txt (docs/planted-cover-mip.sh), and its
# VMs (CPU, memory, planted host's index; largest CPU first, the sets' numbering) to $SETS_DIR/vms-SEED.txt.
#   e.g. bash docs/planted-cover.sh 100000000 "--shape flat-mem --decimals 2 --host 40x384" 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { echo 'usage: bash docs/planted-cover.sh MAX_NODES "GENERATOR OPTIONS" SEED...' >&2; exit 2; }
cap=$1 options=$2; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/cover.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
typedef unsigned long long u64;
static int n; static long C0, M0, cpu[512], mem[512]; static int group[512];
typedef struct { u64 key; unsigned members; unsigned char size, first; } Part;
static Part *table; static long parts, partCap;
static int (*sets)[9]; static long nsets, setCap; static int cur[8];
static u64 Key(long c, long m) { return ((u64)c << 32) | (u64)m; }
static int ByKey(const void *a, const void *b) { const Part *x = a, *y = b; return x->key != y->key ? (x->key < y->key ? -1 : 1) : (int)x->first - (int)y->first; }
static void Parts(int from, int depth, long c, long m) {
  if (depth > 0) {
    if (parts == partCap) { partCap = partCap ? 2 * partCap : 1 << 20; table = realloc(table, sizeof(Part) * partCap); }
    Part *e = &table[parts++]; e->key = Key(c, m); e->size = depth; e->first = cur[0]; e->members = 0;
    for (int i = 0; i < depth; i++) e->members |= (unsigned)cur[i] << (8 * i);
  }
  if (depth == 4) return;
  for (int i = from; i < n; i++) if (c + cpu[i] <= C0 && m + mem[i] <= M0) { cur[depth] = i; Parts(i + 1, depth + 1, c + cpu[i], m + mem[i]); }
}
static void Join(int from, int depth, long c, long m) {
  int last = depth ? cur[depth - 1] : -1; u64 key = Key(C0 - c, M0 - m);
  long lo = 0, hi = parts; while (lo < hi) { long mid = (lo + hi) / 2; if (table[mid].key < key) lo = mid + 1; else hi = mid; }
  for (long j = lo; j < parts && table[j].key == key; j++) {
    Part *e = &table[j]; if (e->first <= last || (e->size != depth && e->size != depth + 1)) continue;
    if (nsets == setCap) { setCap = setCap ? 2 * setCap : 1024; sets = realloc(sets, sizeof *sets * setCap); }
    int *s = sets[nsets++]; s[0] = depth + e->size;
    for (int i = 0; i < depth; i++) s[1 + i] = cur[i];
    for (int i = 0; i < e->size; i++) s[1 + depth + i] = (e->members >> (8 * i)) & 255;
  }
  if (depth == 4) return;
  for (int i = from; i < n; i++) if (c + cpu[i] <= C0 && m + mem[i] <= M0) { cur[depth] = i; Join(i + 1, depth + 1, c + cpu[i], m + mem[i]); }
}
/* Dancing links (Knuth 2000): columns 0..n-1 are the VMs, n the root. */
static int *L, *R, *U, *D, *Col, *len, *Row; static long nodes, updates, maxNodes; static int chosen[64], depth;
static void Cover(int c) { L[R[c]] = L[c]; R[L[c]] = R[c]; for (int i = D[c]; i != c; i = D[i]) for (int j = R[i]; j != i; j = R[j]) { U[D[j]] = U[j]; D[U[j]] = D[j]; len[Col[j]]--; updates++; } }
static void Uncover(int c) { for (int i = U[c]; i != c; i = U[i]) for (int j = L[i]; j != i; j = L[j]) { len[Col[j]]++; U[D[j]] = j; D[U[j]] = j; } L[R[c]] = c; R[L[c]] = c; }
static int Search(void) {
  nodes++; if (R[n] == n) return 1; if (nodes > maxNodes) return 0;
  int c = -1, best = 1 << 30; for (int j = R[n]; j != n; j = R[j]) if (len[j] < best) { best = len[j]; c = j; }
  if (best == 0) return 0;
  Cover(c);
  for (int r = D[c]; r != c; r = D[r]) {
    chosen[depth++] = Row[r]; for (int j = R[r]; j != r; j = R[j]) Cover(Col[j]);
    if (Search()) return 1;
    for (int j = L[r]; j != r; j = L[j]) Uncover(Col[j]); depth--;
    if (nodes > maxNodes) break;
  }
  Uncover(c); return 0;
}
int main(int argc, char **argv) {
  maxNodes = atol(argv[1]);
  if (scanf("%d %ld %ld", &n, &C0, &M0) != 3 || n > 255) return 2;
  for (int i = 0; i < n; i++) if (scanf("%ld %ld %d", &cpu[i], &mem[i], &group[i]) != 3) return 2;
  clock_t t0 = clock();
  Parts(0, 0, 0, 0); qsort(table, parts, sizeof(Part), ByKey); Join(0, 0, 0, 0);
  double enumSeconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
  long bySize[9] = {0}, planted = 0;
  for (long s = 0; s < nsets; s++) { bySize[sets[s][0]]++; int same = 1; for (int i = 2; i <= sets[s][0]; i++) same &= group[sets[s][i]] == group[sets[s][1]]; planted += same; }
  if (argc > 2) { /* the sets, for docs/planted-cover-mip.sh: "VMs sets", then per set its size and its VMs */
    FILE *f = fopen(argv[2], "w"); if (!f) return 3;
    fprintf(f, "%d %ld\n", n, nsets);
    for (long s = 0; s < nsets; s++) { fprintf(f, "%d", sets[s][0]); for (int k = 1; k <= sets[s][0]; k++) fprintf(f, " %d", sets[s][k]); fprintf(f, "\n"); }
    if (fclose(f)) return 3;
  }
  long cells = n + 1 + 8 * nsets; L = malloc(4 * cells); R = malloc(4 * cells); U = malloc(4 * cells); D = malloc(4 * cells); Col = malloc(4 * cells); Row = malloc(4 * cells); len = calloc(n + 1, 4);
  for (int i = 0; i <= n; i++) { L[i] = i - 1; R[i] = i + 1; U[i] = D[i] = Col[i] = i; } L[0] = n; R[n] = 0; L[n] = n - 1;
  long next = n + 1;
  for (long s = 0; s < nsets; s++) { long first = -1; for (int k = 1; k <= sets[s][0]; k++) { int it = sets[s][k]; long x = next++; Col[x] = it; Row[x] = s; U[x] = U[it]; D[x] = it; D[U[it]] = x; U[it] = x; len[it]++; if (first < 0) { first = x; L[x] = R[x] = x; } else { L[x] = L[first]; R[x] = first; R[L[first]] = x; L[first] = x; } } }
  t0 = clock(); int found = Search(); double coverSeconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
  int plantedChosen = 0; for (int i = 0; found && i < depth; i++) { int *s = sets[chosen[i]], same = 1; for (int k = 2; k <= s[0]; k++) same &= group[s[k]] == group[s[1]]; plantedChosen += same; }
  printf("%d %ld %ld %ld %ld %ld %ld %.1f %s %d %ld %ld %.1f\n", n, parts, nsets, bySize[6], bySize[7], bySize[8], planted, enumSeconds,
         found ? "found" : "none", found ? depth : 0, nodes, updates, coverSeconds);
  return 0;
}
C
gcc -O2 -o "$work/cover" "$work/cover.c"
echo "| generator options | seed | VMs | subsets of <= 4 | exact sets (6 / 7 / 8 VMs) | planted among them | enumeration s | cover | hosts | X nodes | link updates | X s | load (start -> end) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |"
for seed in "$@"; do
  # shellcheck disable=SC2086
  python3 docs/planted-other.py --hosts 20 --seed "$seed" $options --out "$work/in" 2> /dev/null
  # Per VM: its peak CPU in the generator's units and its memory, and its planted host's index (the check's only use).
  python3 - "$work/in" > "$work/vms.txt" <<'PY'
import csv, sys
from decimal import Decimal
d = sys.argv[1]
hosts = list(csv.DictReader(open(f'{d}/hosts.csv')))
planted = {r['vm_id']: r['host_id'] for r in csv.DictReader(open(f'{d}/planted.csv'))}
cpu, mem = {}, {}
for r in csv.DictReader(open(f'{d}/usage.csv')):
    cpu[r['vm_id']] = max(cpu.get(r['vm_id'], Decimal(0)), Decimal(r['cpu_cores']))
    mem[r['vm_id']] = int(r['memory_mib'])
scale = 10 ** max(-x.as_tuple().exponent for x in cpu.values())
order = sorted(cpu, key=lambda v: (-cpu[v], -mem[v], v))
groups = sorted(set(planted.values()))
print(len(order), int(Decimal(hosts[0]['cpu_cores']) * scale), hosts[0]['memory_mib'])
for v in order:
    print(int(cpu[v] * scale), mem[v], groups.index(planted[v]))
PY
  start=$(cut -d' ' -f1 /proc/loadavg)
  dump=()
  [ -z "${SETS_DIR:-}" ] || { dump=("$SETS_DIR/sets-$seed.txt"); cp "$work/vms.txt" "$SETS_DIR/vms-$seed.txt"; }
  read -r vms parts sets s6 s7 s8 planted enum found hosts nodes updates cover < <("$work/cover" "$cap" "${dump[@]}" < "$work/vms.txt")
  end=$(cut -d' ' -f1 /proc/loadavg)
  echo "| $options | $seed | $vms | $parts | $sets ($s6 / $s7 / $s8) | $planted | $enum | $found | $hosts | $nodes | $updates | $cover | $start -> $end |"
  rm -rf "$work/in"
done
